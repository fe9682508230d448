// SPDX-License-Identifier: MIT
#include "evaluation_cache.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <sqlite3.h>

#include <string>

namespace quanta::services {

namespace {

// Bumped when the table or the JSON changes in a way older code cannot read.
constexpr int kSchemaVersion = 1;
// Another studio process may hold the write lock for a moment.
constexpr int kBusyTimeoutMs = 2000;

std::string utf8(const QString& text) { return text.toStdString(); }

Error sqliteError(sqlite3* db, int rc, const QString& path, const char* what) {
    const std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    const std::string message = "evaluation cache " + utf8(path) + ": " + what + ": " + detail;
    switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return make_error(ErrorCode::Corrupt, message);
    case SQLITE_NOMEM:
        return make_error(ErrorCode::OutOfMemory, message);
    default:
        return make_error(ErrorCode::Io, message);
    }
}

/// A prepared statement finalized when it goes out of scope.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) { m_rc = sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr); }
    ~Statement() { sqlite3_finalize(m_stmt); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    bool prepared() const { return m_rc == SQLITE_OK; }
    int prepareCode() const { return m_rc; }
    void bind(int index, const QString& text) {
        const QByteArray bytes = text.toUtf8();
        sqlite3_bind_text(m_stmt, index, bytes.constData(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    }
    void bind(int index, qint64 value) { sqlite3_bind_int64(m_stmt, index, value); }
    int step() { return sqlite3_step(m_stmt); }
    QString text(int column) const {
        const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
        return QString::fromUtf8(data, sqlite3_column_bytes(m_stmt, column));
    }
    qint64 int64(int column) const { return sqlite3_column_int64(m_stmt, column); }

private:
    sqlite3_stmt* m_stmt = nullptr;
    int m_rc = SQLITE_OK;
};

Result<void> exec(sqlite3* db, const QString& path, const char* sql) {
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        return sqliteError(db, rc, path, sql);
    return {};
}

/// The identity of a model file's current contents: a re-quantized file changes size or time.
struct FileStamp {
    QString path;
    qint64 bytes = -1;
    qint64 mtimeMs = -1;
};

std::optional<FileStamp> stampOf(const QString& modelPath) {
    const QFileInfo info(modelPath);
    if (!info.isFile())
        return std::nullopt;
    return FileStamp{info.absoluteFilePath(), info.size(), info.lastModified().toMSecsSinceEpoch()};
}

QJsonObject toJson(const KldSummary& k) {
    return QJsonObject{{QStringLiteral("mean"), k.mean},     {QStringLiteral("meanStderr"), k.meanStderr},
                       {QStringLiteral("min"), k.min},       {QStringLiteral("p01"), k.p01},
                       {QStringLiteral("p05"), k.p05},       {QStringLiteral("p10"), k.p10},
                       {QStringLiteral("median"), k.median}, {QStringLiteral("p90"), k.p90},
                       {QStringLiteral("p95"), k.p95},       {QStringLiteral("p99"), k.p99},
                       {QStringLiteral("max"), k.max},       {QStringLiteral("top1"), k.top1},
                       {QStringLiteral("top1Stderr"), k.top1Stderr}};
}

KldSummary kldFromJson(const QJsonObject& o) {
    KldSummary k;
    k.mean = o.value(QStringLiteral("mean")).toDouble();
    k.meanStderr = o.value(QStringLiteral("meanStderr")).toDouble();
    k.min = o.value(QStringLiteral("min")).toDouble();
    k.p01 = o.value(QStringLiteral("p01")).toDouble();
    k.p05 = o.value(QStringLiteral("p05")).toDouble();
    k.p10 = o.value(QStringLiteral("p10")).toDouble();
    k.median = o.value(QStringLiteral("median")).toDouble();
    k.p90 = o.value(QStringLiteral("p90")).toDouble();
    k.p95 = o.value(QStringLiteral("p95")).toDouble();
    k.p99 = o.value(QStringLiteral("p99")).toDouble();
    k.max = o.value(QStringLiteral("max")).toDouble();
    k.top1 = o.value(QStringLiteral("top1")).toDouble();
    k.top1Stderr = o.value(QStringLiteral("top1Stderr")).toDouble();
    return k;
}

QString toJsonText(const EvaluationResult& r) {
    QJsonArray chunks;
    for (double ppl : r.chunkPpl)
        chunks.append(ppl);
    const QJsonObject o{{QStringLiteral("modelPath"), r.modelPath},
                        {QStringLiteral("type"), r.type},
                        {QStringLiteral("textName"), r.textName},
                        {QStringLiteral("bitsPerWeight"), r.bitsPerWeight},
                        {QStringLiteral("fileBytes"), r.fileBytes},
                        {QStringLiteral("ppl"), r.ppl},
                        {QStringLiteral("pplStderr"), r.pplStderr},
                        {QStringLiteral("chunkPpl"), chunks},
                        {QStringLiteral("tokens"), r.tokens},
                        {QStringLiteral("hasKld"), r.hasKld},
                        {QStringLiteral("kld"), toJson(r.kld)},
                        {QStringLiteral("seconds"), r.seconds}};
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::optional<EvaluationResult> fromJsonText(const QString& text) {
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8());
    if (!document.isObject())
        return std::nullopt;
    const QJsonObject o = document.object();
    EvaluationResult r;
    r.modelPath = o.value(QStringLiteral("modelPath")).toString();
    r.type = o.value(QStringLiteral("type")).toString();
    r.textName = o.value(QStringLiteral("textName")).toString();
    r.bitsPerWeight = o.value(QStringLiteral("bitsPerWeight")).toDouble();
    r.fileBytes = o.value(QStringLiteral("fileBytes")).toInteger();
    r.ppl = o.value(QStringLiteral("ppl")).toDouble();
    r.pplStderr = o.value(QStringLiteral("pplStderr")).toDouble();
    for (const QJsonValue& ppl : o.value(QStringLiteral("chunkPpl")).toArray())
        r.chunkPpl.append(ppl.toDouble());
    r.tokens = o.value(QStringLiteral("tokens")).toInteger();
    r.hasKld = o.value(QStringLiteral("hasKld")).toBool();
    r.kld = kldFromJson(o.value(QStringLiteral("kld")).toObject());
    r.seconds = o.value(QStringLiteral("seconds")).toDouble();
    return r;
}

} // namespace

void EvaluationCache::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

EvaluationCache::EvaluationCache(QString path, sqlite3* db) : m_path(std::move(path)), m_db(db) {}
EvaluationCache::EvaluationCache(EvaluationCache&&) noexcept = default;
EvaluationCache& EvaluationCache::operator=(EvaluationCache&&) noexcept = default;
EvaluationCache::~EvaluationCache() = default;

QString EvaluationCache::defaultPath() {
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/quanta/evaluations.db");
}

Result<EvaluationCache> EvaluationCache::open(const QString& path) {
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return make_error(ErrorCode::Io, "evaluation cache " + utf8(path) + ": cannot create the folder " +
                                             utf8(info.absolutePath()));
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    // The handle is owned from here on, even when opening failed (SQLite still allocates it).
    EvaluationCache cache(path, raw);
    if (rc != SQLITE_OK)
        return sqliteError(raw, rc, path, "open");
    sqlite3_busy_timeout(raw, kBusyTimeoutMs);
    // journal_mode is the first statement that reads the file, so a file that is not a database
    // fails here with SQLITE_NOTADB.
    QUANTA_TRY(exec(raw, path, "PRAGMA journal_mode=WAL"));
    QUANTA_TRY(exec(raw, path, "PRAGMA synchronous=NORMAL"));

    Statement version(raw, "PRAGMA user_version");
    if (!version.prepared())
        return sqliteError(raw, version.prepareCode(), path, "PRAGMA user_version");
    const int step = version.step();
    if (step != SQLITE_ROW)
        return sqliteError(raw, step, path, "PRAGMA user_version");
    const qint64 schema = version.int64(0);
    if (schema > kSchemaVersion)
        return make_error(ErrorCode::UnsupportedVersion, "evaluation cache " + utf8(path) + ": schema version " +
                                                             std::to_string(schema) + " was written by a newer Quanta");
    QUANTA_TRY(exec(raw, path,
                    "CREATE TABLE IF NOT EXISTS evaluations ("
                    " model_path TEXT NOT NULL, model_bytes INTEGER NOT NULL, model_mtime_ms INTEGER NOT NULL,"
                    " text_name TEXT NOT NULL, reference_path TEXT NOT NULL,"
                    " n_ctx INTEGER NOT NULL, max_chunks INTEGER NOT NULL,"
                    " result_json TEXT NOT NULL, stored_at_ms INTEGER NOT NULL,"
                    // Size and time are not in the key: a newer version of a file replaces the stale row.
                    " PRIMARY KEY (model_path, text_name, reference_path, n_ctx, max_chunks))"));
    QUANTA_TRY(exec(raw, path, "PRAGMA user_version=1"));
    return cache;
}

Result<void> EvaluationCache::store(const EvaluationResult& result, const QString& referencePath, qint64 nCtx,
                                    qint64 maxChunks) {
    const auto stamp = stampOf(result.modelPath);
    if (!stamp)
        return make_error(ErrorCode::NotFound, "evaluation cache: the model file " + utf8(result.modelPath) + " does not exist");
    Statement insert(m_db.get(), "INSERT OR REPLACE INTO evaluations (model_path, model_bytes, model_mtime_ms, text_name,"
                                 " reference_path, n_ctx, max_chunks, result_json, stored_at_ms)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!insert.prepared())
        return sqliteError(m_db.get(), insert.prepareCode(), m_path, "prepare insert");
    insert.bind(1, stamp->path);
    insert.bind(2, stamp->bytes);
    insert.bind(3, stamp->mtimeMs);
    insert.bind(4, result.textName);
    insert.bind(5, referencePath);
    insert.bind(6, nCtx);
    insert.bind(7, maxChunks);
    insert.bind(8, toJsonText(result));
    insert.bind(9, QDateTime::currentMSecsSinceEpoch());
    const int rc = insert.step();
    if (rc != SQLITE_DONE)
        return sqliteError(m_db.get(), rc, m_path, "insert");
    return {};
}

std::optional<EvaluationResult> EvaluationCache::find(const QString& modelPath, const QString& textName,
                                                      const QString& referencePath, qint64 nCtx, qint64 maxChunks) const {
    const auto stamp = stampOf(modelPath);
    if (!stamp)
        return std::nullopt;
    Statement select(m_db.get(), "SELECT result_json FROM evaluations WHERE model_path = ?1 AND model_bytes = ?2"
                                 " AND model_mtime_ms = ?3 AND text_name = ?4 AND reference_path = ?5"
                                 " AND n_ctx = ?6 AND max_chunks = ?7");
    if (!select.prepared())
        return std::nullopt;
    select.bind(1, stamp->path);
    select.bind(2, stamp->bytes);
    select.bind(3, stamp->mtimeMs);
    select.bind(4, textName);
    select.bind(5, referencePath);
    select.bind(6, nCtx);
    select.bind(7, maxChunks);
    if (select.step() != SQLITE_ROW)
        return std::nullopt;
    return fromJsonText(select.text(0));
}

QList<EvaluationResult> EvaluationCache::resultsFor(const QStringList& modelPaths) const {
    QList<EvaluationResult> results;
    for (const QString& modelPath : modelPaths) {
        const auto stamp = stampOf(modelPath);
        if (!stamp)
            continue;
        Statement select(m_db.get(), "SELECT result_json FROM evaluations WHERE model_path = ?1 AND model_bytes = ?2"
                                     " AND model_mtime_ms = ?3 ORDER BY text_name, reference_path, n_ctx, max_chunks");
        if (!select.prepared())
            return results;
        select.bind(1, stamp->path);
        select.bind(2, stamp->bytes);
        select.bind(3, stamp->mtimeMs);
        while (select.step() == SQLITE_ROW) {
            if (auto result = fromJsonText(select.text(0)))
                results.append(*result);
        }
    }
    return results;
}

} // namespace quanta::services
