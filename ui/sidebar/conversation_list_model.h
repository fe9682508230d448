// SPDX-License-Identifier: MIT
// ConversationListModel: the rows of the sidebar's conversation list. Without a query, every
// conversation (as the store listed it, most recent first). With a query, the conversations whose
// title contains it (case-insensitive, filtered here) followed by the store's full-text hits, each
// hit showing its conversation's title and the snippet around the match.
//
// DisplayRole is two lines: the title, then the relative time of the last change ("5 minutes ago")
// or, for a hit, the snippet. EditRole is the title; editing it emits renameRequested (the store
// renames and lists again; the row shows the new title at once).
//
// Thread-safety: GUI thread only, like every item model.
#pragma once

#include "store_worker.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>
#include <QString>

namespace quanta::ui {

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        ConversationIdRole = Qt::UserRole + 1,
        MessageIdRole,     ///< 0 for a conversation row, the message's id for a search hit
        TitleRole,
        UpdatedRole,       ///< QDateTime
        MessageCountRole,
        SnippetRole,       ///< "" for a conversation row
        MatchStartRole,    ///< the match in the snippet, in QString units
        MatchLengthRole,
    };

    explicit ConversationListModel(QObject* parent = nullptr);

    /// Replaces the conversations (the store's list); a query in force keeps filtering them.
    void setConversations(const QList<quanta::services::ConversationRow>& conversations);
    /// Filters by `query` (trimmed; "" shows everything again). Hits of another query are dropped.
    void setQuery(const QString& query);
    /// The store's hits for `query`; ignored when it is not the query in force (a late answer).
    void setSearchResults(const QString& query, const QList<quanta::services::SearchRow>& hits);
    QString query() const { return m_query; }

    /// The row of conversation `id` (its title row, not a hit), or -1.
    int rowOfConversation(qint64 id) const;
    qint64 conversationAt(int row) const;

    /// "just now", "5 minutes ago", "yesterday", ... relative to `now`.
    static QString relativeTime(const QDateTime& when, const QDateTime& now);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

signals:
    void renameRequested(qint64 id, const QString& title);

private:
    struct Row {
        qint64 conversationId = 0;
        qint64 messageId = 0;
        QString title;
        QDateTime updated;
        qint64 messageCount = 0;
        QString snippet;
        int matchStart = 0;
        int matchLength = 0;
    };
    void rebuild();

    QList<quanta::services::ConversationRow> m_conversations;
    QString m_query;
    QList<quanta::services::SearchRow> m_hits;
    QList<Row> m_rows;
};

} // namespace quanta::ui
