// SPDX-License-Identifier: MIT
// SettingsDialog: non-default settings appear in the controls, each control's change reaches
// settings(), the memory strategy combo + parameter round-trip the CLI syntax, fields the dialog
// does not show pass through, and Restore Defaults gives AppSettings' defaults.
#include "panels/settings_dialog.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QtTest>

using namespace quanta::services;
using namespace quanta::ui;

class TestPanelsSettings : public QObject {
    Q_OBJECT

private:
    static AppSettings custom() {
        AppSettings s;
        s.sampling.temperature = 0.3f;
        s.sampling.top_p = 0.5f;
        s.sampling.top_k = 20;
        s.sampling.min_p = 0.1f;
        s.sampling.repeat_penalty = 1.1f;
        s.sampling.seed = 1234567890123ULL; // beyond a 32-bit int
        s.n_ctx = 8192;
        s.threads = 4;
        s.max_reply_tokens = 512;
        s.system_prompt = QStringLiteral("You are terse.");
        s.memory_strategy = QStringLiteral("window:3");
        s.language = QStringLiteral("ko");
        s.theme = QStringLiteral("dark");
        s.models_folder = QStringLiteral("/data/models");
        s.recent_models = {QStringLiteral("/data/models/a.gguf")};
        s.last_model = QStringLiteral("/data/models/a.gguf");
        s.device = QStringLiteral("vulkan0");
        return s;
    }

    template <typename T>
    static T* child(SettingsDialog& dialog, const char* name) {
        T* widget = dialog.findChild<T*>(QString::fromLatin1(name));
        if (!widget)
            qFatal("no control %s", name);
        return widget;
    }

    static void setMemory(SettingsDialog& dialog, const QString& keyword, int parameter) {
        auto* combo = child<QComboBox>(dialog, "memoryStrategy");
        combo->setCurrentIndex(combo->findData(keyword));
        if (parameter >= 0)
            child<QSpinBox>(dialog, "memoryParameter")->setValue(parameter);
    }

private slots:
    void controlsShowTheSettings() {
        SettingsDialog dialog(custom(), nullptr);
        QCOMPARE(child<QDoubleSpinBox>(dialog, "temperature")->value(), 0.3);
        QCOMPARE(child<QDoubleSpinBox>(dialog, "temperature")->maximum(), 2.0);
        QCOMPARE(child<QDoubleSpinBox>(dialog, "temperature")->singleStep(), 0.05);
        QCOMPARE(child<QDoubleSpinBox>(dialog, "topP")->value(), 0.5);
        QCOMPARE(child<QSpinBox>(dialog, "topK")->value(), 20);
        QCOMPARE(child<QDoubleSpinBox>(dialog, "minP")->value(), 0.1);
        QCOMPARE(child<QDoubleSpinBox>(dialog, "repeatPenalty")->value(), 1.1);
        QCOMPARE(child<QDoubleSpinBox>(dialog, "seed")->value(), 1234567890123.0);
        QCOMPARE(child<QSpinBox>(dialog, "contextLength")->value(), 8192);
        QCOMPARE(child<QSpinBox>(dialog, "threads")->value(), 4);
        QCOMPARE(child<QSpinBox>(dialog, "maxReplyTokens")->value(), 512);
        QCOMPARE(child<QLineEdit>(dialog, "modelsFolder")->text(), QStringLiteral("/data/models"));
        QCOMPARE(child<QPlainTextEdit>(dialog, "systemPrompt")->toPlainText(), QStringLiteral("You are terse."));
        QCOMPARE(child<QComboBox>(dialog, "memoryStrategy")->currentData().toString(), QStringLiteral("window"));
        QCOMPARE(child<QSpinBox>(dialog, "memoryParameter")->value(), 3);
        QVERIFY(child<QSpinBox>(dialog, "memoryParameter")->isEnabled());
        QCOMPARE(child<QComboBox>(dialog, "language")->currentText(), QStringLiteral("한국어"));
        QCOMPARE(child<QComboBox>(dialog, "theme")->currentData().toString(), QStringLiteral("dark"));
        QVERIFY(child<QLabel>(dialog, "temperatureHelp")->text().startsWith(QStringLiteral("How adventurous")));
        // Untouched, the dialog gives back exactly what it was given.
        QVERIFY(dialog.settings() == custom());
    }

    void eachControlReachesSettings() {
        SettingsDialog dialog(AppSettings{}, nullptr);
        child<QDoubleSpinBox>(dialog, "temperature")->setValue(1.25);
        child<QDoubleSpinBox>(dialog, "topP")->setValue(0.8);
        child<QSpinBox>(dialog, "topK")->setValue(0);
        child<QDoubleSpinBox>(dialog, "minP")->setValue(0.02);
        child<QDoubleSpinBox>(dialog, "repeatPenalty")->setValue(1.3);
        child<QDoubleSpinBox>(dialog, "seed")->setValue(42);
        child<QSpinBox>(dialog, "contextLength")->setValue(2048);
        child<QSpinBox>(dialog, "threads")->setValue(2);
        child<QSpinBox>(dialog, "maxReplyTokens")->setValue(128);
        child<QLineEdit>(dialog, "modelsFolder")->setText(QStringLiteral("/srv/gguf"));
        child<QPlainTextEdit>(dialog, "systemPrompt")->setPlainText(QStringLiteral("Answer in French."));
        setMemory(dialog, QStringLiteral("tokens"), 512);
        auto* language = child<QComboBox>(dialog, "language");
        language->setCurrentIndex(language->findData(QStringLiteral("en")));
        auto* theme = child<QComboBox>(dialog, "theme");
        theme->setCurrentIndex(theme->findData(QStringLiteral("light")));

        const AppSettings s = dialog.settings();
        QCOMPARE(s.sampling.temperature, 1.25f);
        QCOMPARE(s.sampling.top_p, 0.8f);
        QCOMPARE(s.sampling.top_k, 0);
        QCOMPARE(s.sampling.min_p, 0.02f);
        QCOMPARE(s.sampling.repeat_penalty, 1.3f);
        QCOMPARE(s.sampling.seed, uint64_t(42));
        QCOMPARE(s.n_ctx, int64_t(2048));
        QCOMPARE(s.threads, 2);
        QCOMPARE(s.max_reply_tokens, int64_t{128});
        QCOMPARE(s.models_folder, QStringLiteral("/srv/gguf"));
        QCOMPARE(s.system_prompt, QStringLiteral("Answer in French."));
        QCOMPARE(s.memory_strategy, QStringLiteral("tokens:512"));
        QCOMPARE(s.language, QStringLiteral("en"));
        QCOMPARE(s.theme, QStringLiteral("light"));
    }

    void memoryStrategyRoundTrip_data() {
        QTest::addColumn<QString>("strategy");
        QTest::addColumn<QString>("keyword");
        QTest::addColumn<int>("parameter");
        QTest::addColumn<bool>("parameterEnabled");
        QTest::newRow("window") << QStringLiteral("window:3") << QStringLiteral("window") << 3 << true;
        QTest::newRow("tokens") << QStringLiteral("tokens:512") << QStringLiteral("tokens") << 512 << true;
        QTest::newRow("summary-buffer") << QStringLiteral("summary-buffer:1024") << QStringLiteral("summary-buffer")
                                        << 1024 << true;
        QTest::newRow("summary") << QStringLiteral("summary") << QStringLiteral("summary") << -1 << false;
        QTest::newRow("buffer") << QStringLiteral("buffer") << QStringLiteral("buffer") << -1 << false;
    }

    void memoryStrategyRoundTrip() {
        QFETCH(QString, strategy);
        QFETCH(QString, keyword);
        QFETCH(int, parameter);
        QFETCH(bool, parameterEnabled);

        // Settings → controls → settings.
        AppSettings in;
        in.memory_strategy = strategy;
        SettingsDialog shown(in, nullptr);
        QCOMPARE(child<QComboBox>(shown, "memoryStrategy")->currentData().toString(), keyword);
        QCOMPARE(child<QSpinBox>(shown, "memoryParameter")->isEnabled(), parameterEnabled);
        if (parameter >= 0)
            QCOMPARE(child<QSpinBox>(shown, "memoryParameter")->value(), parameter);
        QVERIFY(!child<QLabel>(shown, "memoryHelp")->text().isEmpty());
        QCOMPARE(shown.settings().memory_strategy, strategy);

        // Controls → settings, starting from another strategy.
        AppSettings other;
        other.memory_strategy = keyword == QStringLiteral("window") ? QStringLiteral("summary") : QStringLiteral("window:7");
        SettingsDialog edited(other, nullptr);
        setMemory(edited, keyword, parameter);
        QCOMPARE(edited.settings().memory_strategy, strategy);
    }

    void parameterIsRememberedPerKind() {
        AppSettings in;
        in.memory_strategy = QStringLiteral("window:3");
        SettingsDialog dialog(in, nullptr);
        setMemory(dialog, QStringLiteral("tokens"), 512);
        setMemory(dialog, QStringLiteral("window"), -1);
        QCOMPARE(dialog.settings().memory_strategy, QStringLiteral("window:3"));
        setMemory(dialog, QStringLiteral("tokens"), -1);
        QCOMPARE(dialog.settings().memory_strategy, QStringLiteral("tokens:512"));
    }

    void restoreDefaults() {
        SettingsDialog dialog(custom(), nullptr);
        auto* buttons = child<QDialogButtonBox>(dialog, "buttons");
        buttons->button(QDialogButtonBox::RestoreDefaults)->click();
        AppSettings expected;
        // What the dialog does not show is kept.
        expected.recent_models = custom().recent_models;
        expected.last_model = custom().last_model;
        expected.device = custom().device;
        const AppSettings s = dialog.settings();
        QCOMPARE(s.sampling.temperature, expected.sampling.temperature);
        QCOMPARE(s.sampling.seed, uint64_t(0));
        QCOMPARE(s.memory_strategy, QStringLiteral("buffer"));
        QCOMPARE(s.language, QStringLiteral("system"));
        QVERIFY(s == expected);
        QVERIFY(buttons->button(QDialogButtonBox::Ok));
        QVERIFY(buttons->button(QDialogButtonBox::Cancel));
    }
};

QTEST_MAIN(TestPanelsSettings)
#include "test_panels_settings.moc"
