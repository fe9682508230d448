// SPDX-License-Identifier: MIT
// What the user chooses in Settings, kept between runs with QSettings (the platform's place:
// ~/.config/Quanta/Quanta.conf on Linux). A plain value: the GUI reads it at start, edits a
// copy in the Settings dialog and saves it when the dialog is accepted.
//
//   QSettings qs;                          // organisation and app name set in main()
//   AppSettings s = AppSettings::load(qs); // defaults for anything missing or invalid
//   s.sampling.temperature = 0.2f;
//   s.save(qs);
//
// Invalid stored values (a hand-edited file) fall back to the default of that field only.
#pragma once

#include "quanta/sampler.h"

#include <QString>
#include <QStringList>

#include <memory>

class QSettings;

namespace quanta::services {

struct AppSettings {
    SamplerParams sampling = default_sampling();
    int64_t n_ctx = 4096;                  ///< KV cache positions of a chat session
    int64_t max_reply_tokens = 0;          ///< longest reply; 0: until the model stops or the context is full
    int threads = 0;                       ///< CPU threads; 0: all
    QString system_prompt;                 ///< "" : none
    QString memory_strategy = QStringLiteral("buffer"); ///< quanta-cli syntax (quanta/memory.h)
    QString language = QStringLiteral("system");        ///< "system", "en" or "ko"
    QString theme = QStringLiteral("system");           ///< "system", "light" or "dark"
    QString models_folder;                 ///< scanned for GGUF files; "" : the default (models/)
    QStringList recent_models;             ///< most recent first, at most kMaxRecent
    QString last_model;                    ///< opened at start when it still exists
    QString device = QStringLiteral("cpu");             ///< DeviceInfo::name

    static constexpr int kMaxRecent = 10;

    /// The app's defaults: llama.cpp's sampling defaults except the seed, which is random per
    /// reply unless the user fixes it (seed 0 in the settings means "random").
    static SamplerParams default_sampling();
    static AppSettings load(QSettings& settings);
    void save(QSettings& settings) const;
    /// Puts `path` first in recent_models (moving it if present) and trims the list.
    void add_recent(const QString& path);
    /// add_recent(path), and `path` is the model to reopen at the next start.
    void remember_model(const QString& path);

    bool operator==(const AppSettings& other) const;
};

/// Where settings are kept: `file` as an INI file (tests, screenshots, --settings), or the
/// platform's place when `file` is empty.
std::unique_ptr<QSettings> open_settings(const QString& file);

} // namespace quanta::services
