// SPDX-License-Identifier: MIT
#include "compare_runner.h"

#include "quanta/backend/backend.h"
#include "quanta/chat_template.h"
#include "quanta/estimate.h"
#include "quanta/gguf.h"
#include "quanta/memory.h"

#include <QFile>

#include <algorithm>
#include <memory>
#include <optional>
#include <vector>

namespace quanta::services {

namespace {

QString qstring(const std::string& s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }
QString qstring(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

// The device named in the request, else the first one, as EngineWorker picks it, so that a
// comparison runs where the chat would.
backend::Device* pickDevice(const std::vector<std::unique_ptr<backend::Backend>>& backends, const QString& name) {
    backend::Device* device = nullptr;
    for (const auto& b : backends)
        for (backend::Device* d : b->devices()) {
            const bool named = QString::fromStdString(d->info().name) == name;
            if (device == nullptr || named)
                device = d;
            if (named)
                return device;
        }
    return device;
}

} // namespace

int firstDivergence(const QList<int>& reference, const QList<int>& variant) {
    const qsizetype common = std::min(reference.size(), variant.size());
    for (qsizetype i = 0; i < common; ++i)
        if (reference[i] != variant[i])
            return static_cast<int>(i);
    return reference.size() == variant.size() ? -1 : static_cast<int>(common);
}

CompareRunner::CompareRunner(QObject* parent) : QObject(parent) {
    qRegisterMetaType<quanta::services::CompareColumnResult>();
}

CompareRunner::~CompareRunner() = default;

void CompareRunner::run(const CompareRequest& request) {
    m_cancel.reset();
    backend::BackendOptions backend_options;
    backend_options.cpu_threads = request.threads;
    const auto backends = backend::available_backends(backend_options);
    backend::Device* device = pickDevice(backends, request.device);

    for (int column = 0; column < request.modelPaths.size() && !m_cancel.cancelled(); ++column) {
        const QString& path = request.modelPaths[column];
        emit columnStarted(column);
        if (device == nullptr) {
            emit columnFailed(column, tr("No compute device is available."));
            continue;
        }
        CompareColumnResult result;
        result.modelPath = path;

        // The estimate is both the column's memory figure and the guard against a load that
        // would swap the machine to a crawl (see EngineWorker::loadModel).
        auto file = GgufFile::open(QFile::encodeName(path).toStdString());
        if (!file) {
            emit columnFailed(column, qstring(file.error().message));
            continue;
        }
        EstimateOptions estimate_options;
        estimate_options.n_ctx = request.nCtx;
        estimate_options.threads = request.threads;
        auto estimate = estimate_memory(*file, std::nullopt, estimate_options);
        if (!estimate) {
            emit columnFailed(column, qstring(estimate.error().message));
            continue;
        }
        result.memoryBytes = static_cast<qint64>(estimate->total_bytes());
        if (const FitVerdict verdict = fits(*estimate, device->info()); !verdict.fits) {
            emit columnFailed(column, tr("The model does not fit in the memory of %1: it needs %2 MiB, %3 MiB are free.")
                                          .arg(QString::fromStdString(device->info().name))
                                          .arg(verdict.needed >> 20)
                                          .arg(verdict.available >> 20));
            continue;
        }

        // Scoped so that the model and its session are released before the next column loads.
        {
            LoadOptions load_options;
            load_options.on_progress = [this](float) { return !m_cancel.cancelled(); };
            auto model = Model::load(QFile::encodeName(path).toStdString(), *device, load_options);
            if (!model) {
                if (m_cancel.cancelled()) { // stopped while loading: the column simply ends
                    result.stopReason = QString::fromLatin1(stop_reason_name(StopReason::Cancelled));
                    emit columnFinished(column, result);
                    break;
                }
                emit columnFailed(column, qstring(model.error().message));
                continue;
            }
            result.type = qstring((*model)->type_name());
            auto tmpl = chat_template_from_gguf((*model)->file());
            if (!tmpl) {
                emit columnFailed(column, qstring(tmpl.error().message));
                continue;
            }
            std::vector<ChatMessage> messages;
            if (!request.systemPrompt.isEmpty())
                messages.push_back({"system", request.systemPrompt.toStdString()});
            messages.push_back({"user", request.prompt.toStdString()});
            auto prompt = chat_prompt_tokens(**model, *tmpl, messages);
            if (!prompt) {
                emit columnFailed(column, qstring(prompt.error().message));
                continue;
            }
            SessionOptions session_options;
            session_options.n_ctx = request.nCtx;
            auto session = Session::create(*model, session_options);
            if (!session) {
                emit columnFailed(column, qstring(session.error().message));
                continue;
            }
            const int64_t room = (*session)->n_ctx() - static_cast<int64_t>(prompt->size());
            if (prompt->empty() || room < 1) {
                emit columnFailed(column, tr("The prompt does not fit the context of %1 tokens.").arg((*session)->n_ctx()));
                continue;
            }
            GenerateOptions generate_options;
            generate_options.sampling = request.sampling; // the same seed for every column
            generate_options.n_predict = request.maxTokens > 0 ? std::min<int64_t>(request.maxTokens, room) : room;

            using Clock = std::chrono::steady_clock;
            const auto t0 = Clock::now();
            auto last_emit = t0;
            double first_token_ms = -1.0;
            QString pending; // text not yet sent: one signal per kChunkInterval at most
            auto stats = generate(
                **session, *prompt, generate_options,
                [&](int32_t token, std::string_view text) {
                    const auto now = Clock::now();
                    if (first_token_ms < 0)
                        first_token_ms = std::chrono::duration<double, std::milli>(now - t0).count();
                    // Pieces are converted one by one and the text is their concatenation, so
                    // that piece lengths map token indices to character offsets exactly.
                    const QString piece = qstring(text);
                    result.tokens.append(token);
                    result.pieces.append(piece);
                    result.text += piece;
                    pending += piece;
                    if (now - last_emit >= kChunkInterval && !pending.isEmpty()) {
                        emit columnText(column, pending);
                        pending.clear();
                        last_emit = now;
                    }
                    return true;
                },
                &m_cancel);
            if (!pending.isEmpty())
                emit columnText(column, pending);
            if (!stats) {
                emit columnFailed(column, qstring(stats.error().message));
                continue;
            }
            result.tokensPerSecond = stats->tokens_per_second();
            result.firstTokenMs = std::max(0.0, first_token_ms);
            result.stopReason = QString::fromLatin1(stop_reason_name(stats->stop));
        }
        emit columnFinished(column, result);
    }
    emit allFinished();
}

} // namespace quanta::services
