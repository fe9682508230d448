// SPDX-License-Identifier: MIT
#include "app_settings.h"

#include "quanta/memory.h"

#include <QSettings>

#include <algorithm>

namespace quanta::services {

namespace {

// Reads a number in [lo, hi]; anything else (missing, not a number, out of range) is `fallback`.
template <typename T>
T read_number(QSettings& s, const QString& key, T fallback, T lo, T hi) {
    const QVariant v = s.value(key);
    if (!v.isValid())
        return fallback;
    bool ok = false;
    const double d = v.toDouble(&ok);
    if (!ok || !(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)))
        return fallback;
    return static_cast<T>(d);
}

QString read_choice(QSettings& s, const QString& key, const QString& fallback, const QStringList& allowed) {
    const QString v = s.value(key, fallback).toString();
    return allowed.contains(v) ? v : fallback;
}

} // namespace

SamplerParams AppSettings::default_sampling() {
    SamplerParams p;
    p.seed = 0;
    return p;
}

AppSettings AppSettings::load(QSettings& s) {
    AppSettings a;
    const SamplerParams d = default_sampling();
    s.beginGroup(QStringLiteral("sampling"));
    a.sampling.temperature = read_number(s, QStringLiteral("temperature"), d.temperature, 0.0f, 5.0f);
    a.sampling.top_p = read_number(s, QStringLiteral("top_p"), d.top_p, 0.0f, 1.0f);
    a.sampling.top_k = read_number(s, QStringLiteral("top_k"), d.top_k, 0, 1000000);
    a.sampling.min_p = read_number(s, QStringLiteral("min_p"), d.min_p, 0.0f, 1.0f);
    a.sampling.repeat_penalty = read_number(s, QStringLiteral("repeat_penalty"), d.repeat_penalty, 0.0f, 10.0f);
    a.sampling.seed = read_number<uint64_t>(s, QStringLiteral("seed"), d.seed, 0, (uint64_t{1} << 53));
    s.endGroup();
    a.n_ctx = read_number<int64_t>(s, QStringLiteral("context"), a.n_ctx, 16, int64_t{1} << 20);
    a.threads = read_number(s, QStringLiteral("threads"), a.threads, 0, 1024);
    a.max_reply_tokens = read_number<int64_t>(s, QStringLiteral("max_reply_tokens"), a.max_reply_tokens, 0, int64_t{1} << 20);
    a.system_prompt = s.value(QStringLiteral("system_prompt")).toString();
    const QString memory = s.value(QStringLiteral("memory_strategy"), a.memory_strategy).toString();
    if (parse_memory_strategy(memory.toStdString()).ok())
        a.memory_strategy = memory;
    a.language = read_choice(s, QStringLiteral("language"), a.language,
                             {QStringLiteral("system"), QStringLiteral("en"), QStringLiteral("ko")});
    a.theme = read_choice(s, QStringLiteral("theme"), a.theme,
                          {QStringLiteral("system"), QStringLiteral("light"), QStringLiteral("dark")});
    a.models_folder = s.value(QStringLiteral("models_folder")).toString();
    a.recent_models = s.value(QStringLiteral("recent_models")).toStringList();
    a.recent_models.removeAll(QString());
    a.recent_models.removeDuplicates();
    while (a.recent_models.size() > kMaxRecent)
        a.recent_models.removeLast();
    a.last_model = s.value(QStringLiteral("last_model")).toString();
    const QString device = s.value(QStringLiteral("device"), a.device).toString();
    if (!device.isEmpty())
        a.device = device;
    return a;
}

void AppSettings::save(QSettings& s) const {
    s.beginGroup(QStringLiteral("sampling"));
    s.setValue(QStringLiteral("temperature"), sampling.temperature);
    s.setValue(QStringLiteral("top_p"), sampling.top_p);
    s.setValue(QStringLiteral("top_k"), sampling.top_k);
    s.setValue(QStringLiteral("min_p"), sampling.min_p);
    s.setValue(QStringLiteral("repeat_penalty"), sampling.repeat_penalty);
    s.setValue(QStringLiteral("seed"), static_cast<qulonglong>(sampling.seed));
    s.endGroup();
    s.setValue(QStringLiteral("context"), static_cast<qlonglong>(n_ctx));
    s.setValue(QStringLiteral("threads"), threads);
    s.setValue(QStringLiteral("max_reply_tokens"), static_cast<qlonglong>(max_reply_tokens));
    s.setValue(QStringLiteral("system_prompt"), system_prompt);
    s.setValue(QStringLiteral("memory_strategy"), memory_strategy);
    s.setValue(QStringLiteral("language"), language);
    s.setValue(QStringLiteral("theme"), theme);
    s.setValue(QStringLiteral("models_folder"), models_folder);
    s.setValue(QStringLiteral("recent_models"), recent_models);
    s.setValue(QStringLiteral("last_model"), last_model);
    s.setValue(QStringLiteral("device"), device);
}

void AppSettings::add_recent(const QString& path) {
    recent_models.removeAll(path);
    recent_models.prepend(path);
    while (recent_models.size() > kMaxRecent)
        recent_models.removeLast();
}

void AppSettings::remember_model(const QString& path) {
    add_recent(path);
    last_model = path;
}

std::unique_ptr<QSettings> open_settings(const QString& file) {
    if (file.isEmpty())
        return std::make_unique<QSettings>();
    return std::make_unique<QSettings>(file, QSettings::IniFormat);
}

bool AppSettings::operator==(const AppSettings& o) const {
    const auto& a = sampling;
    const auto& b = o.sampling;
    return a.temperature == b.temperature && a.top_p == b.top_p && a.top_k == b.top_k && a.min_p == b.min_p &&
           a.repeat_penalty == b.repeat_penalty && a.seed == b.seed && n_ctx == o.n_ctx && threads == o.threads && max_reply_tokens == o.max_reply_tokens &&
           system_prompt == o.system_prompt && memory_strategy == o.memory_strategy && language == o.language &&
           theme == o.theme && models_folder == o.models_folder && recent_models == o.recent_models &&
           last_model == o.last_model && device == o.device;
}

} // namespace quanta::services
