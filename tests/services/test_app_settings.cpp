// SPDX-License-Identifier: MIT
// AppSettings through a real QSettings file: defaults when empty, a full round trip, a
// hand-edited file whose invalid values fall back field by field, and the recent-models list.
#include "app_settings.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using quanta::services::AppSettings;

class TestAppSettings : public QObject {
    Q_OBJECT

    QString file() const { return m_dir.filePath(QStringLiteral("quanta.conf")); }

private slots:
    void emptyFileGivesDefaults() {
        QSettings qs(file(), QSettings::IniFormat);
        const AppSettings s = AppSettings::load(qs);
        QCOMPARE(s, AppSettings{});
        QCOMPARE(s.sampling.seed, uint64_t{0}); // random per reply
        QCOMPARE(s.sampling.temperature, 0.8f);
        QCOMPARE(s.n_ctx, int64_t{4096});
        QCOMPARE(s.max_reply_tokens, int64_t{0}); // no limit
        QCOMPARE(s.memory_strategy, QStringLiteral("buffer"));
    }

    void roundTrip() {
        AppSettings s;
        s.sampling.temperature = 0.25f;
        s.sampling.top_p = 0.5f;
        s.sampling.top_k = 7;
        s.sampling.min_p = 0.1f;
        s.sampling.repeat_penalty = 1.3f;
        s.sampling.seed = 1234;
        s.n_ctx = 2048;
        s.threads = 3;
        s.max_reply_tokens = 256;
        s.system_prompt = QStringLiteral("너는 친절한 도우미야.\nTwo lines.");
        s.memory_strategy = QStringLiteral("summary-buffer:1024");
        s.language = QStringLiteral("ko");
        s.theme = QStringLiteral("dark");
        s.models_folder = QStringLiteral("/srv/models");
        s.remember_model(QStringLiteral("/a.gguf"));
        s.remember_model(QStringLiteral("/b.gguf"));
        {
            QSettings qs(file(), QSettings::IniFormat);
            s.save(qs);
        }
        QSettings qs(file(), QSettings::IniFormat);
        const AppSettings back = AppSettings::load(qs);
        QCOMPARE(back, s);
        QCOMPARE(back.recent_models, (QStringList{QStringLiteral("/b.gguf"), QStringLiteral("/a.gguf")}));
        QCOMPARE(back.last_model, QStringLiteral("/b.gguf"));
    }

    void invalidValuesFallBackOneByOne() {
        const QString path = m_dir.filePath(QStringLiteral("edited.conf"));
        {
            QSettings qs(path, QSettings::IniFormat);
            qs.setValue(QStringLiteral("sampling/temperature"), QStringLiteral("hot"));
            qs.setValue(QStringLiteral("sampling/top_k"), 5);
            qs.setValue(QStringLiteral("context"), -3);
            qs.setValue(QStringLiteral("memory_strategy"), QStringLiteral("window:-1"));
            qs.setValue(QStringLiteral("language"), QStringLiteral("fr"));
            qs.setValue(QStringLiteral("theme"), QStringLiteral("light"));
        }
        QSettings qs(path, QSettings::IniFormat);
        const AppSettings s = AppSettings::load(qs);
        QCOMPARE(s.sampling.temperature, 0.8f);
        QCOMPARE(s.sampling.top_k, 5);
        QCOMPARE(s.n_ctx, int64_t{4096});
        QCOMPARE(s.memory_strategy, QStringLiteral("buffer"));
        QCOMPARE(s.language, QStringLiteral("system"));
        QCOMPARE(s.theme, QStringLiteral("light"));
    }

    void recentModelsMoveToTheFrontAndAreCapped() {
        AppSettings s;
        for (int i = 0; i < 12; ++i)
            s.remember_model(QStringLiteral("/m%1.gguf").arg(i));
        s.remember_model(QStringLiteral("/m5.gguf"));
        QCOMPARE(s.recent_models.size(), AppSettings::kMaxRecent);
        QCOMPARE(s.recent_models.first(), QStringLiteral("/m5.gguf"));
        QCOMPARE(s.recent_models.at(1), QStringLiteral("/m11.gguf"));
        QCOMPARE(s.recent_models.count(QStringLiteral("/m5.gguf")), 1);
        QVERIFY(!s.recent_models.contains(QStringLiteral("/m0.gguf")));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestAppSettings)
#include "test_app_settings.moc"
