// SPDX-License-Identifier: MIT
// The text box at the bottom of the chat: Enter asks to send, Shift+Enter starts a new line, and
// the box grows with its text up to a few lines before it scrolls.
#pragma once

#include <QPlainTextEdit>

namespace quanta::ui {

class Composer : public QPlainTextEdit {
    Q_OBJECT
public:
    explicit Composer(QWidget* parent = nullptr);

    /// While blocked (a reply is being generated) Enter is swallowed instead of sending.
    void setSendBlocked(bool blocked) { m_sendBlocked = blocked; }
    bool isSendBlocked() const { return m_sendBlocked; }

signals:
    /// Enter was pressed while sending is allowed; the owner decides whether the text is sendable.
    void submitRequested();

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    void fitHeightToText();

    bool m_sendBlocked = false;
};

} // namespace quanta::ui
