// SPDX-License-Identifier: MIT
// evaluateModel on a tiny synthetic F16 model and its Q8_0 quantization: the PPL is exactly the
// core's, one value per window, KLD small and top-1 agreement high for Q8_0, zero KLD for the
// model against itself, the reference's log-probs cached, and the error and cancel paths.
#include "qt_test_util.h"
#include "evaluation.h"

#include "quanta/perplexity.h"
#include "quanta/quantize.h"
#include "quanta/synth_model.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace quanta;
using namespace quanta::services;

class TestEvaluation : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_source = m_dir.filePath(QStringLiteral("m-F16.gguf"));
        QCOMPARE(quanta::test::writeF16Model(m_source), QString());
        m_q8 = m_dir.filePath(QStringLiteral("m-Q8_0.gguf"));
        QCOMPARE(quanta::test::quantizeFile(m_source, m_q8, "Q8_0"), QString());
        m_text = m_dir.filePath(QStringLiteral("eval.txt"));
        QFile file(m_text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(quanta::test::evaluationText());
    }

    void q8AgainstF16MatchesTheCore() {
        EvaluationRequest request = baseRequest(m_q8, m_source);
        QList<double> fractions;
        auto result = evaluateModel(request, nullptr, [&](double f, const QString&) { fractions.append(f); });
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());

        // The same numbers straight from the core, with the options evaluateModel documents.
        backend::BackendOptions backendOptions;
        backendOptions.cpu_threads = 2;
        auto backends = backend::available_backends(backendOptions);
        auto model = Model::load(m_q8.toStdString(), *backends.front()->devices().front());
        QVERIFY(model.ok());
        QFile file(m_text);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const std::vector<int32_t> ids = (*model)->tokenizer().encode(file.readAll().toStdString());
        PerplexityOptions options;
        options.n_ctx = 128;
        options.n_batch = 128;
        options.max_chunks = 4;
        auto direct = perplexity(*model, ids, options);
        QVERIFY(direct.ok());

        QVERIFY(std::abs(result->ppl - direct->ppl) <= 1e-9 * direct->ppl);
        QCOMPARE(result->chunkPpl.size(), qsizetype(direct->chunks.size()));
        QCOMPARE(result->chunkPpl.size(), 4);
        QCOMPARE(result->tokens, direct->n_tokens);
        QCOMPARE(result->type, QStringLiteral("Q8_0"));
        QCOMPARE(result->fileBytes, QFileInfo(m_q8).size());
        QVERIFY(result->bitsPerWeight > 8.0 && result->bitsPerWeight < 9.5);
        QVERIFY(result->hasKld);
        QVERIFY(result->kld.mean >= 0.0);
        QVERIFY2(result->kld.mean < 0.05, QByteArray::number(result->kld.mean).constData());
        QVERIFY(result->kld.top1 > 0.9 && result->kld.top1 <= 1.0);
        QVERIFY(result->referencePpl > 1.0);
        QCOMPARE(result->referenceChunkPpl.size(), 4);
        QVERIFY(!fractions.isEmpty());
        QCOMPARE(fractions.last(), 1.0);
        QVERIFY(std::is_sorted(fractions.begin(), fractions.end()));

        // The reference's log-probs are cached: a second run scores only the variant and agrees.
        QCOMPARE(QDir(request.cacheFolder).entryList(QDir::Files).size(), 2);
        fractions.clear();
        auto again = evaluateModel(request, nullptr, [&](double f, const QString&) { fractions.append(f); });
        QVERIFY(again.ok());
        QCOMPARE(again->kld.mean, result->kld.mean);
        QCOMPARE(again->referencePpl, result->referencePpl);
        QCOMPARE(fractions.first(), 0.0);
        QCOMPARE(QDir(request.cacheFolder).entryList(QDir::Files).size(), 2);
    }

    void modelAgainstItselfHasNoDivergence() {
        auto result = evaluateModel(baseRequest(m_source, m_source), nullptr, {});
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
        QVERIFY(result->hasKld);
        QVERIFY(result->kld.mean < 1e-6);
        QCOMPARE(result->kld.top1, 1.0);
        QCOMPARE(result->type, QStringLiteral("F16"));
        QVERIFY(std::abs(result->ppl - result->referencePpl) <= 1e-9 * result->ppl);
    }

    void withoutReferenceThereIsNoKld() {
        auto result = evaluateModel(baseRequest(m_q8, QString()), nullptr, {});
        QVERIFY(result.ok());
        QVERIFY(!result->hasKld);
        QVERIFY(result->ppl > 1.0);
    }

    void missingTextIsAnError() {
        EvaluationRequest request = baseRequest(m_q8, m_source);
        request.textPath = m_dir.filePath(QStringLiteral("missing.txt"));
        auto result = evaluateModel(request, nullptr, {});
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
        QVERIFY(QString::fromStdString(result.error().message).contains(QStringLiteral("missing.txt")));
    }

    void tooShortTextIsAnError() {
        const QString shortText = m_dir.filePath(QStringLiteral("short.txt"));
        QFile file(shortText);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("Too short to score.");
        file.close();
        EvaluationRequest request = baseRequest(m_q8, QString());
        request.textPath = shortText;
        auto result = evaluateModel(request, nullptr, {});
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::InvalidArgument);
    }

    void cancelStops() {
        EvaluationRequest request = baseRequest(m_q8, m_source);
        request.cacheFolder = m_dir.filePath(QStringLiteral("cache-cancel"));
        CancelToken cancel;
        auto result = evaluateModel(request, &cancel, [&](double, const QString&) { cancel.cancel(); });
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::Cancelled);
    }

private:
    EvaluationRequest baseRequest(const QString& model, const QString& reference) const {
        EvaluationRequest r;
        r.modelPath = model;
        r.referencePath = reference;
        r.textPath = m_text;
        r.textName = QStringLiteral("en");
        r.nCtx = 128;
        r.maxChunks = 4;
        r.threads = 2;
        r.cacheFolder = m_dir.filePath(QStringLiteral("cache"));
        return r;
    }

    QTemporaryDir m_dir;
    QString m_source, m_q8, m_text;
};

QTEST_GUILESS_MAIN(TestEvaluation)
#include "test_evaluation.moc"
