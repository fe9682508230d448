// SPDX-License-Identifier: MIT
#include "sidebar/conversation_sidebar.h"

#include "sidebar/conversation_list_model.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace quanta::ui {

using services::ConversationRow;
using services::SearchRow;

ConversationSidebar::ConversationSidebar(QWidget* parent) : QWidget(parent), m_model(new ConversationListModel(this)) {
    m_newButton = new QPushButton(tr("New conversation"), this);
    m_newButton->setObjectName(QStringLiteral("newConversationButton"));

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("conversationSearch"));
    m_search->setPlaceholderText(tr("Search conversations"));
    m_search->setClearButtonEnabled(true);

    m_undoBar = new QWidget(this);
    m_undoBar->setObjectName(QStringLiteral("undoDeleteBar"));
    m_undoLabel = new QLabel(m_undoBar);
    m_undoLabel->setObjectName(QStringLiteral("undoDeleteLabel"));
    m_undoButton = new QPushButton(tr("Undo"), m_undoBar);
    m_undoButton->setObjectName(QStringLiteral("undoDeleteButton"));
    auto* undo_layout = new QHBoxLayout(m_undoBar);
    undo_layout->setContentsMargins(0, 0, 0, 0);
    undo_layout->addWidget(m_undoLabel, 1);
    undo_layout->addWidget(m_undoButton);
    m_undoBar->hide();

    m_list = new QListView(this);
    m_list->setObjectName(QStringLiteral("conversationList"));
    m_list->setModel(m_model);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::EditKeyPressed); // F2; Rename in the menu
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_list->setTextElideMode(Qt::ElideRight);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // long titles are elided instead
    m_list->setWordWrap(false);
    m_list->installEventFilter(this);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_newButton);
    layout->addWidget(m_search);
    layout->addWidget(m_undoBar);
    layout->addWidget(m_list, 1);

    m_searchDebounce = new QTimer(this);
    m_searchDebounce->setSingleShot(true);
    m_searchDebounce->setInterval(kSearchDebounce);
    m_undoTimer = new QTimer(this);
    m_undoTimer->setSingleShot(true);
    m_undoTimer->setInterval(kUndoTimeout);

    connect(m_newButton, &QPushButton::clicked, this, &ConversationSidebar::newConversationRequested);
    connect(m_search, &QLineEdit::textChanged, this, &ConversationSidebar::onSearchTextChanged);
    connect(m_searchDebounce, &QTimer::timeout, this, [this] {
        const QString query = m_search->text().trimmed();
        if (!query.isEmpty())
            emit searchRequested(query);
    });
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { onCurrentChanged(current); });
    connect(m_list, &QListView::customContextMenuRequested, this, &ConversationSidebar::showContextMenu);
    connect(m_model, &ConversationListModel::renameRequested, this, &ConversationSidebar::renameRequested);
    // A reset (new list, new query) clears the selection: put the current conversation back.
    connect(m_model, &QAbstractItemModel::modelReset, this, &ConversationSidebar::restoreSelection);
    connect(m_undoTimer, &QTimer::timeout, m_undoBar, &QWidget::hide);
    connect(m_undoButton, &QPushButton::clicked, this, [this] {
        m_undoTimer->stop();
        m_undoBar->hide();
        if (m_deleted != 0)
            emit undeleteRequested(m_deleted);
        m_deleted = 0;
    });
}

ConversationSidebar::~ConversationSidebar() = default;

void ConversationSidebar::setConversations(const QList<ConversationRow>& conversations) {
    m_model->setConversations(conversations);
}

void ConversationSidebar::setSearchResults(const QString& query, const QList<SearchRow>& hits) {
    m_model->setSearchResults(query, hits);
}

void ConversationSidebar::setCurrentConversation(qint64 id) {
    m_current = id;
    restoreSelection();
}

void ConversationSidebar::showDeleted(qint64 id, const QString& title) {
    m_deleted = id;
    m_undoLabel->setText(tr("Deleted “%1”").arg(title.isEmpty() ? tr("New conversation") : title));
    m_undoBar->show();
    m_undoTimer->start();
}

void ConversationSidebar::onSearchTextChanged(const QString& text) {
    m_model->setQuery(text);
    if (text.trimmed().isEmpty()) {
        m_searchDebounce->stop(); // the full list is back already; nothing to ask the store
        return;
    }
    m_searchDebounce->start(); // restarts: one request after the typing pauses
}

void ConversationSidebar::onCurrentChanged(const QModelIndex& current) {
    if (m_silent || !current.isValid())
        return;
    const qint64 id = current.data(ConversationListModel::ConversationIdRole).toLongLong();
    const qint64 message = current.data(ConversationListModel::MessageIdRole).toLongLong();
    m_current = id;
    emit conversationSelected(id);
    if (message != 0)
        emit searchHitSelected(id, message);
}

void ConversationSidebar::restoreSelection() {
    m_silent = true;
    const int row = m_model->rowOfConversation(m_current);
    if (row >= 0)
        m_list->setCurrentIndex(m_model->index(row));
    else
        m_list->selectionModel()->clear();
    m_silent = false;
}

void ConversationSidebar::showContextMenu(const QPoint& position) {
    const QModelIndex index = m_list->indexAt(position);
    if (!index.isValid())
        return;
    QMenu menu(this);
    QAction* rename = menu.addAction(tr("Rename"));
    QAction* remove = menu.addAction(tr("Delete"));
    QAction* chosen = menu.exec(m_list->viewport()->mapToGlobal(position));
    if (chosen == rename)
        m_list->edit(index);
    else if (chosen == remove)
        requestDelete(index);
}

void ConversationSidebar::requestDelete(const QModelIndex& index) {
    if (index.isValid())
        emit deleteRequested(index.data(ConversationListModel::ConversationIdRole).toLongLong());
}

bool ConversationSidebar::eventFilter(QObject* watched, QEvent* event) {
    // Keys reach the view only while no inline editor is open, so Delete in an editor stays text.
    if (watched == m_list && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Delete && key->modifiers() == Qt::NoModifier) {
            requestDelete(m_list->currentIndex());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace quanta::ui
