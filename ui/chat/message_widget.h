// SPDX-License-Identifier: MIT
// One message in the chat column: the text (Markdown rendered for assistant replies), a stats
// line under finished replies, an error line under failed ones, and the per-message buttons.
// While a reply streams in, the Markdown is re-rendered at most every ~50 ms, not per chunk.
#pragma once

#include "chat/chat_entry.h"

#include <QFrame>
#include <QTimer>

class QLabel;
class QTextBrowser;
class QToolButton;
class QHBoxLayout;

namespace quanta::ui {

class MessageWidget : public QFrame {
    Q_OBJECT
public:
    /// objectName "message"; properties "role" (roleName) and "renderedText" (what is displayed,
    /// as QTextDocument::toPlainText) are kept current for tests and accessibility tools.
    explicit MessageWidget(const ChatEntry& entry, QWidget* parent = nullptr);

    const ChatEntry& entry() const { return m_entry; }
    ChatEntry::Role role() const { return m_entry.role; }
    bool isStreaming() const { return m_streaming; }

    /// Shows a "…" until the first text arrives; appendText is only valid while streaming.
    void beginStreaming();
    void appendText(const QString& chunk);
    void finishStreaming(double tokensPerSecond, double firstTokenMs, const QString& stopReason);
    /// Ends streaming (if it was) and shows message under the text; the partial text stays.
    void fail(const QString& message);

    /// Copy is on every message; Edit and Regenerate exist only where the view asks for them.
    /// While busy all of them are hidden.
    void setActions(bool canEdit, bool canRegenerate, bool busy);

signals:
    void editClicked();
    void regenerateClicked();

protected:
    void changeEvent(QEvent* event) override;

private:
    void render();
    void highlightCodeBlocks();
    void fitTextHeight();
    void updateStats();
    void updateError();
    void applyColors();
    QToolButton* addActionButton(const QString& objectName, const QString& text, const QString& toolTip);

    ChatEntry m_entry;
    bool m_streaming = false;
    QTimer m_renderTimer; ///< coalesces streamed chunks into one Markdown render
    QFrame* m_bubble = nullptr;
    QTextBrowser* m_text = nullptr;
    QLabel* m_stats = nullptr;
    QLabel* m_error = nullptr;
    QHBoxLayout* m_actionsRow = nullptr;
    QToolButton* m_copyButton = nullptr;
    QToolButton* m_editButton = nullptr;       ///< null unless this is the last user message
    QToolButton* m_regenerateButton = nullptr; ///< null unless this is the last assistant reply
};

} // namespace quanta::ui
