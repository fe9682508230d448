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
// Thread-safety: stop() from any thread; every other member only on the worker's thread.
#pragma once

#include "quanta/backend/backend.h"
#include "quanta/chat_template.h"
#include "quanta/engine.h"

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
};

struct ReplyOptions {
    int64_t n_predict = -1;     ///< < 0: until the model stops or the context is full
    SamplerParams sampling;
};

class EngineWorker : public QObject {
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds kChunkInterval{30};

    explicit EngineWorker(QObject* parent = nullptr);
    ~EngineWorker() override;

    /// Ends the running reply at its next token (replyFinished then says "cancelled").
    void stop() { m_cancel.cancel(); }

    /// Load a model (replacing the current one). Emits modelLoaded or loadFailed.
    void loadModel(const QString& path, const EngineLoadOptions& options);
    /// Render `messages` with the model's chat template and generate the assistant's reply.
    /// Emits textChunk (zero or more times), then replyFinished or replyFailed. The KV cache
    /// keeps the previous prompt, so only what changed is decoded.
    void reply(const std::vector<ChatMessage>& messages, const ReplyOptions& options);

signals:
    void modelLoaded(const QString& description);
    void loadFailed(const QString& message);
    void textChunk(const QString& text);
    void replyFinished(const QString& reply, double tokensPerSecond, double firstTokenMs, const QString& stopReason);
    void replyFailed(const QString& message);

private:
    std::vector<std::unique_ptr<backend::Backend>> m_backends;
    std::shared_ptr<const Model> m_model;
    std::unique_ptr<Session> m_session;
    std::optional<ModelChatTemplate> m_template; // set with m_model
    CancelToken m_cancel;
};

} // namespace quanta::services
