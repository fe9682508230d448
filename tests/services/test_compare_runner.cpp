// SPDX-License-Identifier: MIT
// CompareRunner on its own QThread with a tiny synthetic F16 model and its Q4_0 quantization:
// greedy columns of the same file agree token for token, every column reports its statistics and
// the estimator's memory figure, pieces add up to the text, Stop ends the comparison, a missing
// file fails only its own column; and firstDivergence's edge cases.
#include "qt_test_util.h"
#include "compare_runner.h"

#include "quanta/estimate.h"
#include "quanta/gguf.h"
#include "quanta/quantize.h"
#include "quanta/synth_model.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace quanta;
using namespace quanta::services;

namespace {

qint64 estimatedTotal(const QString& path, qint64 n_ctx, int threads) {
    auto file = GgufFile::open(path.toStdString());
    if (!file)
        return -1;
    EstimateOptions options;
    options.n_ctx = n_ctx;
    options.threads = threads;
    auto estimate = estimate_memory(*file, std::nullopt, options);
    return estimate ? static_cast<qint64>(estimate->total_bytes()) : -1;
}

} // namespace

// The workers emit from their own thread, and QSignalSpy records at once: a signal may already
// be there before wait() starts (wait() only counts new ones), hence "size() > 0 || wait()".
class TestCompareRunner : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        SynthModelSpec spec;
        // An output matrix of its own: with tied embeddings a random model, greedy, only repeats
        // the prompt's last token, and quantization could never change an answer.
        spec.tied_output = false;
        m_model = m_dir.filePath(QStringLiteral("tiny-F16.gguf"));
        QCOMPARE(quanta::test::writeF16Model(m_model, spec), QString());
        m_quantized = m_dir.filePath(QStringLiteral("tiny-Q4_0.gguf"));
        QCOMPARE(quanta::test::quantizeFile(m_model, m_quantized, "Q4_0"), QString());

        m_runner = new CompareRunner;
        m_runner->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_runner, &QObject::deleteLater);
        m_thread.start();
    }

    void cleanupTestCase() {
        m_runner->stop();
        m_thread.quit();
        m_thread.wait();
    }

    void firstDivergenceCases() {
        QCOMPARE(firstDivergence({}, {}), -1);
        QCOMPARE(firstDivergence({1, 2, 3}, {1, 2, 3}), -1);
        QCOMPARE(firstDivergence({1, 2, 3}, {1, 5, 3}), 1);
        QCOMPARE(firstDivergence({1, 2, 3}, {9, 2, 3}), 0);
        QCOMPARE(firstDivergence({1, 2, 3}, {1, 2}), 2);    // the variant ended early
        QCOMPARE(firstDivergence({1, 2}, {1, 2, 3}), 2);    // the variant went on
        QCOMPARE(firstDivergence({}, {4}), 0);
    }

    void greedyColumnsOfTheSameFileAgree() {
        QSignalSpy started(m_runner, &CompareRunner::columnStarted);
        QSignalSpy finished(m_runner, &CompareRunner::columnFinished);
        QSignalSpy failed(m_runner, &CompareRunner::columnFailed);
        QSignalSpy all(m_runner, &CompareRunner::allFinished);
        QMap<int, QString> streamed;
        auto c = connect(m_runner, &CompareRunner::columnText, this, [&](int column, const QString& chunk) {
            QCOMPARE(QThread::currentThread(), thread());
            streamed[column] += chunk;
        });
        CompareRequest request;
        request.modelPaths = {m_model, m_model, m_quantized};
        request.prompt = QStringLiteral("Name three colours.");
        request.systemPrompt = QStringLiteral("You are terse.");
        request.sampling.temperature = 0.0f;
        request.maxTokens = 24;
        request.nCtx = 512;
        request.threads = 2;
        QMetaObject::invokeMethod(m_runner, [r = m_runner, request] { r->run(request); });
        QVERIFY(all.size() > 0 || all.wait(60000));
        disconnect(c);

        QCOMPARE(failed.size(), 0);
        QCOMPARE(started.size(), 3);
        QCOMPARE(finished.size(), 3);
        QList<CompareColumnResult> results;
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(finished[i].at(0).toInt(), i); // in order
            results.append(finished[i].at(1).value<CompareColumnResult>());
        }
        const QStringList paths = {m_model, m_model, m_quantized};
        for (int i = 0; i < 3; ++i) {
            const CompareColumnResult& r = results[i];
            QCOMPARE(r.modelPath, paths[i]);
            QCOMPARE(r.tokens.size(), r.pieces.size());
            QVERIFY(!r.tokens.isEmpty());
            QVERIFY(r.tokens.size() <= 24);
            QCOMPARE(r.pieces.join(QString()), r.text);
            QCOMPARE(streamed.value(i), r.text); // the chunks are the answer, in order
            QVERIFY2(r.tokensPerSecond > 0.0, "tokens per second");
            QVERIFY(r.firstTokenMs > 0.0);
            QCOMPARE(r.memoryBytes, estimatedTotal(paths[i], 512, 2));
            QVERIFY(r.memoryBytes > 0);
            QVERIFY(r.stopReason == QStringLiteral("length") || r.stopReason == QStringLiteral("eog"));
        }
        QCOMPARE(results[0].type, QStringLiteral("F16"));
        QCOMPARE(results[2].type, QStringLiteral("Q4_0"));
        QCOMPARE(results[1].tokens, results[0].tokens);
        QCOMPARE(results[1].text, results[0].text);
        QCOMPARE(firstDivergence(results[0].tokens, results[1].tokens), -1);
        QVERIFY(results[2].memoryBytes < results[0].memoryBytes);
        qInfo("F16 vs Q4_0: first divergence at token %d of %lld", firstDivergence(results[0].tokens, results[2].tokens),
              static_cast<long long>(results[0].tokens.size()));
    }

    void aMissingFileFailsOnlyItsColumn() {
        QSignalSpy finished(m_runner, &CompareRunner::columnFinished);
        QSignalSpy failed(m_runner, &CompareRunner::columnFailed);
        QSignalSpy all(m_runner, &CompareRunner::allFinished);
        CompareRequest request;
        request.modelPaths = {m_model, m_dir.filePath(QStringLiteral("missing.gguf")), m_quantized};
        request.prompt = QStringLiteral("Hi");
        request.sampling.temperature = 0.0f;
        request.maxTokens = 4;
        request.nCtx = 256;
        QMetaObject::invokeMethod(m_runner, [r = m_runner, request] { r->run(request); });
        QVERIFY(all.size() > 0 || all.wait(60000));
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().at(0).toInt(), 1);
        QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("missing")),
                 qPrintable(failed.first().at(1).toString()));
        QCOMPARE(finished.size(), 2);
        QCOMPARE(finished[0].at(0).toInt(), 0);
        QCOMPARE(finished[1].at(0).toInt(), 2);
    }

    void stopEndsTheColumnAndSkipsTheRest() {
        QSignalSpy started(m_runner, &CompareRunner::columnStarted);
        QSignalSpy finished(m_runner, &CompareRunner::columnFinished);
        QSignalSpy all(m_runner, &CompareRunner::allFinished);
        // Stop from this (another) thread as soon as column 0 streams its first text.
        auto c = connect(m_runner, &CompareRunner::columnText, this, [r = m_runner] { r->stop(); },
                         Qt::SingleShotConnection);
        CompareRequest request;
        request.modelPaths = {m_model, m_quantized, m_model};
        request.prompt = QStringLiteral("Tell me a long story.");
        request.maxTokens = 1800; // with the default (random) sampling: long enough to be stopped
        request.nCtx = 2048;
        QMetaObject::invokeMethod(m_runner, [r = m_runner, request] { r->run(request); });
        QVERIFY(all.size() > 0 || all.wait(60000));
        disconnect(c);
        QCOMPARE(started.size(), 1);  // the other columns were skipped: no signal at all
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(0).toInt(), 0);
        const auto result = finished.first().at(1).value<CompareColumnResult>();
        QCOMPARE(result.stopReason, QStringLiteral("cancelled"));
        QVERIFY(result.tokens.size() < 1800);
    }

private:
    QTemporaryDir m_dir;
    QString m_model;
    QString m_quantized;
    QThread m_thread;
    CompareRunner* m_runner = nullptr; // lives on m_thread; deleted when it finishes
};

QTEST_GUILESS_MAIN(TestCompareRunner)
#include "test_compare_runner.moc"
