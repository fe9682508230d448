// SPDX-License-Identifier: MIT
// EvaluationCache: a stored result comes back field for field, misses when the model file or the
// options change, survives a reopen, and a file that is not a database is a clear error.
#include "evaluation_cache.h"

#include <QDateTime>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using quanta::services::EvaluationCache;
using quanta::services::EvaluationResult;

namespace {

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

EvaluationResult sampleResult(const QString& modelPath) {
    EvaluationResult r;
    r.modelPath = modelPath;
    r.type = QStringLiteral("Q4_K_M");
    r.textName = QStringLiteral("ko");
    r.bitsPerWeight = 4.891234567;
    r.fileBytes = 4'683'073'536LL;
    r.ppl = 10.612345678901;
    r.pplStderr = 0.1234;
    r.chunkPpl = {10.1, 11.25, 9.875, 1e-7};
    r.tokens = 8192;
    r.hasKld = true;
    r.kld = {0.0123, 0.0004, 0.0, 0.0001, 0.0002, 0.0005, 0.005, 0.03, 0.05, 0.12, 2.5, 0.951, 0.002};
    r.seconds = 12.5;
    return r;
}

void compareResults(const EvaluationResult& a, const EvaluationResult& b) {
    QCOMPARE(a.modelPath, b.modelPath);
    QCOMPARE(a.type, b.type);
    QCOMPARE(a.textName, b.textName);
    QCOMPARE(a.bitsPerWeight, b.bitsPerWeight);
    QCOMPARE(a.fileBytes, b.fileBytes);
    QCOMPARE(a.ppl, b.ppl);
    QCOMPARE(a.pplStderr, b.pplStderr);
    QCOMPARE(a.chunkPpl, b.chunkPpl);
    QCOMPARE(a.tokens, b.tokens);
    QCOMPARE(a.hasKld, b.hasKld);
    QCOMPARE(a.kld.mean, b.kld.mean);
    QCOMPARE(a.kld.meanStderr, b.kld.meanStderr);
    QCOMPARE(a.kld.min, b.kld.min);
    QCOMPARE(a.kld.p01, b.kld.p01);
    QCOMPARE(a.kld.p05, b.kld.p05);
    QCOMPARE(a.kld.p10, b.kld.p10);
    QCOMPARE(a.kld.median, b.kld.median);
    QCOMPARE(a.kld.p90, b.kld.p90);
    QCOMPARE(a.kld.p95, b.kld.p95);
    QCOMPARE(a.kld.p99, b.kld.p99);
    QCOMPARE(a.kld.max, b.kld.max);
    QCOMPARE(a.kld.top1, b.kld.top1);
    QCOMPARE(a.kld.top1Stderr, b.kld.top1Stderr);
    QCOMPARE(a.seconds, b.seconds);
}

} // namespace

class TestEvaluationCache : public QObject {
    Q_OBJECT
private slots:
    void storedResultComesBackEqual();
    void changedFileMisses();
    void otherOptionsMiss();
    void survivesReopen();
    void garbageFileIsAnError();
    void defaultPathIsUnderQuanta();
};

void TestEvaluationCache::storedResultComesBackEqual() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString model = dir.filePath(QStringLiteral("m-Q4_K_M.gguf"));
    writeFile(model, QByteArray(100, 'x'));
    auto cache = EvaluationCache::open(dir.filePath(QStringLiteral("sub/evaluations.db")));
    QVERIFY2(cache.ok(), cache.ok() ? "" : cache.error().message.c_str());
    const EvaluationResult stored = sampleResult(model);
    const auto written = cache->store(stored, QStringLiteral("/models/m-F16.gguf"), 512, 16);
    QVERIFY2(written.ok(), written.ok() ? "" : written.error().message.c_str());

    const auto found = cache->find(model, QStringLiteral("ko"), QStringLiteral("/models/m-F16.gguf"), 512, 16);
    QVERIFY(found.has_value());
    compareResults(*found, stored);

    const auto all = cache->resultsFor({model, dir.filePath(QStringLiteral("missing.gguf"))});
    QCOMPARE(all.size(), 1);
    compareResults(all.first(), stored);

    // Storing again for the same key replaces, it does not add.
    EvaluationResult again = stored;
    again.ppl = 9.5;
    QVERIFY(cache->store(again, QStringLiteral("/models/m-F16.gguf"), 512, 16).ok());
    QCOMPARE(cache->resultsFor({model}).size(), 1);
    QCOMPARE(cache->find(model, QStringLiteral("ko"), QStringLiteral("/models/m-F16.gguf"), 512, 16)->ppl, 9.5);
}

void TestEvaluationCache::changedFileMisses() {
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("m.gguf"));
    writeFile(model, QByteArray(100, 'x'));
    auto cache = EvaluationCache::open(dir.filePath(QStringLiteral("e.db")));
    QVERIFY(cache.ok());
    QVERIFY(cache->store(sampleResult(model), QString(), 512, 16).ok());
    QVERIFY(cache->find(model, QStringLiteral("ko"), QString(), 512, 16).has_value());

    writeFile(model, QByteArray(101, 'y')); // re-quantized: another size
    QVERIFY(!cache->find(model, QStringLiteral("ko"), QString(), 512, 16).has_value());
    QVERIFY(cache->resultsFor({model}).isEmpty());

    QFile::remove(model);
    QVERIFY(!cache->find(model, QStringLiteral("ko"), QString(), 512, 16).has_value());
    QCOMPARE(cache->store(sampleResult(model), QString(), 512, 16).error().code, quanta::ErrorCode::NotFound);
}

void TestEvaluationCache::otherOptionsMiss() {
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("m.gguf"));
    writeFile(model, QByteArray(10, 'x'));
    auto cache = EvaluationCache::open(dir.filePath(QStringLiteral("e.db")));
    QVERIFY(cache.ok());
    QVERIFY(cache->store(sampleResult(model), QStringLiteral("ref.gguf"), 512, 16).ok());
    QVERIFY(!cache->find(model, QStringLiteral("ko"), QStringLiteral("ref.gguf"), 1024, 16).has_value());
    QVERIFY(!cache->find(model, QStringLiteral("ko"), QStringLiteral("ref.gguf"), 512, 8).has_value());
    QVERIFY(!cache->find(model, QStringLiteral("en"), QStringLiteral("ref.gguf"), 512, 16).has_value());
    QVERIFY(!cache->find(model, QStringLiteral("ko"), QString(), 512, 16).has_value());
    QVERIFY(cache->find(model, QStringLiteral("ko"), QStringLiteral("ref.gguf"), 512, 16).has_value());
}

void TestEvaluationCache::survivesReopen() {
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("m.gguf"));
    writeFile(model, QByteArray(10, 'x'));
    const QString path = dir.filePath(QStringLiteral("e.db"));
    {
        auto cache = EvaluationCache::open(path);
        QVERIFY(cache.ok());
        QVERIFY(cache->store(sampleResult(model), QString(), 512, 16).ok());
    }
    auto reopened = EvaluationCache::open(path);
    QVERIFY(reopened.ok());
    const auto found = reopened->find(model, QStringLiteral("ko"), QString(), 512, 16);
    QVERIFY(found.has_value());
    compareResults(*found, sampleResult(model));
}

void TestEvaluationCache::garbageFileIsAnError() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("garbage.db"));
    QByteArray garbage;
    for (int i = 0; i < 8192; ++i)
        garbage.append(static_cast<char>((i * 7919) & 0xff));
    writeFile(path, garbage);
    const auto cache = EvaluationCache::open(path);
    QVERIFY(!cache.ok());
    QCOMPARE(cache.error().code, quanta::ErrorCode::Corrupt);
    const QString message = QString::fromStdString(cache.error().message);
    QVERIFY2(message.contains(path), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("not a database")), qPrintable(message));
}

void TestEvaluationCache::defaultPathIsUnderQuanta() {
    QVERIFY(EvaluationCache::defaultPath().endsWith(QStringLiteral("/quanta/evaluations.db")));
}

QTEST_GUILESS_MAIN(TestEvaluationCache)
#include "test_evaluation_cache.moc"
