// SPDX-License-Identifier: MIT
// The Settings dialog: edits a copy of services::AppSettings (sampling, model, conversation,
// appearance), with a one-line explanation under each setting that is not self-evident. The
// caller saves settings() when exec() returns Accepted; Cancel leaves the original untouched.
// Fields the dialog does not show (recent models, last model, device) pass through unchanged.
//
// Thread rules: GUI thread only; it reads no files.
#pragma once

#include "app_settings.h"

#include <QDialog>
#include <QHash>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace quanta::ui {

class SettingsDialog : public QDialog {
    Q_OBJECT

public:
    explicit SettingsDialog(const quanta::services::AppSettings& settings, QWidget* parent = nullptr);

    /// The original settings with the dialog's edits applied.
    quanta::services::AppSettings settings() const;

    /// Puts the application's defaults into the controls (what the Restore Defaults button does).
    void restoreDefaults();

private:
    void showSettings(const quanta::services::AppSettings& settings);
    void onMemoryKindChanged();
    void browseModelsFolder();

    quanta::services::AppSettings m_original;

    QDoubleSpinBox* m_temperature = nullptr;
    QDoubleSpinBox* m_topP = nullptr;
    QSpinBox* m_topK = nullptr;
    QDoubleSpinBox* m_minP = nullptr;
    QDoubleSpinBox* m_repeatPenalty = nullptr;
    QDoubleSpinBox* m_seed = nullptr; ///< a double spin box: seeds go up to 2^53, beyond int
    QSpinBox* m_contextLength = nullptr;
    QSpinBox* m_threads = nullptr;
    QSpinBox* m_maxReplyTokens = nullptr;
    QLineEdit* m_modelsFolder = nullptr;
    QPlainTextEdit* m_systemPrompt = nullptr;
    QComboBox* m_memoryStrategy = nullptr;
    QSpinBox* m_memoryParameter = nullptr;
    QLabel* m_memoryHelp = nullptr;
    QComboBox* m_language = nullptr;
    QComboBox* m_theme = nullptr;

    /// The parameter last used with each memory kind, so switching back and forth keeps it.
    QHash<QString, int> m_memoryParameters;
    QString m_memoryKind;
};

} // namespace quanta::ui
