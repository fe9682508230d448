// SPDX-License-Identifier: MIT
// StoreWorker on its own QThread over a real database in a temporary folder: calls before open
// and a damaged file fail with readable messages; create, append (statistics round-trip), the
// automatic title from the first user message, list order and counts, load, rename, search with
// titles and UTF-16 match offsets (Korean included), delete and undo, deleteMessagesFrom with the
// memory state reset. Every signal is recorded on the test's thread (queued), so the order of
// signals is checked too and nothing is read while the worker writes it.
#include "store_worker.h"

#include <QFile>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <functional>

using namespace quanta::services;

class TestStoreWorker : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QThread m_thread;
    StoreWorker* m_worker = nullptr;

    // What the worker said, in order, recorded on this thread.
    QStringList m_events;
    QString m_failedOperation;
    QString m_failedMessage;
    QList<ConversationRow> m_listed;
    qint64 m_created = 0;
    qint64 m_appendedMessage = 0;
    ConversationInfo m_loadedInfo;
    QList<StoredMessage> m_loadedMessages;
    QString m_loadedSummary;
    qint64 m_loadedCovered = -1;
    qint64 m_deletedCount = -1;
    qint64 m_deletedConversation = 0;
    QString m_deletedTitle;
    QString m_searchQuery;
    QList<SearchRow> m_hits;

    qint64 m_busan = 0;  // the first conversation
    qint64 m_korean = 0; // the second

    /// Runs `call` on the worker's thread after forgetting the previous events.
    void call(std::function<void(StoreWorker*)> call) {
        m_events.clear();
        QMetaObject::invokeMethod(m_worker, [w = m_worker, call] { call(w); });
    }

    static StoredMessage message(const QString& role, const QString& content) {
        StoredMessage m;
        m.role = role;
        m.content = content;
        return m;
    }

    const ConversationRow* listed(qint64 id) const {
        for (const ConversationRow& row : m_listed)
            if (row.id == id)
                return &row;
        return nullptr;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_worker = new StoreWorker;
        m_worker->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        // `this` as context: queued onto the test's thread, in the order emitted.
        connect(m_worker, &StoreWorker::opened, this, [this] { m_events << QStringLiteral("opened"); });
        connect(m_worker, &StoreWorker::failed, this, [this](const QString& operation, const QString& message) {
            m_failedOperation = operation;
            m_failedMessage = message;
            m_events << QStringLiteral("failed");
        });
        connect(m_worker, &StoreWorker::conversationsListed, this, [this](const QList<ConversationRow>& rows) {
            QCOMPARE(QThread::currentThread(), thread());
            m_listed = rows;
            m_events << QStringLiteral("listed");
        });
        connect(m_worker, &StoreWorker::conversationCreated, this, [this](qint64 id) {
            m_created = id;
            m_events << QStringLiteral("created");
        });
        connect(m_worker, &StoreWorker::messageAppended, this, [this](qint64, qint64 messageId) {
            m_appendedMessage = messageId;
            m_events << QStringLiteral("appended");
        });
        connect(m_worker, &StoreWorker::conversationLoaded, this,
                [this](const ConversationInfo& info, const QList<StoredMessage>& messages, const QString& summary,
                       qint64 covered) {
                    m_loadedInfo = info;
                    m_loadedMessages = messages;
                    m_loadedSummary = summary;
                    m_loadedCovered = covered;
                    m_events << QStringLiteral("loaded");
                });
        connect(m_worker, &StoreWorker::messagesDeleted, this, [this](qint64, qint64 count) {
            m_deletedCount = count;
            m_events << QStringLiteral("messagesDeleted");
        });
        connect(m_worker, &StoreWorker::conversationDeleted, this, [this](qint64 id, const QString& title) {
            m_deletedConversation = id;
            m_deletedTitle = title;
            m_events << QStringLiteral("deleted");
        });
        connect(m_worker, &StoreWorker::searchFinished, this, [this](const QString& query, const QList<SearchRow>& hits) {
            m_searchQuery = query;
            m_hits = hits;
            m_events << QStringLiteral("searched");
        });
        m_thread.start();
    }

    void cleanupTestCase() {
        m_thread.quit();
        m_thread.wait();
    }

    void defaultPathIsTheCliFile() {
        QVERIFY(StoreWorker::defaultDatabasePath().endsWith(QStringLiteral("/quanta/quanta.db")));
    }

    void callsBeforeOpenFail() {
        call([](StoreWorker* w) { w->listConversations(); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("failed")});
        QCOMPARE(m_failedOperation, QStringLiteral("list"));
        QCOMPARE(m_failedMessage, QStringLiteral("The conversation database is not open."));
        call([](StoreWorker* w) { w->appendMessage(1, message(QStringLiteral("user"), QStringLiteral("hi"))); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("failed")});
        QCOMPARE(m_failedOperation, QStringLiteral("append"));
    }

    void damagedFileFails() {
        const QString path = m_dir.filePath(QStringLiteral("garbage.db"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray garbage;
        for (int i = 0; i < 8192; ++i)
            garbage.append(static_cast<char>((i * 7919 + 13) % 251));
        file.write(garbage);
        file.close();
        call([path](StoreWorker* w) { w->open(path); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("failed")});
        QCOMPARE(m_failedOperation, QStringLiteral("open"));
        QVERIFY2(m_failedMessage.startsWith(QStringLiteral("Could not open the conversation database ") + path +
                                            QStringLiteral(": the file is damaged")),
                 qPrintable(m_failedMessage));
        // Untouched, and the worker is still not open.
        QFile reread(path);
        QVERIFY(reread.open(QIODevice::ReadOnly));
        QCOMPARE(reread.readAll(), garbage);
        call([](StoreWorker* w) { w->search(QStringLiteral("x")); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("failed")});
        QCOMPARE(m_failedOperation, QStringLiteral("search"));
        QCOMPARE(m_failedMessage, QStringLiteral("The conversation database is not open."));
    }

    void opensAndCreatesTheFolder() {
        const QString path = m_dir.filePath(QStringLiteral("data/quanta/quanta.db"));
        call([path](StoreWorker* w) { w->open(path); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("opened")});
        QVERIFY(QFile::exists(path));
        call([](StoreWorker* w) { w->listConversations(); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("listed")});
        QCOMPARE(m_listed.size(), 0);
    }

    void createsAndTitlesFromTheFirstUserMessage() {
        ConversationInfo draft;
        draft.modelFile = QStringLiteral("/models/SmolLM2.gguf");
        draft.modelType = QStringLiteral("Q4_K_M");
        draft.memoryStrategy = QStringLiteral("summary");
        draft.systemPrompt = QStringLiteral("You are helpful.");
        call([draft](StoreWorker* w) { w->createConversation(draft); });
        QTRY_COMPARE(m_events, (QStringList{QStringLiteral("created"), QStringLiteral("listed")}));
        m_busan = m_created;
        QVERIFY(m_busan > 0);
        QCOMPARE(m_listed.size(), 1);
        QCOMPARE(m_listed[0].id, m_busan);
        QCOMPARE(m_listed[0].title, QString());
        QCOMPARE(m_listed[0].messageCount, 0);

        call([id = m_busan](StoreWorker* w) {
            w->appendMessage(id, message(QStringLiteral("user"), QStringLiteral("\n  Plan a trip to Busan  \nwith days")));
        });
        QTRY_COMPARE(m_events, (QStringList{QStringLiteral("appended"), QStringLiteral("listed")}));
        const qint64 first_user = m_appendedMessage;
        QVERIFY(first_user > 0);
        QCOMPARE(m_listed[0].title, QStringLiteral("Plan a trip to Busan"));
        QCOMPARE(m_listed[0].messageCount, 1);

        StoredMessage reply = message(QStringLiteral("assistant"), QStringLiteral("Day 1: Haeundae beach."));
        reply.tokenCount = 7;
        reply.tokensPerSecond = 42.5;
        reply.firstTokenMs = 120.25;
        reply.modelFile = QStringLiteral("/models/SmolLM2.gguf");
        reply.modelType = QStringLiteral("Q4_K_M");
        reply.hasStats = true;
        call([id = m_busan, reply](StoreWorker* w) { w->appendMessage(id, reply); });
        QTRY_COMPARE(m_events, (QStringList{QStringLiteral("appended"), QStringLiteral("listed")}));
        QCOMPARE(m_appendedMessage, first_user + 1);

        // A later user message does not retitle.
        call([id = m_busan](StoreWorker* w) {
            w->appendMessage(id, message(QStringLiteral("user"), QStringLiteral("What about food?")));
        });
        QTRY_COMPARE(m_events, (QStringList{QStringLiteral("appended"), QStringLiteral("listed")}));
        QCOMPARE(m_listed[0].title, QStringLiteral("Plan a trip to Busan"));
        QCOMPARE(m_listed[0].messageCount, 3);

        call([id = m_busan](StoreWorker* w) { w->loadConversation(id); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("loaded")});
        QCOMPARE(m_loadedInfo.id, m_busan);
        QCOMPARE(m_loadedInfo.title, QStringLiteral("Plan a trip to Busan"));
        QCOMPARE(m_loadedInfo.modelFile, QStringLiteral("/models/SmolLM2.gguf"));
        QCOMPARE(m_loadedInfo.modelType, QStringLiteral("Q4_K_M"));
        QCOMPARE(m_loadedInfo.memoryStrategy, QStringLiteral("summary"));
        QCOMPARE(m_loadedInfo.systemPrompt, QStringLiteral("You are helpful."));
        QCOMPARE(m_loadedMessages.size(), 3);
        QCOMPARE(m_loadedMessages[0].id, first_user);
        QCOMPARE(m_loadedMessages[0].role, QStringLiteral("user"));
        QCOMPARE(m_loadedMessages[0].content, QStringLiteral("\n  Plan a trip to Busan  \nwith days"));
        QCOMPARE(m_loadedMessages[0].hasStats, false);
        const StoredMessage& got = m_loadedMessages[1];
        QCOMPARE(got.role, QStringLiteral("assistant"));
        QCOMPARE(got.content, QStringLiteral("Day 1: Haeundae beach."));
        QCOMPARE(got.tokenCount, 7);
        QCOMPARE(got.hasStats, true);
        QCOMPARE(got.tokensPerSecond, 42.5);
        QCOMPARE(got.firstTokenMs, 120.25);
        QCOMPARE(got.modelFile, QStringLiteral("/models/SmolLM2.gguf"));
        QCOMPARE(got.modelType, QStringLiteral("Q4_K_M"));
        QCOMPARE(m_loadedMessages[2].content, QStringLiteral("What about food?"));
        QCOMPARE(m_loadedSummary, QString());
        QCOMPARE(m_loadedCovered, 0);
    }

    void longFirstMessageTitleIsCut() {
        QCOMPARE(StoreWorker::titleFromMessage(QStringLiteral("short")), QStringLiteral("short"));
        call([](StoreWorker* w) { w->createConversation({}); });
        QTRY_COMPARE(m_events, (QStringList{QStringLiteral("created"), QStringLiteral("listed")}));
        m_korean = m_created;
        const QString long_line = QStringLiteral("오늘 바다에 갔어요 ") + QString(60, QLatin1Char('x'));
        call([id = m_korean, long_line](StoreWorker* w) {
            w->appendMessage(id, message(QStringLiteral("user"), long_line + QStringLiteral("\nsecond line")));
        });
        QTRY_COMPARE(m_events, (QStringList{QStringLiteral("appended"), QStringLiteral("listed")}));
        // Newest first, with counts.
        QCOMPARE(m_listed.size(), 2);
        QCOMPARE(m_listed[0].id, m_korean);
        QCOMPARE(m_listed[0].messageCount, 1);
        QCOMPARE(m_listed[1].id, m_busan);
        QCOMPARE(m_listed[1].messageCount, 3);
        QVERIFY(m_listed[0].updated >= m_listed[1].updated);
        const QString title = m_listed[0].title;
        QCOMPARE(title.size(), 48);
        QCOMPARE(title, long_line.left(47) + QChar(0x2026));
    }

    void renames() {
        call([id = m_busan](StoreWorker* w) { w->renameConversation(id, QStringLiteral("  Busan trip ")); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("listed")});
        QCOMPARE(m_listed[0].id, m_busan); // renaming is a change: to the top
        QCOMPARE(m_listed[0].title, QStringLiteral("Busan trip"));
    }

    void searchFindsTitlesAndUtf16Offsets() {
        call([](StoreWorker* w) { w->search(QStringLiteral("바다")); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("searched")});
        QCOMPARE(m_searchQuery, QStringLiteral("바다"));
        QCOMPARE(m_hits.size(), 1);
        const SearchRow& hit = m_hits[0];
        QCOMPARE(hit.conversationId, m_korean);
        QCOMPARE(hit.title, QStringLiteral("오늘 바다에 갔어요 ") + QString(36, QLatin1Char('x')) + QChar(0x2026));
        QVERIFY(hit.snippet.startsWith(QStringLiteral("오늘 바다에 갔어요 xxx")));
        QCOMPARE(hit.matchStart, 3);
        QCOMPARE(hit.matchLength, 2);
        QCOMPARE(hit.snippet.mid(hit.matchStart, hit.matchLength), QStringLiteral("바다"));

        // A cut snippet ("…" + 30 characters before the match), through the trigram index.
        const QString text = QString(40, QChar(0xAC00)) + QStringLiteral(" 등대지기 HARBOUR lights");
        call([id = m_korean, text](StoreWorker* w) { w->appendMessage(id, message(QStringLiteral("assistant"), text)); });
        QTRY_COMPARE(m_events, (QStringList{QStringLiteral("appended"), QStringLiteral("listed")}));
        call([](StoreWorker* w) { w->search(QStringLiteral("등대지기")); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("searched")});
        QCOMPARE(m_hits.size(), 1);
        QCOMPARE(m_hits[0].messageId, m_appendedMessage);
        QVERIFY(m_hits[0].snippet.startsWith(QChar(0x2026)));
        QCOMPARE(m_hits[0].matchStart, 31);
        QCOMPARE(m_hits[0].matchLength, 4);
        QCOMPARE(m_hits[0].snippet.mid(m_hits[0].matchStart, m_hits[0].matchLength), QStringLiteral("등대지기"));

        // Case-insensitive, hits in both conversations, each with its title.
        call([](StoreWorker* w) { w->search(QStringLiteral("harbour")); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("searched")});
        QCOMPARE(m_hits.size(), 1);
        QCOMPARE(m_hits[0].snippet.mid(m_hits[0].matchStart, m_hits[0].matchLength), QStringLiteral("HARBOUR"));
        call([](StoreWorker* w) { w->search(QStringLiteral("a")); }); // 3 Busan messages, the "HARBOUR" reply
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("searched")});
        QCOMPARE(m_hits.size(), 4);
        int busan_hits = 0;
        for (const SearchRow& row : m_hits)
            if (row.conversationId == m_busan) {
                ++busan_hits;
                QCOMPARE(row.title, QStringLiteral("Busan trip"));
            }
        QCOMPARE(busan_hits, 3);
    }

    void deleteMessagesFromResetsAnOutdatedSummary() {
        call([id = m_busan](StoreWorker* w) { w->setMemoryState(id, QStringLiteral("A Busan trip."), 2); });
        call([id = m_busan](StoreWorker* w) { w->loadConversation(id); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("loaded")});
        QCOMPARE(m_loadedSummary, QStringLiteral("A Busan trip."));
        QCOMPARE(m_loadedCovered, 2);
        const qint64 last_user = m_loadedMessages[2].id;
        const qint64 first_reply = m_loadedMessages[1].id;

        // Edit-and-resend of the last user message: 2 history messages remain, the summary stays.
        call([id = m_busan, last_user](StoreWorker* w) { w->deleteMessagesFrom(id, last_user); });
        QTRY_COMPARE(m_events, (QStringList{QStringLiteral("messagesDeleted"), QStringLiteral("listed")}));
        QCOMPARE(m_deletedCount, 1);
        QCOMPARE(listed(m_busan)->messageCount, 2);

        // Regenerate the first reply: 1 remains, the summary of 2 is reset.
        call([id = m_busan, first_reply](StoreWorker* w) { w->deleteMessagesFrom(id, first_reply); });
        QTRY_COMPARE(m_events, (QStringList{QStringLiteral("messagesDeleted"), QStringLiteral("listed")}));
        QCOMPARE(m_deletedCount, 1);
        call([id = m_busan](StoreWorker* w) { w->loadConversation(id); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("loaded")});
        QCOMPARE(m_loadedMessages.size(), 1);
        QCOMPARE(m_loadedMessages[0].role, QStringLiteral("user"));
        QCOMPARE(m_loadedSummary, QString());
        QCOMPARE(m_loadedCovered, 0);
        call([](StoreWorker* w) { w->search(QStringLiteral("Haeundae")); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("searched")});
        QCOMPARE(m_hits.size(), 0);

        // A message of another conversation: NotFound, readable.
        call([id = m_busan, other = m_appendedMessage](StoreWorker* w) { w->deleteMessagesFrom(id, other); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("failed")});
        QCOMPARE(m_failedOperation, QStringLiteral("deleteMessages"));
        QVERIFY2(m_failedMessage.startsWith(QStringLiteral("Could not delete the messages: no message with id")),
                 qPrintable(m_failedMessage));
    }

    void deleteAndUndelete() {
        call([id = m_busan](StoreWorker* w) { w->deleteConversation(id); });
        QTRY_COMPARE(m_events, (QStringList{QStringLiteral("deleted"), QStringLiteral("listed")}));
        QCOMPARE(m_deletedConversation, m_busan);
        QCOMPARE(m_deletedTitle, QStringLiteral("Busan trip"));
        QCOMPARE(m_listed.size(), 1);
        QCOMPARE(m_listed[0].id, m_korean);
        call([](StoreWorker* w) { w->search(QStringLiteral("Busan")); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("searched")});
        QCOMPARE(m_hits.size(), 0);

        call([id = m_busan](StoreWorker* w) { w->undeleteConversation(id); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("listed")});
        QCOMPARE(m_listed.size(), 2);
        QVERIFY(listed(m_busan) != nullptr);
        QCOMPARE(listed(m_busan)->title, QStringLiteral("Busan trip"));
        call([](StoreWorker* w) { w->search(QStringLiteral("Busan")); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("searched")});
        QCOMPARE(m_hits.size(), 1);

        call([](StoreWorker* w) { w->loadConversation(98765); });
        QTRY_COMPARE(m_events, QStringList{QStringLiteral("failed")});
        QCOMPARE(m_failedOperation, QStringLiteral("load"));
        QCOMPARE(m_failedMessage, QStringLiteral("Could not load the conversation: no conversation with id 98765"));
    }
};

QTEST_MAIN(TestStoreWorker)
#include "test_store_worker.moc"
