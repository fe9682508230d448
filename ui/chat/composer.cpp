// SPDX-License-Identifier: MIT
#include "chat/composer.h"

#include <QAbstractTextDocumentLayout>
#include <QKeyEvent>

#include <algorithm>
#include <cmath>

namespace quanta::ui {

namespace {
// Two lines at least, so the placeholder has room; beyond six the composer scrolls instead.
constexpr int kMinVisibleLines = 2;
constexpr int kMaxVisibleLines = 6;
} // namespace

Composer::Composer(QWidget* parent) : QPlainTextEdit(parent) {
    setObjectName(QStringLiteral("composer"));
    setTabChangesFocus(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(document()->documentLayout(), &QAbstractTextDocumentLayout::documentSizeChanged, this,
            &Composer::fitHeightToText);
    fitHeightToText();
}

void Composer::keyPressEvent(QKeyEvent* event) {
    const bool isEnter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (!isEnter) {
        QPlainTextEdit::keyPressEvent(event);
        return;
    }
    if (event->modifiers() & Qt::ShiftModifier) {
        // A real paragraph break rather than QTextEdit's default U+2028 line separator, so that
        // toPlainText() gives the '\n' the model should see.
        textCursor().insertText(QStringLiteral("\n"));
        event->accept();
        return;
    }
    event->accept();
    if (!m_sendBlocked)
        emit submitRequested();
}

void Composer::fitHeightToText() {
    // QPlainTextDocumentLayout measures the document in lines, not pixels.
    const double lines = document()->documentLayout()->documentSize().height();
    const int neededLines = static_cast<int>(std::ceil(lines));
    const int visibleLines = std::clamp(neededLines, kMinVisibleLines, kMaxVisibleLines);
    const QMargins margins = contentsMargins();
    const int height = visibleLines * fontMetrics().lineSpacing() +
                       static_cast<int>(std::ceil(2 * document()->documentMargin())) + margins.top() +
                       margins.bottom() + 2;
    setFixedHeight(height);
    // A scroll bar only once the text outgrows the box; below that it would just steal width.
    setVerticalScrollBarPolicy(neededLines > kMaxVisibleLines ? Qt::ScrollBarAsNeeded : Qt::ScrollBarAlwaysOff);
}

} // namespace quanta::ui
