// SPDX-License-Identifier: MIT
// QuantizeJob (the model bar's "Quantize to…"): a tiny model quantized to Q4_0 on a pool thread
// with progress on the GUI thread and a file the engine's reader accepts; a cancelled job leaves
// no file; the default target name.
#include "quantize_job.h"

#include "quanta/gguf.h"
#include "quanta/synth_model.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using quanta::ui::QuantizeJob;

class TestQuantizeJob : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_source = m_dir.filePath(QStringLiteral("tiny-F16.gguf"));
        quanta::SynthModelSpec spec;
        spec.n_layer = 8; // big enough that cancelling lands mid-run
        spec.weight_format = quanta::Format::F16;
        QVERIFY(quanta::write_synth_model(m_source.toStdString(), spec).ok());
    }

    void quantizesWithProgress() {
        const QString target = m_dir.filePath(QStringLiteral("tiny-Q4_0.gguf"));
        QuantizeJob job(m_source, target, QStringLiteral("Q4_0"), 1);
        QSignalSpy finished(&job, &QuantizeJob::finished);
        QSignalSpy failed(&job, &QuantizeJob::failed);
        bool progressOnGuiThread = true;
        connect(&job, &QuantizeJob::progress, this,
                [&] { progressOnGuiThread = progressOnGuiThread && QThread::currentThread() == thread(); });
        job.start();
        QVERIFY(finished.wait(60000));
        QCOMPARE(failed.size(), 0);
        QVERIFY(progressOnGuiThread);
        QCOMPARE(finished.first().at(0).toString(), target);
        QVERIFY2(finished.first().at(1).toString().startsWith(QStringLiteral("Q4_0: ")),
                 qPrintable(finished.first().at(1).toString()));
        auto file = quanta::GgufFile::open(target.toStdString());
        QVERIFY(file.ok());
    }

    void cancelledJobLeavesNoFile() {
        const QString target = m_dir.filePath(QStringLiteral("tiny-NF4.gguf"));
        QuantizeJob job(m_source, target, QStringLiteral("NF4"), 1);
        QSignalSpy failed(&job, &QuantizeJob::failed);
        job.start();
        job.cancel();
        QVERIFY(failed.wait(60000));
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("cancelled")),
                 qPrintable(failed.first().first().toString()));
        QVERIFY(!QFile::exists(target));
        const QStringList leftovers = QDir(m_dir.path()).entryList({QStringLiteral("*NF4*")}, QDir::Files);
        QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(QLatin1Char(' '))));
    }

    void defaultTargetSitsNextToTheSource() {
        QCOMPARE(quanta::ui::defaultQuantizeTarget(QStringLiteral("/m/llama-3-8b-F16.gguf"), QStringLiteral("llama-3-8b"),
                                                   QStringLiteral("NF4")),
                 QStringLiteral("/m/llama-3-8b-NF4.gguf"));
    }

private:
    QTemporaryDir m_dir;
    QString m_source;
};

QTEST_MAIN(TestQuantizeJob)
#include "test_quantize_job.moc"
