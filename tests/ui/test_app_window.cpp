// SPDX-License-Identifier: MIT
// The whole window, as a user drives it, on the offscreen platform with a tiny synthetic model
// (real engine, real SQLite file, real threads): type and send, a streamed reply, Stop,
// Regenerate, a second conversation, switching back, search, restarting the app and finding the
// conversation again, the estimate panel following type and context, the first-run panel, and
// the GUI thread's event loop never stalling more than 50 ms while the model replies.
#include "chat/chat_view.h"
#include "qt_test_util.h"
#include "widget_test_util.h"
#include "chat_controller.h"
#include "main_window.h"
#include "charts/charts_view.h"
#include "charts/kld_chart.h"
#include "charts/perplexity_chart.h"
#include "panels/estimate_panel.h"
#include "panels/model_bar.h"
#include "studio/quantize_dialog.h"
#include "studio/studio_view.h"
#include "studio_host.h"
#include "sidebar/conversation_sidebar.h"

#include "quanta/gguf.h"
#include "quanta/synth_model.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>

using quanta::ui::ChatController;
using quanta::ui::ChatEntry;
using quanta::ui::ChatView;
using quanta::ui::ConversationSidebar;

namespace {

void typeAndSend(ChatView* view, const QString& text) {
    auto* composer = view->findChild<QPlainTextEdit*>(QStringLiteral("composer"));
    QVERIFY(composer);
    QVERIFY(composer->isEnabled());
    composer->setFocus();
    QTest::keyClicks(composer, text);
    QTest::keyClick(composer, Qt::Key_Return);
}

QAbstractItemView* conversationList(MainWindow& window) {
    return window.sidebar()->findChild<QAbstractItemView*>(QStringLiteral("conversationList"));
}

} // namespace

class TestAppWindow : public QObject {
    Q_OBJECT

    MainWindowOptions options() const {
        MainWindowOptions o;
        o.settingsFile = m_dir.filePath(QStringLiteral("quanta.conf"));
        o.databasePath = m_dir.filePath(QStringLiteral("quanta.db"));
        o.evaluationCachePath = m_dir.filePath(QStringLiteral("evaluations.db"));
        o.modelsFolder = m_dir.filePath(QStringLiteral("models"));
        o.openLastModel = false;
        return o;
    }

    bool waitForReply(MainWindow& window, int timeoutMs = 60000) {
        QSignalSpy ended(window.chatController(), &ChatController::replyEnded);
        return ended.wait(timeoutMs);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("models")));
        m_model = m_dir.filePath(QStringLiteral("models/tiny-Q8_0.gguf"));
        quanta::SynthModelSpec spec;
        spec.n_layer = 4; // slow enough (a few thousand tokens/s) that a reply streams in several chunks
        auto written = quanta::write_synth_model(m_model.toStdString(), spec);
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().message.c_str());
        // Short replies: the context bounds a random model's reply (it rarely says end-of-text).
        QSettings settings(options().settingsFile, QSettings::IniFormat);
        settings.setValue(QStringLiteral("context"), 1024);
        settings.setValue(QStringLiteral("sampling/seed"), 7);
        settings.setValue(QStringLiteral("threads"), 1); // a core left for the GUI thread when ctest runs tests in parallel
    }

    void firstRunOffersTheDefaultModelWhenItIsThere() {
        MainWindowOptions o = options();
        o.modelsFolder = m_dir.filePath(QStringLiteral("empty"));
        {
            MainWindow window(o);
            window.show();
            QVERIFY(window.findChild<QWidget*>(QStringLiteral("welcomePage"))->isVisible());
            QVERIFY(window.findChild<QPushButton*>(QStringLiteral("openModelButton"))->isVisible());
            QVERIFY(!window.findChild<QPushButton*>(QStringLiteral("useDefaultModelButton"))->isVisible());
        }
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("empty")));
        QVERIFY(QFile::copy(m_model, m_dir.filePath(QStringLiteral("empty/SmolLM2-135M-Instruct.Q4_1.gguf"))));
        MainWindow window(o);
        window.show();
        auto* useDefault = window.findChild<QPushButton*>(QStringLiteral("useDefaultModelButton"));
        QVERIFY(useDefault->isVisible());
        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        useDefault->click();
        QVERIFY(loaded.wait(30000));
        QVERIFY(loaded.first().first().toString().endsWith(QStringLiteral("SmolLM2-135M-Instruct.Q4_1.gguf")));
        QVERIFY(window.chatView()->isVisible());
    }

    void chatStopRegenerateSwitchSearchAndRestart() {
        QString firstReply;
        {
            MainWindow window(options());
            window.show();
            QSignalSpy listed(&window, &MainWindow::conversationsReady);
            QVERIFY(listed.wait(10000));
            QSignalSpy loaded(&window, &MainWindow::modelLoaded);
            window.openModel(m_model);
            QVERIFY(loaded.wait(30000));
            ChatView* view = window.chatView();

            // Send with Enter; the reply streams in chunks while the GUI keeps ticking.
            quanta::test::Heartbeat heartbeat;
            int chunksSeen = 0;
            QString lastSeen;
            QTimer poll;
            poll.setInterval(10);
            connect(&poll, &QTimer::timeout, this, [&] {
                if (view->isBusy() && !view->entries().isEmpty() && view->entries().last().text != lastSeen) {
                    lastSeen = view->entries().last().text;
                    ++chunksSeen;
                }
            });
            poll.start();
            typeAndSend(view, QStringLiteral("Tell me about the sea"));
            QVERIFY(view->isBusy());
            QVERIFY(waitForReply(window));
            poll.stop();
            QVERIFY2(heartbeat.longestGap() < 50,
                     qPrintable(QStringLiteral("GUI stalled %1 ms").arg(heartbeat.longestGap())));
            qInfo("reply seen growing %d times; longest GUI gap %lld ms", chunksSeen,
                  static_cast<long long>(heartbeat.longestGap()));
            QVERIFY(chunksSeen >= 2); // streamed, not delivered at the end
            QList<ChatEntry> entries = view->entries();
            QCOMPARE(entries.size(), 2);
            QCOMPARE(entries.at(0).text, QStringLiteral("Tell me about the sea"));
            QCOMPARE(entries.at(1).role, ChatEntry::Role::Assistant);
            QVERIFY(!entries.at(1).text.isEmpty());
            QVERIFY(entries.at(1).tokensPerSecond > 0);
            QVERIFY(entries.at(1).firstTokenMs >= 0);
            firstReply = entries.at(1).text;

            // Regenerate: same number of messages; the seed is fixed, so the text is the same.
            QTRY_VERIFY(window.chatController()->currentConversation() > 0);
            auto* regenerate = view->findChild<QToolButton*>(QStringLiteral("regenerateButton"));
            QVERIFY(regenerate);
            QTest::qWait(200); // the reply's id comes back from the store
            regenerate->click();
            QVERIFY(view->isBusy());
            QVERIFY(waitForReply(window));
            QCOMPARE(view->entries().size(), 2);
            QCOMPARE(view->entries().at(1).text, firstReply);

            // Stop mid-reply.
            QSignalSpy ended(window.chatController(), &ChatController::replyEnded);
            typeAndSend(view, QStringLiteral("And the mountains?"));
            auto* stop = view->findChild<QPushButton*>(QStringLiteral("stopButton"));
            QVERIFY(stop);
            QTRY_VERIFY(!view->entries().last().text.isEmpty());
            QVERIFY(stop->isVisible());
            stop->click();
            QVERIFY(ended.wait(10000));
            QCOMPARE(view->entries().size(), 4);
            QCOMPARE(view->entries().last().stopReason, QStringLiteral("cancelled"));
            const qint64 first = window.chatController()->currentConversation();

            // A second conversation, then back to the first.
            window.sidebar()->findChild<QPushButton*>(QStringLiteral("newConversationButton"))->click();
            QCOMPARE(view->entries().size(), 0);
            typeAndSend(view, QStringLiteral("Quantization question"));
            QVERIFY(waitForReply(window));
            QTRY_VERIFY(window.chatController()->currentConversation() > 0);
            QVERIFY(window.chatController()->currentConversation() != first);
            QTRY_COMPARE(conversationList(window)->model()->rowCount(), 2);
            window.chatController()->openConversation(first);
            QTRY_COMPARE(view->entries().size(), 4);
            QCOMPARE(view->entries().at(0).text, QStringLiteral("Tell me about the sea"));
            QCOMPARE(view->entries().at(1).text, firstReply);

            // Search as you type finds the first conversation by its content.
            auto* search = window.sidebar()->findChild<QLineEdit*>(QStringLiteral("conversationSearch"));
            QTest::keyClicks(search, QStringLiteral("mountains"));
            QTRY_COMPARE(conversationList(window)->model()->rowCount(), 1);
            QTRY_VERIFY(conversationList(window)->model()->index(0, 0).data().toString().contains(
                QStringLiteral("mountains")) ||
                        conversationList(window)
                            ->model()
                            ->index(0, 0)
                            .data(Qt::ToolTipRole)
                            .toString()
                            .contains(QStringLiteral("mountains")));
            search->clear();
            QTRY_COMPARE(conversationList(window)->model()->rowCount(), 2);
        }
        // Restart: the conversations are still there and open with their messages.
        MainWindow window(options());
        window.show();
        QSignalSpy listed(&window, &MainWindow::conversationsReady);
        QVERIFY(listed.wait(10000));
        QAbstractItemView* list = conversationList(window);
        QCOMPARE(list->model()->rowCount(), 2);
        // Most recently updated first: the second conversation, then the first.
        list->setCurrentIndex(list->model()->index(1, 0));
        QTRY_COMPARE(window.chatView()->entries().size(), 4);
        QCOMPARE(window.chatView()->entries().at(0).text, QStringLiteral("Tell me about the sea"));
        QCOMPARE(window.chatView()->entries().at(1).text, firstReply);
        QVERIFY(window.chatView()->entries().at(1).tokensPerSecond > 0);
    }

    void estimatePanelFollowsTypeAndContext() {
        MainWindow window(options());
        window.show();
        quanta::ui::EstimatePanel* panel = window.estimatePanel();
        QSignalSpy updated(panel, &quanta::ui::EstimatePanel::estimateUpdated);
        QSignalSpy inspected(&window, &MainWindow::modelInspected);
        window.openModel(m_model);
        QVERIFY(inspected.wait(30000));
        QTRY_VERIFY(panel->currentEstimate().has_value());
        const auto asIs = *panel->currentEstimate();

        auto* type = panel->findChild<QComboBox*>(QStringLiteral("estimateType"));
        updated.clear();
        type->setCurrentText(QStringLiteral("NF4"));
        QVERIFY(updated.wait(10000));
        QCOMPARE(QString::fromStdString(panel->currentEstimate()->type), QStringLiteral("NF4"));
        QVERIFY(panel->currentEstimate()->file_bytes < asIs.file_bytes);

        auto* context = panel->findChild<QSpinBox*>(QStringLiteral("estimateContext"));
        const uint64_t kvBefore = panel->currentEstimate()->kv_bytes;
        updated.clear();
        context->setValue(context->value() * 2);
        QVERIFY(updated.wait(10000));
        QCOMPARE(panel->currentEstimate()->kv_bytes, 2 * kvBefore);
        QVERIFY(!panel->verdictText().isEmpty());
    }

    // Issue 7's path through the real window: a model dropped on the window, NF4 and Q8_0 ticked,
    // both quantized and measured, the Quality charts showing exactly what the evaluator measured,
    // and a restarted window showing them again from the cache without measuring.
    void dropQuantizeMeasureAndChart() {
        const QString source = m_dir.filePath(QStringLiteral("studio/src-F16.gguf"));
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("studio")));
        quanta::SynthModelSpec spec;
        spec.tied_output = false; // a model whose quantizations differ measurably
        QCOMPARE(quanta::test::writeF16Model(source, spec), QString());
        const QString text = m_dir.filePath(QStringLiteral("studio/text.txt"));
        QVERIFY(quanta::test::writeFile(text, quanta::test::evaluationText()));

        QList<quanta::services::EvaluationResult> measured;
        {
            MainWindow window(options());
            window.show();
            auto* studio = window.studio()->studioView();
            studio->setEvaluation(text, QStringLiteral("en"), 128, 4);
            QSignalSpy opened(studio, &quanta::ui::StudioView::dialogOpened);
            QSignalSpy evaluated(studio, &quanta::ui::StudioView::evaluationFinished);
            QVERIFY(quanta::test::dropFile(&window, source));
            QVERIFY2(opened.wait(10000), qPrintable(studio->errorText()));
            quanta::ui::QuantizeDialog* dialog = studio->currentDialog();
            QTRY_VERIFY_WITH_TIMEOUT(dialog->hasPredictions(), 20000);
            for (const QString& type : dialog->types())
                dialog->setChecked(type, type == QLatin1String("NF4") || type == QLatin1String("Q8_0"));
            QCOMPARE(dialog->jobs().size(), 2);
            dialog->accept();
            QTRY_COMPARE_WITH_TIMEOUT(evaluated.size(), 2, 120000);

            auto* charts = window.studio()->chartsView();
            QSet<QString> types;
            for (const QList<QVariant>& args : evaluated) {
                const auto result = args.at(0).value<quanta::services::EvaluationResult>();
                const auto sourceResult = args.at(1).value<quanta::services::EvaluationResult>();
                QVERIFY(quanta::GgufFile::open(QFile::encodeName(result.modelPath).toStdString()).ok());
                QVERIFY(result.ppl > 1.0);
                QVERIFY(result.hasKld);
                measured << result;
                types << result.type;
                // The plotted PPL of each type is the evaluator's number, error bars included.
                bool plotted = false;
                for (const auto& [type, ppl] : charts->perplexityChart()->plottedPpl())
                    if (type == result.type) {
                        QCOMPARE(ppl, result.ppl);
                        plotted = true;
                    }
                QVERIFY2(plotted, qPrintable(result.type));
                const quanta::services::KldSummary kld = charts->kldChart()->plottedKld(result.type);
                QCOMPARE(kld.median, result.kld.median);
                QCOMPARE(kld.p99, result.kld.p99);
                bool sourcePlotted = false;
                for (const auto& [type, ppl] : charts->perplexityChart()->plottedPpl())
                    sourcePlotted = sourcePlotted || (type == sourceResult.type && ppl == sourceResult.ppl);
                QVERIFY(sourcePlotted);
            }
            QCOMPARE(types, (QSet<QString>{QStringLiteral("NF4"), QStringLiteral("Q8_0")}));
            QCOMPARE(charts->perplexityChart()->plottedPpl().size(), 3); // F16 source, Q8_0, NF4
            // The new files are offered for comparison and chat.
            QTRY_VERIFY(window.modelBar()->families().size() >= 2);
        }
        // Reopened: the charts come from the cache (nothing is measured again).
        MainWindow window(options());
        QSignalSpy cached(window.studio(), &quanta::ui::StudioHost::cachedResultsLoaded);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(!cached.isEmpty() && cached.last().first().toInt() >= 3, 10000);
        for (const auto& result : std::as_const(measured)) {
            bool found = false;
            for (const auto& [type, ppl] : window.studio()->chartsView()->perplexityChart()->plottedPpl())
                found = found || (type == result.type && ppl == result.ppl);
            QVERIFY2(found, qPrintable(result.type));
        }
    }

private:
    QTemporaryDir m_dir;
    QString m_model;
};

QTEST_MAIN(TestAppWindow)
#include "test_app_window.moc"
