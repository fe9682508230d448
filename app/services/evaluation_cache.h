// SPDX-License-Identifier: MIT
// Evaluation results kept between runs of the studio, so that reopening it does not measure the
// same files again: a small SQLite file of EvaluationResult values (as JSON text), keyed by the
// model file (path, size and modification time, so a re-quantized file misses), the evaluation
// text's name, the reference model and the perplexity options.
//
//   auto cache = EvaluationCache::open(EvaluationCache::defaultPath());
//   if (auto hit = cache->find(model, "en", reference, 512, 16)) ...
//
// Thread-safety: one SQLite connection, not thread-safe; use an instance on one thread only.
// Several processes may share the file (WAL, with a busy timeout).
#pragma once

#include "evaluation.h"

#include "quanta/result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

struct sqlite3;

namespace quanta::services {

class EvaluationCache {
public:
    /// QStandardPaths::GenericDataLocation + "/quanta/evaluations.db".
    static QString defaultPath();

    /// Opens or creates the cache at `path` (its folder is created). Errors: Io (cannot create or
    /// open), Corrupt (not a SQLite database, or not our schema), UnsupportedVersion (made by a
    /// newer Quanta); the message names the file.
    static Result<EvaluationCache> open(const QString& path);

    EvaluationCache(EvaluationCache&&) noexcept;
    EvaluationCache& operator=(EvaluationCache&&) noexcept;
    EvaluationCache(const EvaluationCache&) = delete;
    EvaluationCache& operator=(const EvaluationCache&) = delete;
    ~EvaluationCache();

    QString path() const { return m_path; }

    /// Keeps `result` for its modelPath and textName with the given options, replacing an
    /// earlier entry for the same key (also one of an older version of the file). Errors:
    /// NotFound (the model file is gone: its size and time are part of the key), Io.
    Result<void> store(const EvaluationResult& result, const QString& referencePath, qint64 nCtx, qint64 maxChunks);

    /// The result kept for these arguments while the model file still has the size and time it
    /// had when stored; nullopt otherwise. A read error counts as a miss (it is only a cache).
    std::optional<EvaluationResult> find(const QString& modelPath, const QString& textName, const QString& referencePath,
                                         qint64 nCtx, qint64 maxChunks) const;

    /// Every current result of these files (any text, reference and options), in the order of
    /// `modelPaths`, then by text name, reference, nCtx and maxChunks.
    QList<EvaluationResult> resultsFor(const QStringList& modelPaths) const;

private:
    struct Closer {
        void operator()(sqlite3* db) const;
    };
    EvaluationCache(QString path, sqlite3* db);

    QString m_path;
    std::unique_ptr<sqlite3, Closer> m_db;
};

} // namespace quanta::services
