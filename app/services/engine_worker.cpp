// SPDX-License-Identifier: MIT
#include "engine_worker.h"

#include "quanta/estimate.h"
#include "quanta/gguf.h"
#include "quanta/memory.h"

#include <QFile>

#include <algorithm>

namespace quanta::services {

namespace {

QString qstring(const std::string& s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

} // namespace

EngineWorker::EngineWorker(QObject* parent) : QObject(parent) {}
EngineWorker::~EngineWorker() = default;

void EngineWorker::loadModel(const QString& path, const EngineLoadOptions& options) {
    m_summarizer.reset();
    m_counter.reset();
    m_session.reset();
    m_template.reset();
    m_model.reset();
    backend::BackendOptions backend_options;
    backend_options.cpu_threads = options.threads;
    m_backends = backend::available_backends(backend_options);
    backend::Device* device = nullptr;
    for (auto& b : m_backends)
        for (backend::Device* d : b->devices()) {
            const bool named = QString::fromStdString(d->info().name) == options.device;
            if (device == nullptr || named)
                device = d;
            if (named)
                break;
        }
    if (device == nullptr) {
        emit loadFailed(tr("No compute device is available."));
        return;
    }
    // Refuse what cannot fit before mapping gigabytes: a load that runs out of memory swaps the
    // machine to a crawl or gets the app killed, and the user loses more than this model.
    if (auto file = GgufFile::open(QFile::encodeName(path).toStdString()); file) {
        EstimateOptions estimate_options;
        estimate_options.n_ctx = options.n_ctx;
        estimate_options.threads = options.threads;
        if (auto estimate = estimate_memory(*file, std::nullopt, estimate_options); estimate) {
            const FitVerdict verdict = fits(*estimate, device->info());
            if (!verdict.fits) {
                emit loadFailed(tr("The model does not fit in the memory of %1: it needs %2 MiB, %3 MiB are free. "
                                   "Choose a smaller quantization level or a shorter context.")
                                    .arg(QString::fromStdString(device->info().name))
                                    .arg(verdict.needed >> 20)
                                    .arg(verdict.available >> 20));
                return;
            }
        }
    } // an unreadable file: Model::load below says what is wrong with it
    LoadOptions load_options;
    int last_percent = -1;
    m_cancel.reset(); // stop() during a load abandons it (the window is closing)
    load_options.on_progress = [this, &last_percent](float fraction) {
        const int percent = static_cast<int>(fraction * 100.0f);
        if (percent != last_percent) { // at most 101 signals, whatever the number of tensors
            last_percent = percent;
            emit loadProgress(fraction);
        }
        return !m_cancel.cancelled();
    };
    auto model = Model::load(path.toStdString(), *device, load_options);
    QString fallback_note;
    if (!model && device->info().kind != backend::DeviceKind::Cpu && !m_cancel.cancelled() &&
        (model.error().code == ErrorCode::Unsupported || model.error().code == ErrorCode::OutOfMemory)) {
        // What the GPU cannot run (a tensor over its buffer limit, a format it lacks) runs on the CPU.
        fallback_note = tr("%1 cannot run this model (%2); it runs on the CPU. ")
                            .arg(QString::fromStdString(device->info().name), qstring(model.error().message));
        device = m_backends.front()->devices().front();
        model = Model::load(path.toStdString(), *device, load_options);
    }
    if (!model) {
        emit loadFailed(qstring(model.error().message));
        return;
    }
    auto tmpl = chat_template_from_gguf((*model)->file());
    if (!tmpl) {
        emit loadFailed(qstring(tmpl.error().message));
        return;
    }
    SessionOptions session_options;
    session_options.n_ctx = options.n_ctx;
    auto session = Session::create(*model, session_options);
    if (!session) {
        emit loadFailed(qstring(session.error().message));
        return;
    }
    auto counter = model_token_counter(*model);
    if (!counter) {
        emit loadFailed(qstring(counter.error().message));
        return;
    }
    m_model = std::move(*model);
    m_template.emplace(std::move(*tmpl));
    m_counter.emplace(std::move(*counter));
    m_session = std::move(*session);
    emit modelLoaded(fallback_note + tr("%1 (%2, %3 layers, context %4)")
                                         .arg(QString::fromStdString(path.toStdString()), qstring(m_model->type_name()))
                                         .arg(m_model->config().n_layer)
                                         .arg(m_session->n_ctx()));
}

void EngineWorker::reply(const std::vector<ChatMessage>& conversation, const ReplyOptions& options) {
    if (!m_session) {
        emit replyFailed(tr("No model is loaded."));
        return;
    }
    m_cancel.reset();
    const bool summarizes = options.memory.kind == MemoryStrategy::Kind::Summary ||
                            options.memory.kind == MemoryStrategy::Kind::SummaryBuffer;
    if (summarizes && !m_summarizer) {
        auto summarizer = EngineSummarizer::create(m_model);
        if (!summarizer) {
            emit replyFailed(qstring(summarizer.error().message));
            return;
        }
        m_summarizer = std::move(*summarizer);
        m_summarizer->set_cancel_token(&m_cancel);
    }
    MemoryState state = options.memory_state;
    const int64_t reserve = std::clamp<int64_t>(options.reserve, 0, m_session->n_ctx() / 2);
    auto plan = build_prompt(conversation, options.memory, state, m_summarizer.get(), *m_counter,
                             m_session->n_ctx(), reserve);
    if (state != options.memory_state) // saved even when the reply fails below: the summary is valid
        emit memoryStateChanged(qstring(state.summary), state.covered);
    if (!plan) {
        if (plan.error().code == ErrorCode::ContextFull)
            emit replyFailed(tr("The message does not fit the context of %1 tokens: %2")
                                 .arg(m_session->n_ctx())
                                 .arg(qstring(plan.error().message)));
        else
            emit replyFailed(qstring(plan.error().message));
        return;
    }
    emit promptPlanned(plan->dropped, plan->prompt_tokens, m_session->n_ctx());
    auto prompt = chat_prompt_tokens(*m_model, *m_template, plan->messages);
    if (!prompt) {
        emit replyFailed(qstring(prompt.error().message));
        return;
    }
    Session& s = *m_session;
    const int64_t room = s.n_ctx() - static_cast<int64_t>(prompt->size());
    if (prompt->empty() || room < 1) {
        emit replyFailed(tr("The conversation does not fit the context of %1 tokens.").arg(s.n_ctx()));
        return;
    }
    const size_t keep = s.keep_common_prefix(*prompt);
    GenerateOptions generate_options;
    generate_options.sampling = options.sampling;
    generate_options.n_predict = options.n_predict > 0 ? std::min(options.n_predict, room) : room;

    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    auto last_emit = t0;
    double first_token_ms = -1.0;
    std::string reply;
    std::string pending; // text not yet sent: one signal per kChunkInterval at most
    auto stats = generate(
        s, std::span<const int32_t>(prompt->data() + keep, prompt->size() - keep), generate_options,
        [&](int32_t, std::string_view text) {
            const auto now = Clock::now();
            if (first_token_ms < 0)
                first_token_ms = std::chrono::duration<double, std::milli>(now - t0).count();
            reply += text;
            pending += text;
            if (now - last_emit >= kChunkInterval && !pending.empty()) {
                emit textChunk(qstring(pending));
                pending.clear();
                last_emit = now;
            }
            return true;
        },
        &m_cancel);
    if (!pending.empty())
        emit textChunk(qstring(pending));
    if (!stats) {
        emit replyFailed(qstring(stats.error().message));
        return;
    }
    emit replyFinished(qstring(reply), stats->tokens_per_second(), std::max(0.0, first_token_ms), QString::fromLatin1(stop_reason_name(stats->stop)));
}

} // namespace quanta::services
