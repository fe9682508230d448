// SPDX-License-Identifier: MIT
// One column of "Compare side by side": which variant it is, whether it is waiting, running or
// done, its answer as plain text as it streams, and a statistics line. After it finishes it can
// be compared with the reference column: the text from the first divergent token on is
// highlighted. GUI thread only; it never touches the engine.
#pragma once

#include "compare_runner.h"

#include <QFrame>
#include <QString>

class QLabel;
class QProgressBar;
class QTextBrowser;

namespace quanta::ui {

class CompareColumn : public QFrame {
    Q_OBJECT
public:
    enum class State { Waiting, Running, Done, Stopped, Failed, Skipped };

    /// `index` names the children ("compareText<index>", "compareStats<index>") for tests.
    CompareColumn(int index, const QString& header, QWidget* parent = nullptr);

    State state() const { return m_state; }
    void setState(State state);
    void appendText(const QString& chunk);
    /// Shows the final text and its statistics; the state becomes Done (Stopped when cancelled).
    void finish(const services::CompareColumnResult& result);
    void fail(const QString& message);
    /// Highlights the text from the first token where this column departs from `reference` and
    /// says so on the statistics line (or that both are the same). Meaningful for greedy runs only.
    void compareWith(const services::CompareColumnResult& reference);

    const services::CompareColumnResult& result() const { return m_result; }
    QString text() const;
    QString stats() const;
    /// Character offset where the highlight starts; -1 when nothing is highlighted.
    int highlightedFrom() const { return m_highlightedFrom; }

private:
    QLabel* m_header = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_busy = nullptr;
    QTextBrowser* m_text = nullptr;
    QLabel* m_stats = nullptr;
    State m_state = State::Waiting;
    services::CompareColumnResult m_result;
    int m_highlightedFrom = -1;
};

} // namespace quanta::ui
