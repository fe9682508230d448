// SPDX-License-Identifier: MIT
#include "compare/compare_column.h"

#include "panels/format_bytes.h"

#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QTextBrowser>
#include <QTextCharFormat>
#include <QTextCursor>
#include <QVBoxLayout>

#include <algorithm>

namespace quanta::ui {

namespace {

// Translucent, so that the highlight reads on both the light and the dark theme.
const QColor kDepartureColour(255, 170, 0, 90);

} // namespace

CompareColumn::CompareColumn(int index, const QString& header, QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("compareColumn%1").arg(index));
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto* headerRow = new QHBoxLayout;
    m_header = new QLabel(header);
    m_header->setObjectName(QStringLiteral("compareHeader%1").arg(index));
    m_header->setTextFormat(Qt::PlainText);
    QFont bold = m_header->font();
    bold.setBold(true);
    m_header->setFont(bold);
    m_header->setToolTip(header);
    headerRow->addWidget(m_header, 1);
    m_busy = new QProgressBar;
    m_busy->setRange(0, 0); // busy mode: no fraction is known while a model answers
    m_busy->setTextVisible(false);
    m_busy->setMaximumSize(48, 10);
    m_busy->hide();
    headerRow->addWidget(m_busy);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("compareStatus%1").arg(index));
    headerRow->addWidget(m_status);
    layout->addLayout(headerRow);

    m_text = new QTextBrowser;
    m_text->setObjectName(QStringLiteral("compareText%1").arg(index));
    m_text->setOpenLinks(false);
    m_text->document()->setUndoRedoEnabled(false);
    layout->addWidget(m_text, 1);

    m_stats = new QLabel;
    m_stats->setObjectName(QStringLiteral("compareStats%1").arg(index));
    m_stats->setWordWrap(true);
    m_stats->setTextFormat(Qt::PlainText);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_stats);

    setState(State::Waiting);
}

void CompareColumn::setState(State state) {
    m_state = state;
    m_busy->setVisible(state == State::Running);
    switch (state) {
    case State::Waiting: m_status->setText(tr("waiting")); break;
    case State::Running: m_status->setText(tr("● running")); break;
    case State::Done: m_status->setText(tr("done")); break;
    case State::Stopped: m_status->setText(tr("stopped")); break;
    case State::Failed: m_status->setText(tr("failed")); break;
    case State::Skipped: m_status->setText(tr("skipped")); break;
    }
}

void CompareColumn::appendText(const QString& chunk) {
    // Appending at the end keeps streaming linear; re-setting the whole text per chunk would not.
    QTextCursor cursor(m_text->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(chunk);
}

void CompareColumn::finish(const services::CompareColumnResult& result) {
    m_result = result;
    if (m_text->toPlainText() != result.text) // the chunks are the text; this is only a safety net
        m_text->setPlainText(result.text);
    const QLocale locale;
    m_stats->setText(tr("%1 tokens/s · first token %2 ms · %3 memory")
                         .arg(locale.toString(result.tokensPerSecond, 'f', 1), locale.toString(result.firstTokenMs, 'f', 0),
                              formatBytes(static_cast<uint64_t>(std::max<qint64>(0, result.memoryBytes)))));
    setState(result.stopReason == QStringLiteral("cancelled") ? State::Stopped : State::Done);
}

void CompareColumn::fail(const QString& message) {
    m_stats->setText(message);
    setState(State::Failed);
}

void CompareColumn::compareWith(const services::CompareColumnResult& reference) {
    const int departure = services::firstDivergence(reference.tokens, m_result.tokens);
    if (departure < 0) {
        m_stats->setText(m_stats->text() + QStringLiteral(" · ") + tr("same as the first column"));
        return;
    }
    int offset = 0;
    for (int i = 0; i < departure && i < m_result.pieces.size(); ++i)
        offset += static_cast<int>(m_result.pieces[i].size());
    // Tokens are counted from 1 on screen: "departs at token 1" is the very first one.
    m_stats->setText(m_stats->text() + QStringLiteral(" · ") + tr("departs at token %1").arg(departure + 1));
    m_highlightedFrom = offset;
    QTextCursor cursor(m_text->document());
    const int end = m_text->document()->characterCount() - 1; // without the final paragraph mark
    cursor.setPosition(std::min(offset, end));
    cursor.setPosition(end, QTextCursor::KeepAnchor);
    QTextCharFormat format;
    format.setBackground(kDepartureColour);
    cursor.mergeCharFormat(format);
}

QString CompareColumn::text() const { return m_text->toPlainText(); }

QString CompareColumn::stats() const { return m_stats->text(); }

} // namespace quanta::ui
