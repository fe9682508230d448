// SPDX-License-Identifier: MIT
// evaluateModel: the reference's log-probabilities (cached), then the variant against them.
// Reentrant: every call makes its own CPU device, so concurrent calls never share a thread pool.
#include "evaluation.h"

#include "quanta/estimate.h"
#include "quanta/perplexity.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace quanta::services {

namespace {

QString trEval(const char* text) { return QCoreApplication::translate("quanta::services::evaluateModel", text); }

std::filesystem::path nativePath(const QString& path) { return QFile::encodeName(path).toStdString(); }

Error withSubject(const QString& path, Error error) {
    error.message = QFileInfo(path).fileName().toStdString() + ": " + error.message;
    return error;
}

/// A CPU device of its own for one evaluation (the backends own it, so they travel together).
struct CpuDevice {
    std::vector<std::unique_ptr<backend::Backend>> backends;
    backend::Device* device = nullptr;
};

CpuDevice makeCpuDevice(int threads) {
    CpuDevice cpu;
    backend::BackendOptions options;
    options.cpu_threads = threads;
    cpu.backends = backend::available_backends(options);
    for (const auto& b : cpu.backends) {
        if (b->name() == "cpu" && !b->devices().empty())
            cpu.device = b->devices().front();
    }
    return cpu;
}

/// The cache key: anything that changes the reference's log-probs changes the name, so a stale
/// file is never read (kl_base would reject it anyway, but only after a wasted variant run).
QString referenceCacheFile(const EvaluationRequest& request, const QString& folder) {
    const QFileInfo reference(request.referencePath);
    const QFileInfo text(request.textPath);
    const QString key = QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8")
                            .arg(reference.absoluteFilePath())
                            .arg(reference.size())
                            .arg(reference.lastModified().toMSecsSinceEpoch())
                            .arg(text.absoluteFilePath())
                            .arg(text.size())
                            .arg(text.lastModified().toMSecsSinceEpoch())
                            .arg(request.nCtx)
                            .arg(request.maxChunks);
    const QByteArray hash = QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex().left(24);
    return QDir(folder).filePath(QStringLiteral("reference-%1.qlogp").arg(QString::fromLatin1(hash)));
}

/// The reference's own PPL, next to its log-probs (the log-probs file does not keep stderr or
/// the per-window values).
struct ReferenceScore {
    double ppl = 0, pplStderr = 0;
    QList<double> chunkPpl;
};

bool saveReferenceScore(const QString& path, const PerplexityReport& report) {
    QJsonArray chunks;
    for (const PerplexityChunk& c : report.chunks)
        chunks.append(c.ppl);
    const QJsonObject o{{QStringLiteral("ppl"), report.ppl},
                        {QStringLiteral("ppl_stderr"), report.ppl_stderr},
                        {QStringLiteral("chunks"), chunks}};
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    return file.commit();
}

std::optional<ReferenceScore> loadReferenceScore(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
    if (!o.contains(QStringLiteral("ppl")))
        return std::nullopt;
    ReferenceScore score;
    score.ppl = o.value(QStringLiteral("ppl")).toDouble();
    score.pplStderr = o.value(QStringLiteral("ppl_stderr")).toDouble();
    for (const QJsonValue& v : o.value(QStringLiteral("chunks")).toArray())
        score.chunkPpl.append(v.toDouble());
    return score;
}

KldSummary toSummary(const KldReport& k) {
    KldSummary s;
    s.mean = k.mean;
    s.meanStderr = k.mean_stderr;
    s.min = k.min;
    s.p01 = k.p01;
    s.p05 = k.p05;
    s.p10 = k.p10;
    s.median = k.median;
    s.p90 = k.p90;
    s.p95 = k.p95;
    s.p99 = k.p99;
    s.max = k.max;
    s.top1 = k.top1_agreement;
    s.top1Stderr = k.top1_agreement_stderr;
    return s;
}

} // namespace

Result<EvaluationResult> evaluateModel(const EvaluationRequest& request, const CancelToken* cancel,
                                       const std::function<void(double fraction, const QString& stage)>& progress) {
    QElapsedTimer clock;
    clock.start();
    auto report = [&](double fraction, const QString& stage) {
        if (progress)
            progress(std::clamp(fraction, 0.0, 1.0), stage);
    };
    auto cancelled = [cancel] { return cancel && cancel->cancelled(); };

    QFile textFile(request.textPath);
    if (!textFile.open(QIODevice::ReadOnly))
        return make_error(ErrorCode::InvalidArgument,
                          trEval("cannot read the evaluation text %1").arg(request.textPath).toStdString());
    const QByteArray text = textFile.readAll();
    if (text.isEmpty())
        return make_error(ErrorCode::InvalidArgument,
                          trEval("the evaluation text %1 is empty").arg(request.textPath).toStdString());

    CpuDevice cpu = makeCpuDevice(request.threads);
    if (!cpu.device)
        return make_error(ErrorCode::Unsupported, trEval("no CPU device").toStdString());

    PerplexityOptions options;
    options.n_ctx = request.nCtx;
    options.n_batch = request.nCtx;
    options.max_chunks = request.maxChunks;
    options.cancel = cancel;

    // Loads a model and tokenizes the text for it; a text under two windows cannot be scored.
    struct Loaded {
        std::shared_ptr<const Model> model;
        std::vector<int32_t> ids;
    };
    auto load = [&](const QString& path) -> Result<Loaded> {
        LoadOptions loadOptions;
        loadOptions.on_progress = [&](float) { return !cancelled(); };
        auto model = Model::load(nativePath(path), *cpu.device, loadOptions);
        if (!model)
            return withSubject(path, model.take_error());
        // Like llama-perplexity: the whole text in one go, with BOS when the model adds it.
        std::vector<int32_t> ids = (*model)->tokenizer().encode(std::string_view(text.constData(), size_t(text.size())));
        if (static_cast<qint64>(ids.size()) < 2 * request.nCtx)
            return make_error(ErrorCode::InvalidArgument,
                              trEval("the evaluation text %1 has %2 tokens; it needs at least %3 (two windows)")
                                  .arg(request.textPath)
                                  .arg(ids.size())
                                  .arg(2 * request.nCtx)
                                  .toStdString());
        return Loaded{std::move(*model), std::move(ids)};
    };

    // The reference's share of the work: half when it must run, none when its log-probs are cached.
    double referenceShare = 0.0;
    std::optional<ReferenceScore> referenceScore;
    QString logitsFile;
    if (!request.referencePath.isEmpty()) {
        const QString folder = request.cacheFolder.isEmpty()
                                   ? QDir(QStandardPaths::writableLocation(QStandardPaths::TempLocation))
                                         .filePath(QStringLiteral("quanta-evaluation"))
                                   : request.cacheFolder;
        if (!QDir().mkpath(folder))
            return make_error(ErrorCode::Io, trEval("cannot create the folder %1").arg(folder).toStdString());
        logitsFile = referenceCacheFile(request, folder);
        const QString scoreFile = logitsFile + QStringLiteral(".json");
        if (QFileInfo::exists(logitsFile))
            referenceScore = loadReferenceScore(scoreFile);
        if (!referenceScore) {
            referenceShare = 0.5;
            report(0.0, trEval("Scoring the reference model"));
            auto reference = load(request.referencePath);
            if (!reference)
                return reference.take_error();
            PerplexityOptions referenceOptions = options;
            referenceOptions.save_logits = nativePath(logitsFile);
            referenceOptions.on_progress = [&](int64_t done, int64_t total, double) {
                report(referenceShare * double(done) / double(std::max<int64_t>(total, 1)),
                       trEval("Scoring the reference model"));
                return !cancelled();
            };
            auto scored = perplexity(reference->model, reference->ids, referenceOptions);
            if (!scored)
                return withSubject(request.referencePath, scored.take_error());
            // Without its score the cache entry is useless: the next run scores the reference again.
            if (!saveReferenceScore(scoreFile, *scored))
                QFile::remove(logitsFile);
            referenceScore = ReferenceScore{scored->ppl, scored->ppl_stderr, {}};
            for (const PerplexityChunk& c : scored->chunks)
                referenceScore->chunkPpl.append(c.ppl);
        }
        options.kl_base = nativePath(logitsFile);
    }

    if (cancelled())
        return make_error(ErrorCode::Cancelled, "cancelled");
    report(referenceShare, trEval("Scoring the model"));
    auto variant = load(request.modelPath);
    if (!variant)
        return variant.take_error();
    options.on_progress = [&](int64_t done, int64_t total, double) {
        report(referenceShare + (1.0 - referenceShare) * double(done) / double(std::max<int64_t>(total, 1)),
               trEval("Scoring the model"));
        return !cancelled();
    };
    auto scored = perplexity(variant->model, variant->ids, options);
    if (!scored)
        return withSubject(request.modelPath, scored.take_error());

    EvaluationResult result;
    result.modelPath = request.modelPath;
    result.type = QString::fromStdString(variant->model->type_name());
    result.textName = request.textName;
    result.fileBytes = QFileInfo(request.modelPath).size();
    if (auto estimate = estimate_memory(variant->model->file(), std::nullopt); estimate)
        result.bitsPerWeight = estimate->bits_per_weight();
    result.ppl = scored->ppl;
    result.pplStderr = scored->ppl_stderr;
    for (const PerplexityChunk& c : scored->chunks)
        result.chunkPpl.append(c.ppl);
    result.tokens = scored->n_tokens;
    if (scored->kld) {
        result.hasKld = true;
        result.kld = toSummary(*scored->kld);
    }
    if (referenceScore) {
        result.referencePpl = referenceScore->ppl;
        result.referencePplStderr = referenceScore->pplStderr;
        result.referenceChunkPpl = referenceScore->chunkPpl;
    }
    result.seconds = static_cast<double>(clock.elapsed()) / 1000.0;
    report(1.0, trEval("Done"));
    return result;
}

} // namespace quanta::services
