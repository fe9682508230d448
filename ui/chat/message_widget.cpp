// SPDX-License-Identifier: MIT
#include "chat/message_widget.h"

#include <QAbstractTextDocumentLayout>
#include <QClipboard>
#include <QDesktopServices>
#include <QEvent>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace quanta::ui {

namespace {

// Streamed chunks arrive far more often than a human can read; re-parsing the whole reply as
// Markdown for each of them would make long replies quadratic.
constexpr int kRenderIntervalMs = 50;
// User messages are indented from the left so that the two sides of the conversation read apart.
constexpr int kUserIndent = 64;

QColor blend(const QColor& base, const QColor& tint, double amount) {
    return QColor::fromRgbF(static_cast<float>(base.redF() * (1 - amount) + tint.redF() * amount),
                            static_cast<float>(base.greenF() * (1 - amount) + tint.greenF() * amount),
                            static_cast<float>(base.blueF() * (1 - amount) + tint.blueF() * amount));
}

// Hides a widget at once (findChildren no longer sees it) but frees it later, because it may be
// the sender of the signal being handled, e.g. the Regenerate button of the reply being removed.
void discard(QWidget* widget) {
    widget->hide();
    widget->setParent(nullptr);
    widget->deleteLater();
}

} // namespace

MessageWidget::MessageWidget(const ChatEntry& entry, QWidget* parent) : QFrame(parent), m_entry(entry) {
    setObjectName(QStringLiteral("message"));
    setProperty("role", roleName(entry.role));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);

    m_renderTimer.setSingleShot(true);
    m_renderTimer.setInterval(kRenderIntervalMs);
    connect(&m_renderTimer, &QTimer::timeout, this, &MessageWidget::render);

    auto* column = new QVBoxLayout(this);
    column->setSpacing(2);
    const bool isUser = entry.role == ChatEntry::Role::User;
    column->setContentsMargins(isUser ? kUserIndent : 0, 4, 0, 4);

    m_bubble = new QFrame;
    m_bubble->setObjectName(QStringLiteral("bubble"));
    // Explicit, or the bubble would inherit the column's Base role and never show its own colour.
    m_bubble->setBackgroundRole(QPalette::Window);
    auto* bubbleColumn = new QVBoxLayout(m_bubble);
    bubbleColumn->setContentsMargins(isUser ? QMargins(10, 6, 10, 6) : QMargins(0, 0, 0, 0));
    bubbleColumn->setSpacing(2);
    column->addWidget(m_bubble);

    m_text = new QTextBrowser;
    m_text->setObjectName(QStringLiteral("messageText"));
    m_text->setFrameShape(QFrame::NoFrame);
    // The message grows to its content; only the chat column scrolls.
    m_text->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_text->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_text->viewport()->setAutoFillBackground(false);
    m_text->setOpenLinks(false);
    m_text->document()->setUndoRedoEnabled(false);
    connect(m_text, &QTextBrowser::anchorClicked, this, [](const QUrl& url) {
        // Model output is untrusted: only open ordinary web and mail links, never local files.
        const QString scheme = url.scheme();
        if (scheme == QStringLiteral("http") || scheme == QStringLiteral("https") || scheme == QStringLiteral("mailto"))
            QDesktopServices::openUrl(url);
    });
    connect(m_text->document()->documentLayout(), &QAbstractTextDocumentLayout::documentSizeChanged, this,
            &MessageWidget::fitTextHeight);
    bubbleColumn->addWidget(m_text);

    if (entry.role == ChatEntry::Role::System) {
        QFont small = m_text->font();
        small.setPointSizeF(small.pointSizeF() * 0.85);
        small.setItalic(true);
        m_text->setFont(small);
        m_text->setToolTip(tr("System prompt"));
    }

    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bubbleColumn->addWidget(m_error);

    m_stats = new QLabel;
    m_stats->setObjectName(QStringLiteral("statsLabel"));
    QFont statsFont = m_stats->font();
    statsFont.setPointSizeF(statsFont.pointSizeF() * 0.85);
    m_stats->setFont(statsFont);
    m_stats->setForegroundRole(QPalette::PlaceholderText);
    bubbleColumn->addWidget(m_stats);
    // Line the labels up with the text, which sits inside the document's margin.
    const int textIndent = static_cast<int>(m_text->document()->documentMargin());
    m_error->setContentsMargins(textIndent, 0, textIndent, 0);
    m_stats->setContentsMargins(textIndent, 0, textIndent, 0);

    m_actionsRow = new QHBoxLayout;
    m_actionsRow->setContentsMargins(0, 0, 0, 0);
    m_actionsRow->setSpacing(2);
    if (isUser)
        m_actionsRow->addStretch();
    m_copyButton = addActionButton(QStringLiteral("copyButton"), tr("Copy"), tr("Copy the message text"));
    connect(m_copyButton, &QToolButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(m_entry.text); });
    if (!isUser)
        m_actionsRow->addStretch();
    column->addLayout(m_actionsRow);

    applyColors();
    render();
    updateError();
    updateStats();
}

void MessageWidget::beginStreaming() {
    m_streaming = true;
    m_entry.error.clear();
    render();
    updateError();
    updateStats();
}

void MessageWidget::appendText(const QString& chunk) {
    if (!m_streaming || chunk.isEmpty())
        return;
    m_entry.text += chunk;
    if (!m_renderTimer.isActive())
        m_renderTimer.start();
}

void MessageWidget::finishStreaming(double tokensPerSecond, double firstTokenMs, const QString& stopReason) {
    m_streaming = false;
    m_renderTimer.stop();
    m_entry.tokensPerSecond = tokensPerSecond;
    m_entry.firstTokenMs = firstTokenMs;
    m_entry.stopReason = stopReason;
    render();
    updateStats();
}

void MessageWidget::fail(const QString& message) {
    m_streaming = false;
    m_renderTimer.stop();
    m_entry.error = message;
    render();
    updateError();
    updateStats();
}

void MessageWidget::setActions(bool canEdit, bool canRegenerate, bool busy) {
    if (canEdit && !m_editButton) {
        m_editButton =
            addActionButton(QStringLiteral("editButton"), tr("Edit"), tr("Edit this message and send it again"));
        connect(m_editButton, &QToolButton::clicked, this, &MessageWidget::editClicked);
    } else if (!canEdit && m_editButton) {
        discard(m_editButton);
        m_editButton = nullptr;
    }
    if (canRegenerate && !m_regenerateButton) {
        m_regenerateButton =
            addActionButton(QStringLiteral("regenerateButton"), tr("Regenerate"), tr("Generate this reply again"));
        connect(m_regenerateButton, &QToolButton::clicked, this, &MessageWidget::regenerateClicked);
    } else if (!canRegenerate && m_regenerateButton) {
        discard(m_regenerateButton);
        m_regenerateButton = nullptr;
    }
    for (QToolButton* button : {m_copyButton, m_editButton, m_regenerateButton}) {
        if (button)
            button->setVisible(!busy);
    }
}

void MessageWidget::changeEvent(QEvent* event) {
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        // Bubble and code-block colours are derived from the palette; follow a theme switch.
        applyColors();
        render();
    }
}

void MessageWidget::render() {
    QTextDocument* document = m_text->document();
    if (m_entry.role != ChatEntry::Role::Assistant) {
        m_text->setPlainText(m_entry.text);
    } else if (m_streaming && m_entry.text.isEmpty()) {
        m_text->setPlainText(QStringLiteral("…"));
    } else {
        document->setMarkdown(m_entry.text, QTextDocument::MarkdownDialectGitHub);
        highlightCodeBlocks();
    }
    const QString shown = document->toPlainText();
    setProperty("renderedText", shown);
    m_text->setVisible(!shown.isEmpty());
    fitTextHeight();
}

void MessageWidget::highlightCodeBlocks() {
    // Qt's Markdown importer marks code blocks with BlockCodeLanguage (and BlockCodeFence when
    // fenced) but gives them no background, and keeps long code lines from wrapping, which would
    // clip them here because the message has no horizontal scroll bar.
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    QTextCharFormat codeChars;
    codeChars.setFontFamilies({fixed.family()});
    codeChars.setFontFixedPitch(true);
    codeChars.setFontStyleHint(QFont::TypeWriter);
    const QColor background = blend(palette().color(QPalette::Base), palette().color(QPalette::Text), 0.07);

    QTextDocument* document = m_text->document();
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        QTextBlockFormat format = block.blockFormat();
        if (!format.hasProperty(QTextFormat::BlockCodeLanguage) && !format.hasProperty(QTextFormat::BlockCodeFence))
            continue;
        format.setBackground(background);
        format.setNonBreakableLines(false);
        QTextCursor cursor(block);
        cursor.setBlockFormat(format);
        cursor.mergeBlockCharFormat(codeChars);
        cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        cursor.mergeCharFormat(codeChars);
    }
}

void MessageWidget::fitTextHeight() {
    // One spare pixel keeps the (hidden) inner scroll range at zero, so the wheel reaches the
    // chat column instead of being eaten by the message.
    const double contentHeight = m_text->document()->size().height();
    m_text->setFixedHeight(static_cast<int>(std::ceil(contentHeight)) + 2 * m_text->frameWidth() + 1);
}

void MessageWidget::updateStats() {
    QStringList parts;
    if (m_entry.role == ChatEntry::Role::Assistant && !m_streaming) {
        const QString speed = QString::number(m_entry.tokensPerSecond, 'f', 1);
        const QString firstToken = QString::number(qRound(m_entry.firstTokenMs));
        const bool speedKnown = m_entry.tokensPerSecond > 0;
        const bool firstTokenKnown = m_entry.firstTokenMs >= 0;
        if (speedKnown && firstTokenKnown)
            parts << tr("%1 tokens/s · first token %2 ms").arg(speed, firstToken);
        else if (speedKnown)
            parts << tr("%1 tokens/s").arg(speed);
        else if (firstTokenKnown)
            parts << tr("first token %1 ms").arg(firstToken);
        if (m_entry.stopReason == QStringLiteral("cancelled"))
            parts << tr("stopped");
    }
    m_stats->setText(parts.join(QStringLiteral(" · ")));
    m_stats->setVisible(!parts.isEmpty());
}

void MessageWidget::updateError() {
    m_error->setText(m_entry.error);
    m_error->setVisible(!m_entry.error.isEmpty());
}

void MessageWidget::applyColors() {
    const QPalette colors = palette();
    if (m_entry.role == ChatEntry::Role::User) {
        QPalette bubbleColors = m_bubble->palette();
        bubbleColors.setColor(QPalette::Window,
                              blend(colors.color(QPalette::Base), colors.color(QPalette::Highlight), 0.14));
        m_bubble->setPalette(bubbleColors);
        m_bubble->setAutoFillBackground(true);
    }
    if (m_entry.role == ChatEntry::Role::System) {
        QPalette muted = m_text->palette();
        muted.setColor(QPalette::Text, colors.color(QPalette::PlaceholderText));
        m_text->setPalette(muted);
    }
    // Red leaning towards the text colour: dark red on light themes, light red on dark ones.
    QPalette errorColors = m_error->palette();
    errorColors.setColor(QPalette::WindowText, blend(QColor(220, 50, 50), colors.color(QPalette::Text), 0.25));
    m_error->setPalette(errorColors);
}

QToolButton* MessageWidget::addActionButton(const QString& objectName, const QString& text, const QString& toolTip) {
    auto* button = new QToolButton;
    button->setObjectName(objectName);
    button->setText(text);
    button->setToolTip(toolTip);
    button->setAutoRaise(true);
    button->setFocusPolicy(Qt::NoFocus);
    // New buttons go right after Copy, so the order is always Copy, Edit/Regenerate.
    const int copyIndex = m_copyButton ? m_actionsRow->indexOf(m_copyButton) : -1;
    m_actionsRow->insertWidget(copyIndex >= 0 ? copyIndex + 1 : m_actionsRow->count(), button);
    return button;
}

} // namespace quanta::ui
