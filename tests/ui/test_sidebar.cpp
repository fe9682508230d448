// SPDX-License-Identifier: MIT
// ConversationSidebar on the offscreen platform: rows from setConversations, the debounced search
// request, title matches and snippet hits while a query is active, selection by click and by code,
// rename through the model, Delete key, and the undo bar.
#include "sidebar/conversation_list_model.h"
#include "sidebar/conversation_sidebar.h"

#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include <memory>

using namespace quanta::services;
using namespace quanta::ui;

class TestSidebar : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<ConversationSidebar> m_sidebar;
    QLineEdit* m_search = nullptr;
    QListView* m_list = nullptr;

    ConversationListModel* model() const { return m_sidebar->model(); }
    QString displayAt(int row) const { return model()->index(row).data(Qt::DisplayRole).toString(); }
    qint64 idAt(int row) const {
        return model()->index(row).data(ConversationListModel::ConversationIdRole).toLongLong();
    }

    static QList<ConversationRow> threeConversations() {
        const QDateTime now = QDateTime::currentDateTime();
        return {{12, QStringLiteral("Busan trip"), now.addSecs(-30), 4},
                {7, QStringLiteral("Bus schedule"), now.addSecs(-2 * 3600), 2},
                {3, QStringLiteral("Cooking"), now.addDays(-3), 6}};
    }

private slots:
    void init() {
        m_sidebar = std::make_unique<ConversationSidebar>();
        m_sidebar->resize(300, 600);
        m_sidebar->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_sidebar.get()));
        m_search = m_sidebar->findChild<QLineEdit*>(QStringLiteral("conversationSearch"));
        m_list = m_sidebar->findChild<QListView*>(QStringLiteral("conversationList"));
        QVERIFY(m_search != nullptr);
        QVERIFY(m_list != nullptr);
        QVERIFY(m_sidebar->findChild<QPushButton*>(QStringLiteral("newConversationButton")) != nullptr);
        m_sidebar->setConversations(threeConversations());
    }

    void cleanup() { m_sidebar.reset(); }

    void showsTheConversations() {
        QCOMPARE(m_search->placeholderText(), QStringLiteral("Search conversations"));
        QVERIFY(m_search->isClearButtonEnabled());
        QCOMPARE(model()->rowCount(), 3);
        QCOMPARE(idAt(0), 12);
        QCOMPARE(idAt(1), 7);
        QCOMPARE(idAt(2), 3);
        QVERIFY(displayAt(0).startsWith(QStringLiteral("Busan trip\n")));
        QCOMPARE(displayAt(0), QStringLiteral("Busan trip\njust now"));
        QCOMPARE(model()->index(2).data(ConversationListModel::MessageCountRole).toLongLong(), 6);

        const QDateTime now = QDateTime::currentDateTime();
        QCOMPARE(ConversationListModel::relativeTime(now.addSecs(-10), now), QStringLiteral("just now"));
        QCOMPARE(ConversationListModel::relativeTime(now.addSecs(-5 * 60), now), QStringLiteral("5 minute(s) ago"));
        QCOMPARE(ConversationListModel::relativeTime(now.addDays(-1), now), QStringLiteral("yesterday"));
        QCOMPARE(ConversationListModel::relativeTime(now.addDays(-3), now), QStringLiteral("3 day(s) ago"));

        QSignalSpy requested(m_sidebar.get(), &ConversationSidebar::newConversationRequested);
        QTest::mouseClick(m_sidebar->findChild<QPushButton*>(QStringLiteral("newConversationButton")), Qt::LeftButton);
        QCOMPARE(requested.count(), 1);
    }

    void typingRequestsOneSearchAfterThePause() {
        QSignalSpy requested(m_sidebar.get(), &ConversationSidebar::searchRequested);
        QTest::keyClicks(m_search, QStringLiteral("bus"));
        QCOMPARE(requested.count(), 0); // not per key
        // Titles are filtered at once, case-insensitively, before the store answers.
        QCOMPARE(model()->rowCount(), 2);
        QCOMPARE(idAt(0), 12);
        QCOMPARE(idAt(1), 7);
        QTRY_COMPARE_WITH_TIMEOUT(requested.count(), 1, 2000);
        QCOMPARE(requested.first().first().toString(), QStringLiteral("bus"));
        QTest::qWait(300);
        QCOMPARE(requested.count(), 1);

        // Clearing returns to the full list at once, without asking the store.
        m_search->clear();
        QCOMPARE(model()->rowCount(), 3);
        QTest::qWait(300);
        QCOMPARE(requested.count(), 1);
    }

    void showsTitleMatchesAndHits() {
        m_search->setText(QStringLiteral("bus"));
        const QString snippet = QStringLiteral("…then we took the bus to the market");
        SearchRow hit{3, 41, QStringLiteral("Cooking"), snippet, static_cast<int>(snippet.indexOf(QStringLiteral("bus"))), 3};
        m_sidebar->setSearchResults(QStringLiteral("an older query"), {hit}); // late: ignored
        QCOMPARE(model()->rowCount(), 2);
        m_sidebar->setSearchResults(QStringLiteral("bus"), {hit});
        QCOMPARE(model()->rowCount(), 3);
        QCOMPARE(idAt(2), 3);
        const QModelIndex hit_row = model()->index(2);
        QCOMPARE(hit_row.data(Qt::DisplayRole).toString(), QStringLiteral("Cooking\n") + snippet);
        QCOMPARE(hit_row.data(ConversationListModel::MessageIdRole).toLongLong(), 41);
        QCOMPARE(hit_row.data(ConversationListModel::SnippetRole).toString(), snippet);
        QCOMPARE(hit_row.data(ConversationListModel::MatchStartRole).toInt(), 18);
        QCOMPARE(hit_row.data(ConversationListModel::MatchLengthRole).toInt(), 3);

        // Choosing the hit opens its conversation.
        QSignalSpy selected(m_sidebar.get(), &ConversationSidebar::conversationSelected);
        QSignalSpy hit_selected(m_sidebar.get(), &ConversationSidebar::searchHitSelected);
        QTest::mouseClick(m_list->viewport(), Qt::LeftButton, {}, m_list->visualRect(hit_row).center());
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.first().first().toLongLong(), 3);
        QCOMPARE(hit_selected.count(), 1);
        QCOMPARE(hit_selected.first().at(1).toLongLong(), 41);
        QCOMPARE(m_sidebar->currentConversation(), 3);

        // A new list (the store answered a change) keeps the query and the hits.
        m_sidebar->setConversations(threeConversations());
        QCOMPARE(model()->rowCount(), 3);
    }

    void clickingARowSelectsItsConversation() {
        QSignalSpy selected(m_sidebar.get(), &ConversationSidebar::conversationSelected);
        m_sidebar->setCurrentConversation(7); // by code: no signal
        QCOMPARE(selected.count(), 0);
        QCOMPARE(m_list->currentIndex().row(), 1);
        QCOMPARE(m_sidebar->currentConversation(), 7);
        QTest::mouseClick(m_list->viewport(), Qt::LeftButton, {}, m_list->visualRect(model()->index(2)).center());
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.first().first().toLongLong(), 3);
        QCOMPARE(m_sidebar->currentConversation(), 3);
        // The selection survives a new list, without a signal.
        m_sidebar->setConversations(threeConversations());
        QCOMPARE(m_list->currentIndex().row(), 2);
        QCOMPARE(selected.count(), 1);
    }

    void renamingThroughTheModel() {
        QSignalSpy renamed(m_sidebar.get(), &ConversationSidebar::renameRequested);
        QVERIFY(model()->flags(model()->index(1)).testFlag(Qt::ItemIsEditable));
        QCOMPARE(model()->index(1).data(Qt::EditRole).toString(), QStringLiteral("Bus schedule"));
        QVERIFY(model()->setData(model()->index(1), QStringLiteral("  Timetable  ")));
        QCOMPARE(renamed.count(), 1);
        QCOMPARE(renamed.first().at(0).toLongLong(), 7);
        QCOMPARE(renamed.first().at(1).toString(), QStringLiteral("Timetable"));
        QCOMPARE(model()->index(1).data(Qt::EditRole).toString(), QStringLiteral("Timetable"));
        QVERIFY(!model()->setData(model()->index(1), QStringLiteral("   "))); // no empty titles
        QCOMPARE(renamed.count(), 1);
    }

    void deleteKeyRequestsDelete() {
        QSignalSpy deleted(m_sidebar.get(), &ConversationSidebar::deleteRequested);
        m_sidebar->setCurrentConversation(12);
        m_list->setFocus();
        QTest::keyClick(m_list, Qt::Key_Delete);
        QCOMPARE(deleted.count(), 1);
        QCOMPARE(deleted.first().first().toLongLong(), 12);
    }

    void undoBarRestores() {
        auto* undo = m_sidebar->findChild<QPushButton*>(QStringLiteral("undoDeleteButton"));
        QVERIFY(undo != nullptr);
        QVERIFY(!undo->isVisible());
        m_sidebar->showDeleted(12, QStringLiteral("Busan trip"));
        QVERIFY(undo->isVisible());
        QCOMPARE(undo->text(), QStringLiteral("Undo"));
        QCOMPARE(m_sidebar->findChild<QLabel*>(QStringLiteral("undoDeleteLabel"))->text(),
                 QStringLiteral("Deleted “Busan trip”"));
        QSignalSpy undeleted(m_sidebar.get(), &ConversationSidebar::undeleteRequested);
        QTest::mouseClick(undo, Qt::LeftButton);
        QCOMPARE(undeleted.count(), 1);
        QCOMPARE(undeleted.first().first().toLongLong(), 12);
        QVERIFY(!undo->isVisible());
    }
};

QTEST_MAIN(TestSidebar)
#include "test_sidebar.moc"
