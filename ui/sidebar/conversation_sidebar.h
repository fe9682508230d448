// SPDX-License-Identifier: MIT
// ConversationSidebar: the left column of the window. A "New conversation" button, a search box
// and the list of conversations (ConversationListModel); while a query is typed the list shows the
// conversations whose title contains it and the messages that do (with a snippet). Right-click a
// row for Rename (inline editing) and Delete; the Delete key deletes too. After a delete an undo
// bar stays for kUndoTimeout.
//
// The sidebar never talks to the store: it emits requests, and the main window wires them to the
// StoreWorker's slots and the worker's answers back to setConversations / setSearchResults /
// showDeleted.
//
// Thread-safety: GUI thread only.
#pragma once

#include "store_worker.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <chrono>

class QLabel;
class QLineEdit;
class QListView;
class QModelIndex;
class QPushButton;
class QTimer;

namespace quanta::ui {

class ConversationListModel;

class ConversationSidebar : public QWidget {
    Q_OBJECT
public:
    /// Typing pauses this long before searchRequested, so that a search runs per word, not per key.
    static constexpr std::chrono::milliseconds kSearchDebounce{150};
    static constexpr std::chrono::milliseconds kUndoTimeout{10000};

    explicit ConversationSidebar(QWidget* parent = nullptr);
    ~ConversationSidebar() override;

    /// The store's list. The current conversation stays selected when it is still there.
    void setConversations(const QList<quanta::services::ConversationRow>& conversations);
    /// The store's hits for `query`; ignored when the search box no longer holds that query.
    void setSearchResults(const QString& query, const QList<quanta::services::SearchRow>& hits);
    /// Selects the conversation's row without emitting conversationSelected (0: none).
    void setCurrentConversation(qint64 id);
    qint64 currentConversation() const { return m_current; }
    /// Shows the undo bar for a conversation just moved to the bin.
    void showDeleted(qint64 id, const QString& title);

    ConversationListModel* model() const { return m_model; }

signals:
    void newConversationRequested();
    void conversationSelected(qint64 id);
    /// A search hit was chosen: the window may scroll to that message after loading.
    void searchHitSelected(qint64 conversationId, qint64 messageId);
    void renameRequested(qint64 id, const QString& title);
    void deleteRequested(qint64 id);
    void undeleteRequested(qint64 id);
    void searchRequested(const QString& query);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void onSearchTextChanged(const QString& text);
    void onCurrentChanged(const QModelIndex& current);
    void showContextMenu(const QPoint& position);
    void requestDelete(const QModelIndex& index);
    /// Selects m_current's row (or nothing) without emitting.
    void restoreSelection();

    ConversationListModel* m_model = nullptr;
    QPushButton* m_newButton = nullptr;
    QLineEdit* m_search = nullptr;
    QListView* m_list = nullptr;
    QWidget* m_undoBar = nullptr;
    QLabel* m_undoLabel = nullptr;
    QPushButton* m_undoButton = nullptr;
    QTimer* m_searchDebounce = nullptr;
    QTimer* m_undoTimer = nullptr;
    qint64 m_current = 0;
    qint64 m_deleted = 0;
    bool m_silent = false; // true while the selection changes by code, not by the user
};

} // namespace quanta::ui
