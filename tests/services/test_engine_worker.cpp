// SPDX-License-Identifier: MIT
// EngineWorker on its own QThread with a tiny synthetic model: load errors, a streamed reply
// whose chunks add up to the reply, Stop mid-reply, and the GUI thread's event loop never
// stalling while the engine runs (a 5 ms timer must keep ticking: no gap over 50 ms).
#include "engine_worker.h"
#include "qt_test_util.h"

#include "quanta/synth_model.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest>

using namespace quanta;
using namespace quanta::services;

// The workers emit from their own thread, and QSignalSpy records at once: a signal may already
// be there before wait() starts (wait() only counts new ones), hence "size() > 0 || wait()".
class TestEngineWorker : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        SynthModelSpec spec; // 256 wide, 2 layers: thousands of tokens per second
        spec.n_vocab = 512;
        m_model = m_dir.filePath(QStringLiteral("tiny.gguf"));
        auto written = write_synth_model(m_model.toStdString(), spec);
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().message.c_str());
        m_worker = new EngineWorker;
        m_worker->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        m_thread.start();
    }

    void cleanupTestCase() {
        m_worker->stop();
        m_thread.quit();
        m_thread.wait();
    }

    void missingModelIsAnError() {
        QSignalSpy failed(m_worker, &EngineWorker::loadFailed);
        QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->loadModel(QStringLiteral("/nonexistent.gguf"), {}); });
        QVERIFY(failed.size() > 0 || failed.wait(10000));
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("nonexistent")));
    }

    void loads() {
        QSignalSpy loaded(m_worker, &EngineWorker::modelLoaded);
        QMetaObject::invokeMethod(m_worker, [w = m_worker, path = m_model] { w->loadModel(path, {2, 4096}); });
        QVERIFY(loaded.size() > 0 || loaded.wait(10000));
        QVERIFY(loaded.first().first().toString().contains(QStringLiteral("context 4096")));
    }

    void streamsAReplyInChunksWithoutStallingTheGui() {
        QString streamed;
        int chunks = 0;
        auto c = connect(m_worker, &EngineWorker::textChunk, this, [&](const QString& t) {
            QCOMPARE(QThread::currentThread(), thread()); // delivered on the GUI thread
            streamed += t;
            ++chunks;
        });
        // The GUI thread's heartbeat: the longest gap between ticks while the engine works.
        quanta::test::Heartbeat heartbeat;

        QSignalSpy finished(m_worker, &EngineWorker::replyFinished);
        ReplyOptions options;
        options.n_predict = 1500;
        options.sampling.temperature = 0.0f;
        QMetaObject::invokeMethod(m_worker, [w = m_worker, options] {
            w->reply({{"system", "You are terse."}, {"user", "Count to ten."}}, options);
        });
        QVERIFY(finished.size() > 0 || finished.wait(60000));
        heartbeat.stop();
        const qint64 longest_gap = heartbeat.longestGap();
        disconnect(c);
        const QList<QVariant> args = finished.first();
        QCOMPARE(streamed, args.at(0).toString());   // the chunks are the reply, in order
        QVERIFY(chunks >= 2);
        QVERIFY2(args.at(1).toDouble() > 0.0, "tokens per second");
        QVERIFY(args.at(2).toDouble() >= 0.0);
        QCOMPARE(args.at(3).toString(), QStringLiteral("length"));
        qInfo("reply: %lld characters in %d chunks; longest GUI gap %lld ms", static_cast<long long>(streamed.size()),
              chunks, static_cast<long long>(longest_gap));
        QVERIFY2(longest_gap < 50, qPrintable(QStringLiteral("GUI stalled %1 ms").arg(longest_gap)));
    }

    void stopEndsTheReply() {
        QSignalSpy finished(m_worker, &EngineWorker::replyFinished);
        auto c = connect(m_worker, &EngineWorker::textChunk, this, [w = m_worker] { w->stop(); },
                         Qt::SingleShotConnection);
        ReplyOptions options;
        options.n_predict = 3000;
        QMetaObject::invokeMethod(m_worker, [w = m_worker, options] { w->reply({{"user", "Tell me a story."}}, options); });
        QVERIFY(finished.size() > 0 || finished.wait(60000));
        disconnect(c);
        QCOMPARE(finished.first().at(3).toString(), QStringLiteral("cancelled"));
        QVERIFY(finished.first().at(0).toString().size() < 3000 * 4);
    }

    void windowMemorySendsOnlyTheNewestExchange() {
        QSignalSpy planned(m_worker, &EngineWorker::promptPlanned);
        QSignalSpy finished(m_worker, &EngineWorker::replyFinished);
        ReplyOptions options;
        options.n_predict = 4;
        options.memory = {MemoryStrategy::Kind::Window, 0};
        const std::vector<ChatMessage> conversation = {
            {"system", "Be brief."}, {"user", "one"}, {"assistant", "1"}, {"user", "two"}, {"assistant", "2"},
            {"user", "three"}};
        QMetaObject::invokeMethod(m_worker, [w = m_worker, options, conversation] { w->reply(conversation, options); });
        QVERIFY(finished.size() > 0 || finished.wait(60000));
        QCOMPARE(planned.size(), 1);
        QCOMPARE(planned.first().at(0).toLongLong(), 4); // the two earlier exchanges
        QVERIFY(planned.first().at(1).toLongLong() > 0);
        QCOMPARE(planned.first().at(2).toLongLong(), 4096);
    }

    void aMessageLargerThanTheContextIsAReadableError() {
        QSignalSpy failed(m_worker, &EngineWorker::replyFailed);
        const std::string huge(40000, 'x');
        QMetaObject::invokeMethod(m_worker, [w = m_worker, huge] { w->reply({{"user", huge}}, {}); });
        QVERIFY(failed.size() > 0 || failed.wait(60000));
        QVERIFY2(failed.first().first().toString().startsWith(QStringLiteral("The message does not fit the context of 4096 tokens")),
                 qPrintable(failed.first().first().toString()));
    }

private:
    QTemporaryDir m_dir;
    QString m_model;
    QThread m_thread;
    EngineWorker* m_worker = nullptr; // lives on m_thread; deleted when it finishes
};

QTEST_GUILESS_MAIN(TestEngineWorker)
#include "test_engine_worker.moc"
