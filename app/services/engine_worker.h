// SPDX-License-Identifier: MIT
// EngineWorker: the engine behind the desktop app, on its own thread. The GUI never calls the
// engine: it invokes the worker's slots queued (QMetaObject::invokeMethod or queued signal
// connections) and listens to its signals, which Qt delivers on the GUI thread. Token text is
// coalesced into chunks (at most one signal per kChunkInterval) so that a fast model cannot
// flood the GUI's event queue.
//
//   auto* worker = new EngineWorker;            // no parent: it moves to the thread
//   worker->moveToThread(&thread);
//   connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
//   thread.start();
//   QMetaObject::invokeMethod(worker, [=] { worker->loadModel(path, {}); });
//   ...
//   worker->stop();                              // any thread: the reply ends at the next token
//
// Thread-safety: stop() from any thread (it also cancels a summary being written); every other
// member only on the worker's thread.
#pragma once

#include "quanta/backend/backend.h"
#include "quanta/chat_template.h"
#include "quanta/engine.h"
#include "quanta/memory.h"

#include <QObject>
#include <QString>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace quanta::services {

struct EngineLoadOptions {
    int threads = 0;       ///< CPU threads; <= 0: all
    int64_t n_ctx = 0;     ///< KV cache positions; 0: the engine's default
    QString device;        ///< DeviceInfo::name ("cpu"); "" or unknown: the first device
};

struct ReplyOptions {
    int64_t n_predict = -1;     ///< < 0: until the model stops or the context is full
    SamplerParams sampling;
    /// Which messages are sent (quanta/memory.h). The worker runs build_prompt, so a summary is
    /// written by the model on this thread; the new state comes back in memoryStateChanged.
    MemoryStrategy memory;
    MemoryState memory_state;
    int64_t reserve = 256;      ///< context positions kept free for the reply
};

class EngineWorker : public QObject {
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds kChunkInterval{30};

    explicit EngineWorker(QObject* parent = nullptr);
    ~EngineWorker() override;

    /// Ends the running reply at its next token (replyFinished then says "cancelled"), or the
    /// running load at its next tensor (loadFailed).
    void stop() { m_cancel.cancel(); }

    /// Load a model (replacing the current one). Emits modelLoaded or loadFailed.
    void loadModel(const QString& path, const EngineLoadOptions& options);
    /// Choose the messages of `conversation` (system prompt first if any, then the history,
    /// ending with the user's message) that options.memory sends, render them with the model's
    /// chat template and generate the assistant's reply. Emits promptPlanned, memoryStateChanged
    /// when a summary strategy extended the summary, textChunk (zero or more times), then
    /// replyFinished or replyFailed. The KV cache keeps the previous prompt, so only what changed
    /// is decoded.
    void reply(const std::vector<ChatMessage>& conversation, const ReplyOptions& options);

signals:
    void loadProgress(double fraction);
    void modelLoaded(const QString& description);
    void loadFailed(const QString& message);
    /// What the memory strategy sent: history messages left out (or summarized) and prompt tokens.
    void promptPlanned(qint64 droppedMessages, qint64 promptTokens, qint64 contextTokens);
    void memoryStateChanged(const QString& summary, qint64 covered);
    void textChunk(const QString& text);
    void replyFinished(const QString& reply, double tokensPerSecond, double firstTokenMs, const QString& stopReason);
    void replyFailed(const QString& message);

private:
    std::vector<std::unique_ptr<backend::Backend>> m_backends;
    std::shared_ptr<const Model> m_model;
    std::unique_ptr<Session> m_session;
    std::optional<ModelChatTemplate> m_template; // set with m_model
    std::optional<TokenCounter> m_counter;        // set with m_model
    std::unique_ptr<EngineSummarizer> m_summarizer; // made on first use of a summary strategy
    CancelToken m_cancel;
};

} // namespace quanta::services
