// SPDX-License-Identifier: MIT
#include "sidebar/conversation_list_model.h"

#include <QHash>
#include <QLocale>

#include <algorithm>

namespace quanta::ui {

using services::ConversationRow;
using services::SearchRow;

ConversationListModel::ConversationListModel(QObject* parent) : QAbstractListModel(parent) {}

void ConversationListModel::setConversations(const QList<ConversationRow>& conversations) {
    m_conversations = conversations;
    rebuild();
}

void ConversationListModel::setQuery(const QString& query) {
    const QString trimmed = query.trimmed();
    if (trimmed == m_query)
        return;
    m_query = trimmed;
    m_hits.clear();
    rebuild();
}

void ConversationListModel::setSearchResults(const QString& query, const QList<SearchRow>& hits) {
    if (query.trimmed() != m_query || m_query.isEmpty())
        return;
    m_hits = hits;
    rebuild();
}

void ConversationListModel::rebuild() {
    beginResetModel();
    m_rows.clear();
    QHash<qint64, QString> current_titles; // a hit shows the title as listed, which may be newer
    for (const ConversationRow& c : m_conversations) {
        current_titles.insert(c.id, c.title);
        if (m_query.isEmpty() || c.title.contains(m_query, Qt::CaseInsensitive))
            m_rows.append({c.id, 0, c.title, c.updated, c.messageCount, {}, 0, 0});
    }
    for (const SearchRow& hit : m_hits) {
        const QString title = current_titles.value(hit.conversationId, hit.title);
        m_rows.append({hit.conversationId, hit.messageId, title, {}, 0, hit.snippet, hit.matchStart, hit.matchLength});
    }
    endResetModel();
}

int ConversationListModel::rowOfConversation(qint64 id) const {
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].conversationId == id && m_rows[i].messageId == 0)
            return i;
    return -1;
}

qint64 ConversationListModel::conversationAt(int row) const {
    return row >= 0 && row < m_rows.size() ? m_rows[row].conversationId : 0;
}

QString ConversationListModel::relativeTime(const QDateTime& when, const QDateTime& now) {
    if (!when.isValid())
        return {};
    const qint64 seconds = std::max<qint64>(0, when.secsTo(now));
    if (seconds < 60)
        return tr("just now");
    if (seconds < 3600)
        return tr("%n minute(s) ago", nullptr, static_cast<int>(seconds / 60));
    const qint64 days = when.date().daysTo(now.date());
    if (days == 0)
        return tr("%n hour(s) ago", nullptr, static_cast<int>(seconds / 3600));
    if (days == 1)
        return tr("yesterday");
    if (days < 7)
        return tr("%n day(s) ago", nullptr, static_cast<int>(days));
    return QLocale().toString(when.date(), QLocale::ShortFormat);
}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row& row = m_rows[index.row()];
    const QString title = row.title.isEmpty() ? tr("New conversation") : row.title;
    switch (role) {
    case Qt::DisplayRole:
        if (row.messageId != 0)
            return title + QLatin1Char('\n') + row.snippet;
        return title + QLatin1Char('\n') + relativeTime(row.updated, QDateTime::currentDateTime());
    case Qt::EditRole: return row.title;
    case Qt::ToolTipRole:
        if (row.messageId != 0)
            return row.snippet;
        return tr("%1\nLast change: %2\n%n message(s)", nullptr, static_cast<int>(row.messageCount))
            .arg(title, QLocale().toString(row.updated, QLocale::ShortFormat));
    case ConversationIdRole: return row.conversationId;
    case MessageIdRole: return row.messageId;
    case TitleRole: return row.title;
    case UpdatedRole: return row.updated;
    case MessageCountRole: return row.messageCount;
    case SnippetRole: return row.snippet;
    case MatchStartRole: return row.matchStart;
    case MatchLengthRole: return row.matchLength;
    default: return {};
    }
}

bool ConversationListModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!index.isValid() || index.row() >= m_rows.size() || role != Qt::EditRole)
        return false;
    const QString title = value.toString().trimmed();
    Row& row = m_rows[index.row()];
    if (title.isEmpty() || title == row.title)
        return false;
    const qint64 id = row.conversationId;
    // Every row of that conversation (its title row and its hits) shows the new title at once;
    // the store's next list confirms it.
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].conversationId == id) {
            m_rows[i].title = title;
            emit dataChanged(this->index(i), this->index(i));
        }
    for (ConversationRow& c : m_conversations)
        if (c.id == id)
            c.title = title;
    emit renameRequested(id, title);
    return true;
}

Qt::ItemFlags ConversationListModel::flags(const QModelIndex& index) const {
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable | Qt::ItemNeverHasChildren;
}

} // namespace quanta::ui
