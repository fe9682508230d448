// SPDX-License-Identifier: MIT
// ModelBar with two levels of one model on disk: one family in the model combo (+ Open model…),
// levels largest first then "Quantize to…" for each missing level, and the signals each entry
// sends (the action entries restore the selection); devices with their free memory.
#include "panels/model_bar.h"

#include <QComboBox>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace quanta;
using namespace quanta::ui;

class TestPanelsModelBar : public QObject {
    Q_OBJECT

private:
    static void writeFile(const QString& path, qint64 bytes) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(QByteArray(bytes, 'x')), bytes);
    }

    // What a user's click does: select the entry, then QComboBox emits activated.
    static void choose(QComboBox* combo, int index) {
        QVERIFY(index >= 0);
        combo->setCurrentIndex(index);
        emit combo->activated(index);
    }

    static int indexOfText(QComboBox* combo, const QString& text) {
        return combo->findText(text, Qt::MatchStartsWith);
    }

    QTemporaryDir m_dir;
    QString m_q4;
    QString m_q8;
    ModelBar* m_bar = nullptr;
    QComboBox* m_models = nullptr;
    QComboBox* m_types = nullptr;
    QComboBox* m_devices = nullptr;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_q4 = m_dir.filePath(QStringLiteral("m-Q4_K_M.gguf"));
        m_q8 = m_dir.filePath(QStringLiteral("m-Q8_0.gguf"));
        writeFile(m_q4, 100);
        writeFile(m_q8, 200);
        m_bar = new ModelBar;
        m_models = m_bar->findChild<QComboBox*>(QStringLiteral("modelCombo"));
        m_types = m_bar->findChild<QComboBox*>(QStringLiteral("typeCombo"));
        m_devices = m_bar->findChild<QComboBox*>(QStringLiteral("deviceCombo"));
        QVERIFY(m_models && m_types && m_devices);
        m_bar->setModelFiles({m_q4, m_q8});
    }

    void cleanupTestCase() { delete m_bar; }

    void oneFamilyAndOpenModel() {
        QStringList texts;
        for (int i = 0; i < m_models->count(); ++i)
            texts.append(m_models->itemText(i));
        // family, separator (empty text), Open model…
        QCOMPARE(texts, (QStringList{QStringLiteral("m"), QString(), QStringLiteral("Open model…")}));
    }

    void choosingTheFamilyPicksItsLargestLevel() {
        QSignalSpy chosen(m_bar, &ModelBar::modelChosen);
        choose(m_models, 0);
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen[0][0].toString(), m_q8);
        QCOMPARE(m_bar->currentModel(), m_q8);
    }

    void levelsLargestFirstThenQuantizeEntries() {
        QCOMPARE(m_types->itemText(0), QStringLiteral("Q8_0 — 200 B"));
        QCOMPARE(m_types->itemText(1), QStringLiteral("Q4_K_M — 100 B"));
        QCOMPARE(m_types->itemText(2), QString()); // separator
        QStringList quantize;
        for (int i = 3; i < m_types->count(); ++i)
            quantize.append(m_types->itemText(i));
        QCOMPARE(quantize, (QStringList{QStringLiteral("Quantize to F16…"), QStringLiteral("Quantize to Q6_K…"),
                                        QStringLiteral("Quantize to Q5_K_M…"), QStringLiteral("Quantize to Q4_K_S…"),
                                        QStringLiteral("Quantize to Q4_0…"), QStringLiteral("Quantize to NF4…"),
                                        QStringLiteral("Quantize to INT8…")}));
        QCOMPARE(m_types->currentIndex(), 0);
    }

    void quantizeEntryUsesLargestFileAndRestoresSelection() {
        QSignalSpy quantize(m_bar, &ModelBar::quantizeRequested);
        QSignalSpy chosen(m_bar, &ModelBar::modelChosen);
        choose(m_types, indexOfText(m_types, QStringLiteral("Quantize to NF4")));
        QCOMPARE(quantize.size(), 1);
        QCOMPARE(quantize[0][0].toString(), m_q8);
        QCOMPARE(quantize[0][1].toString(), QStringLiteral("NF4"));
        QCOMPARE(chosen.size(), 0);
        QCOMPARE(m_types->currentIndex(), 0);
        QCOMPARE(m_bar->currentModel(), m_q8);
    }

    void choosingALevelEmitsItsPath() {
        QSignalSpy chosen(m_bar, &ModelBar::modelChosen);
        choose(m_types, indexOfText(m_types, QStringLiteral("Q4_K_M")));
        QCOMPARE(chosen.size(), 1);
        QCOMPARE(chosen[0][0].toString(), m_q4);
        QCOMPARE(m_bar->currentModel(), m_q4);
    }

    void openModelEmitsAndRestoresSelection() {
        QSignalSpy open(m_bar, &ModelBar::openModelRequested);
        QSignalSpy chosen(m_bar, &ModelBar::modelChosen);
        choose(m_models, m_models->findText(QStringLiteral("Open model…")));
        QCOMPARE(open.size(), 1);
        QCOMPARE(chosen.size(), 0);
        QCOMPARE(m_models->currentText(), QStringLiteral("m"));
        QCOMPARE(m_types->currentText(), QStringLiteral("Q4_K_M — 100 B"));
    }

    void setCurrentModelSelectsWithoutEmitting() {
        QSignalSpy chosen(m_bar, &ModelBar::modelChosen);
        m_bar->setCurrentModel(m_q8);
        QCOMPARE(chosen.size(), 0);
        QCOMPARE(m_models->currentText(), QStringLiteral("m"));
        QCOMPARE(m_types->currentText(), QStringLiteral("Q8_0 — 200 B"));

        // A file from elsewhere (a recent model) becomes a family of its own.
        const QString other = m_dir.filePath(QStringLiteral("other.gguf"));
        writeFile(other, 1024 * 1024 * 105);
        m_bar->setCurrentModel(other);
        QCOMPARE(chosen.size(), 0);
        QCOMPARE(m_models->currentText(), QStringLiteral("other"));
        QCOMPARE(m_types->itemText(0), QStringLiteral("other.gguf — 105 MiB"));
    }

    void devicesShowNameAndFreeMemory() {
        backend::DeviceInfo cpu;
        cpu.name = "cpu";
        cpu.description = "AMD EPYC";
        cpu.kind = backend::DeviceKind::Cpu;
        cpu.total_memory = uint64_t{32} << 30;
        cpu.free_memory = static_cast<uint64_t>(21.3 * 1024 * 1024 * 1024);
        backend::DeviceInfo gpu;
        gpu.name = "vulkan0";
        gpu.description = "Radeon";
        gpu.kind = backend::DeviceKind::Vulkan;
        gpu.free_memory = uint64_t{8} << 30;
        m_bar->setDevices({cpu, gpu});
        QCOMPARE(m_devices->count(), 2);
        QCOMPARE(m_devices->itemText(0), QStringLiteral("CPU — AMD EPYC (21.3 GiB free)"));
        QCOMPARE(m_devices->itemText(1), QStringLiteral("vulkan0 — Radeon (8.00 GiB free)"));
        QCOMPARE(m_bar->currentDevice(), QStringLiteral("cpu"));

        QSignalSpy device(m_bar, &ModelBar::deviceChosen);
        choose(m_devices, 1);
        QCOMPARE(device.size(), 1);
        QCOMPARE(device[0][0].toString(), QStringLiteral("vulkan0"));
    }
};

QTEST_MAIN(TestPanelsModelBar)
#include "test_panels_model_bar.moc"
