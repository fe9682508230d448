// SPDX-License-Identifier: MIT
// QuantizeQueue with tiny synthetic models: two jobs run in order and both produce loadable,
// evaluated files; cancelling (queued, at start, mid-way, by destroying the queue) leaves no
// file and no temporary file; a bad source fails with a message that names it.
#include "qt_test_util.h"
#include "quantize_queue.h"

#include "quanta/synth_model.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QtTest>

using namespace quanta;
using namespace quanta::services;

class TestQuantizeQueue : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        SynthModelSpec spec;
        m_source = m_dir.filePath(QStringLiteral("m-F16.gguf"));
        QCOMPARE(quanta::test::writeF16Model(m_source, spec), QString());
        // Big enough that quantizing takes a few hundred milliseconds: room to cancel mid-way.
        spec.n_embd = 512;
        spec.n_ff = 2048;
        spec.n_layer = 4;
        spec.n_head = 8;
        spec.n_head_kv = 4;
        m_bigSource = m_dir.filePath(QStringLiteral("big-F16.gguf"));
        QCOMPARE(quanta::test::writeF16Model(m_bigSource, spec), QString());
        m_text = m_dir.filePath(QStringLiteral("eval.txt"));
        QFile file(m_text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(quanta::test::evaluationText());
        QVERIFY(m_out.isValid());
    }

    void twoJobsRunInOrder() {
        QuantizeQueue queue;
        QStringList log;
        connect(&queue, &QuantizeQueue::jobStarted, this, [&](int id) { log << QStringLiteral("start %1").arg(id); });
        connect(&queue, &QuantizeQueue::jobQuantized, this,
                [&](int id, const QString&, const QString&) { log << QStringLiteral("quantized %1").arg(id); });
        QSignalSpy progress(&queue, &QuantizeQueue::jobProgress);
        QSignalSpy evaluationProgress(&queue, &QuantizeQueue::jobEvaluationProgress);
        QSignalSpy finished(&queue, &QuantizeQueue::jobFinished);
        QSignalSpy failed(&queue, &QuantizeQueue::jobFailed);

        const int nf4 = queue.enqueue(job(m_source, QStringLiteral("NF4")));
        const int q8 = queue.enqueue(job(m_source, QStringLiteral("Q8_0")));
        QVERIFY(!queue.isIdle());
        QCOMPARE(queue.spec(q8).type, QStringLiteral("Q8_0"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size() + failed.size(), 2, 90000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
        QVERIFY(queue.isIdle());
        QCOMPARE(log, QStringList({QStringLiteral("start %1").arg(nf4), QStringLiteral("quantized %1").arg(nf4),
                                   QStringLiteral("start %1").arg(q8), QStringLiteral("quantized %1").arg(q8)}));
        QVERIFY(!progress.isEmpty());
        QVERIFY(!evaluationProgress.isEmpty());
        QCOMPARE(finished.at(0).at(0).toInt(), nf4);
        QCOMPARE(finished.at(1).at(0).toInt(), q8);

        backend::BackendOptions options;
        options.cpu_threads = 2;
        auto backends = backend::available_backends(options);
        for (const QList<QVariant>& f : finished) {
            const QString target = f.at(1).toString();
            QVERIFY(f.at(2).toBool());
            const auto result = f.at(3).value<EvaluationResult>();
            const auto source = f.at(4).value<EvaluationResult>();
            QCOMPARE(result.modelPath, target);
            QVERIFY(result.ppl > 1.0);
            QVERIFY(result.hasKld);
            QVERIFY(source.ppl > 1.0);
            QCOMPARE(source.type, QStringLiteral("F16"));
            QCOMPARE(source.chunkPpl.size(), result.chunkPpl.size());
            auto model = Model::load(target.toStdString(), *backends.front()->devices().front());
            QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
        }
        QCOMPARE(finished.at(0).at(3).value<EvaluationResult>().type, QStringLiteral("NF4"));
        QCOMPARE(finished.at(1).at(3).value<EvaluationResult>().type, QStringLiteral("Q8_0"));
    }

    void cancelQueuedJob() {
        QuantizeQueue queue;
        QSignalSpy finished(&queue, &QuantizeQueue::jobFinished);
        QSignalSpy cancelled(&queue, &QuantizeQueue::jobCancelled);
        QuantizeJobSpec first = job(m_source, QStringLiteral("Q4_0"));
        first.evaluate = false;
        queue.enqueue(first);
        const int second = queue.enqueue(job(m_source, QStringLiteral("Q6_K")));
        queue.cancel(second);
        QCOMPARE(cancelled.size(), 1); // at once: it never ran
        QCOMPARE(cancelled.first().first().toInt(), second);
        QVERIFY(finished.wait(30000));
        QVERIFY(queue.isIdle());
        QVERIFY(!QFileInfo::exists(queue.spec(second).target));
        QVERIFY(!QFileInfo::exists(m_out.filePath(QStringLiteral("m-Q6_K.gguf"))));
        QVERIFY(QFileInfo::exists(m_out.filePath(QStringLiteral("m-Q4_0.gguf"))));
    }

    void cancelAtStart() {
        QuantizeQueue queue;
        connect(&queue, &QuantizeQueue::jobStarted, &queue, &QuantizeQueue::cancel);
        QSignalSpy cancelled(&queue, &QuantizeQueue::jobCancelled);
        const QuantizeJobSpec spec = job(m_bigSource, QStringLiteral("Q5_K_M"));
        queue.enqueue(spec);
        QVERIFY(cancelled.wait(30000));
        QVERIFY(queue.isIdle());
        verifyNothingWritten(spec.target);
    }

    void cancelMidway() {
        QuantizeQueue queue;
        int progressCalls = 0;
        connect(&queue, &QuantizeQueue::jobProgress, &queue, [&](int id) {
            if (++progressCalls == 1)
                queue.cancel(id);
        });
        QSignalSpy cancelled(&queue, &QuantizeQueue::jobCancelled);
        QSignalSpy quantized(&queue, &QuantizeQueue::jobQuantized);
        const QuantizeJobSpec spec = job(m_bigSource, QStringLiteral("Q4_K_M"));
        queue.enqueue(spec);
        QVERIFY(cancelled.wait(30000));
        QVERIFY(quantized.isEmpty());
        QVERIFY(progressCalls >= 1);
        verifyNothingWritten(spec.target);
    }

    void destroyingTheQueueCancels() {
        const QuantizeJobSpec spec = job(m_bigSource, QStringLiteral("Q4_K_S"));
        {
            QuantizeQueue queue;
            queue.enqueue(spec);
            queue.enqueue(job(m_bigSource, QStringLiteral("Q8_0")));
        } // returns at once; the running job stops at its next progress call
        QVERIFY(QThreadPool::globalInstance()->waitForDone(30000));
        verifyNothingWritten(spec.target);
        verifyNothingWritten(m_out.filePath(QStringLiteral("big-Q8_0.gguf")));
    }

    void badSourceFails() {
        QuantizeQueue queue;
        QSignalSpy failed(&queue, &QuantizeQueue::jobFailed);
        const QuantizeJobSpec spec = job(m_text, QStringLiteral("Q8_0"));
        queue.enqueue(spec);
        QVERIFY(failed.wait(30000));
        const QString message = failed.first().at(1).toString();
        QVERIFY2(message.contains(QStringLiteral("eval.txt")), qPrintable(message));
        QVERIFY(!QFileInfo::exists(spec.target));
    }

private:
    QuantizeJobSpec job(const QString& source, const QString& type) const {
        QuantizeJobSpec spec;
        spec.source = source;
        const QString stem = QFileInfo(source).completeBaseName().section(QLatin1Char('-'), 0, 0);
        spec.target = m_out.filePath(QStringLiteral("%1-%2.gguf").arg(stem, type));
        spec.type = type;
        spec.threads = 2;
        spec.textPath = m_text;
        spec.textName = QStringLiteral("en");
        spec.cacheFolder = m_dir.filePath(QStringLiteral("cache"));
        spec.evaluationContext = 128;
        spec.evaluationChunks = 4;
        return spec;
    }

    /// No target and no temporary file beside it.
    void verifyNothingWritten(const QString& target) {
        QVERIFY(!QFileInfo::exists(target));
        // Whatever the core names its temporary file, it carries the target's name.
        const QString pattern = QLatin1Char('*') + QFileInfo(target).completeBaseName() + QLatin1Char('*');
        const QStringList leftovers = QDir(m_out.path()).entryList({pattern}, QDir::Files | QDir::Hidden);
        QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(QLatin1Char(' '))));
    }

    QTemporaryDir m_dir, m_out;
    QString m_source, m_bigSource, m_text;
};

QTEST_GUILESS_MAIN(TestQuantizeQueue)
#include "test_quantize_queue.moc"
