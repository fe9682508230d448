// SPDX-License-Identifier: MIT
// EstimatePanel on a tiny synthetic model: the numbers it shows are exactly estimate_memory's
// (as is, after a type change, after a context change), the verdict against a small and a large
// device, a burst of changes shows only the newest inputs, and a file that is not GGUF gives an
// error in the verdict instead of a crash.
#include "panels/estimate_panel.h"

#include "quanta/estimate.h"
#include "quanta/gguf.h"
#include "quanta/synth_model.h"

#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

using namespace quanta;
using namespace quanta::ui;

class TestPanelsEstimate : public QObject {
    Q_OBJECT

private:
    MemoryEstimate direct(std::optional<QuantizeType> type, int64_t n_ctx) {
        auto file = GgufFile::open(m_model.toStdString());
        if (!file)
            qFatal("cannot open the synthetic model: %s", file.error().message.c_str());
        EstimateOptions options;
        options.n_ctx = n_ctx;
        auto estimate = estimate_memory(*file, type, options);
        if (!estimate)
            qFatal("cannot estimate: %s", estimate.error().message.c_str());
        return *estimate;
    }

    static backend::DeviceInfo device(uint64_t freeBytes) {
        backend::DeviceInfo d;
        d.name = "cpu";
        d.description = "test";
        d.total_memory = uint64_t{64} << 30;
        d.free_memory = freeBytes;
        return d;
    }

    QTemporaryDir m_dir;
    QString m_model;
    EstimatePanel* m_panel = nullptr;
    QComboBox* m_type = nullptr;
    QSpinBox* m_context = nullptr;

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        SynthModelSpec spec; // 256 wide, 2 layers, Q8_0 weights
        m_model = m_dir.filePath(QStringLiteral("tiny.gguf"));
        auto written = write_synth_model(m_model.toStdString(), spec);
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().message.c_str());
        m_panel = new EstimatePanel;
        m_type = m_panel->findChild<QComboBox*>(QStringLiteral("estimateType"));
        m_context = m_panel->findChild<QSpinBox*>(QStringLiteral("estimateContext"));
        QVERIFY(m_type && m_context);
        QVERIFY(m_panel->findChild<QLabel*>(QStringLiteral("estimateVerdict")));
        QCOMPARE(m_type->itemText(0), QStringLiteral("As is"));
        QCOMPARE(m_context->value(), 4096);
        QCOMPARE(m_context->minimum(), 256);
        QCOMPARE(m_context->maximum(), 131072);
        QCOMPARE(m_context->singleStep(), 256);
    }

    void cleanupTestCase() {
        QTRY_VERIFY(!m_panel->isBusy()); // let the workers finish before the panel goes
        delete m_panel;
    }

    void asIsMatchesTheEngine() {
        QSignalSpy updated(m_panel, &EstimatePanel::estimateUpdated);
        m_panel->setModelFile(m_model);
        QVERIFY(updated.wait(20000));
        QVERIFY2(m_panel->currentEstimate().has_value(), qPrintable(m_panel->verdictText()));
        const MemoryEstimate expected = direct(std::nullopt, 4096);
        QCOMPARE(m_panel->currentEstimate()->file_bytes, expected.file_bytes);
        QCOMPARE(m_panel->currentEstimate()->total_bytes(), expected.total_bytes());
        QCOMPARE(m_panel->currentEstimate()->n_ctx, int64_t(4096));
        QVERIFY(!m_panel->currentEstimate()->target.has_value());
        // No device yet: the total in words, no verdict.
        QVERIFY2(m_panel->verdictText().startsWith(QStringLiteral("Needs ")), qPrintable(m_panel->verdictText()));
    }

    void typeChangeMatchesTheEngine() {
        QSignalSpy updated(m_panel, &EstimatePanel::estimateUpdated);
        m_type->setCurrentIndex(m_type->findText(QStringLiteral("Q8_0")));
        QVERIFY(updated.wait(20000));
        QVERIFY(m_panel->currentEstimate().has_value());
        const MemoryEstimate expected = direct(QuantizeType::Q8_0, 4096);
        QCOMPARE(m_panel->currentEstimate()->file_bytes, expected.file_bytes);
        QCOMPARE(m_panel->currentEstimate()->target, std::optional<QuantizeType>(QuantizeType::Q8_0));
    }

    void halfTheContextHalvesTheKvCache() {
        const uint64_t kvAt4096 = m_panel->currentEstimate()->kv_bytes;
        QSignalSpy updated(m_panel, &EstimatePanel::estimateUpdated);
        m_context->setValue(2048);
        QVERIFY(updated.wait(20000));
        QCOMPARE(m_panel->currentEstimate()->n_ctx, int64_t(2048));
        QCOMPARE(m_panel->currentEstimate()->kv_bytes * 2, kvAt4096);
        QCOMPARE(m_panel->currentEstimate()->kv_bytes, direct(QuantizeType::Q8_0, 2048).kv_bytes);
    }

    void verdictAgainstTheDevice() {
        m_panel->setDevice(device(uint64_t{1} << 20));
        QVERIFY2(m_panel->verdictText().startsWith(QStringLiteral("Does not fit")), qPrintable(m_panel->verdictText()));
        QVERIFY2(m_panel->verdictText().contains(QStringLiteral("more than the 1.00 MiB free")),
                 qPrintable(m_panel->verdictText()));
        // Paint it (the bar's paintEvent runs only when drawn); QUANTA_SCREENSHOT_DIR keeps the image.
        m_panel->resize(640, 420);
        const QPixmap overFull = m_panel->grab();
        QVERIFY(!overFull.isNull());
        if (const QString dir = qEnvironmentVariable("QUANTA_SCREENSHOT_DIR"); !dir.isEmpty())
            overFull.save(dir + QStringLiteral("/estimate-panel-over-full.png"));
        m_panel->setDevice(device(uint64_t{32} << 30));
        QVERIFY2(m_panel->verdictText().startsWith(QStringLiteral("Fits")), qPrintable(m_panel->verdictText()));
        const QPixmap fitting = m_panel->grab();
        QVERIFY(!fitting.isNull());
        if (const QString dir = qEnvironmentVariable("QUANTA_SCREENSHOT_DIR"); !dir.isEmpty())
            fitting.save(dir + QStringLiteral("/estimate-panel-fits.png"));
    }

    void burstOfChangesShowsTheNewest() {
        m_panel->setType(QStringLiteral("q4_0"));
        m_panel->setContext(1024);
        m_panel->setType(QStringLiteral("NF4"));
        m_panel->setContext(512);
        QCOMPARE(m_type->currentText(), QStringLiteral("NF4"));
        QCOMPARE(m_context->value(), 512);
        QTRY_VERIFY_WITH_TIMEOUT(!m_panel->isBusy(), 20000);
        QVERIFY(m_panel->currentEstimate().has_value());
        QCOMPARE(m_panel->currentEstimate()->type, std::string("NF4"));
        QCOMPARE(m_panel->currentEstimate()->n_ctx, int64_t(512));
        QCOMPARE(m_panel->currentEstimate()->file_bytes, direct(QuantizeType::NF4, 512).file_bytes);
        m_panel->setType(QString());
        QCOMPARE(m_type->currentIndex(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!m_panel->isBusy(), 20000);
    }

    void notGgufGivesAnError() {
        const QString text = m_dir.filePath(QStringLiteral("notes.gguf"));
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("this is not a model, just some text that is long enough to be read\n");
        file.close();
        QSignalSpy updated(m_panel, &EstimatePanel::estimateUpdated);
        m_panel->setModelFile(text);
        QVERIFY(updated.wait(20000));
        QVERIFY(!m_panel->currentEstimate().has_value());
        QVERIFY2(m_panel->verdictText().startsWith(QStringLiteral("Cannot read notes.gguf: ")),
                 qPrintable(m_panel->verdictText()));

        // A missing file too; and the panel recovers with a good file afterwards.
        m_panel->setModelFile(m_dir.filePath(QStringLiteral("missing.gguf")));
        QVERIFY(updated.wait(20000));
        QVERIFY(!m_panel->currentEstimate().has_value());
        QVERIFY(m_panel->verdictText().startsWith(QStringLiteral("Cannot read missing.gguf: ")));
        m_panel->setModelFile(m_model);
        QVERIFY(updated.wait(20000));
        QVERIFY(m_panel->currentEstimate().has_value());
    }
};

QTEST_MAIN(TestPanelsEstimate)
#include "test_panels_estimate.moc"
