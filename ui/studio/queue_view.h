// SPDX-License-Identifier: MIT
// QueueView: the studio's list of quantization jobs, one row per job of a QuantizeQueue: title
// ("NF4 → m-NF4.gguf"), progress, what is being done, a Cancel button, and when the job is done
// a one-line quality report with "Chat with it".
//
// Thread rules: GUI thread only; everything arrives through the queue's signals.
#pragma once

#include "quantize_queue.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace quanta::ui {

class QueueView : public QWidget {
    Q_OBJECT
public:
    explicit QueueView(QWidget* parent = nullptr);

    /// Shows the jobs the queue gets from now on (not earlier ones). The queue must outlive the
    /// connection or be destroyed first (the rows then stay as they were).
    void setQueue(services::QuantizeQueue* queue);

    int rowCount() const { return static_cast<int>(m_rows.size()); }
    /// "PPL 12.31 ± 0.42 (source 12.10) · mean KLD 0.0123 · top-1 97.5%"; "" until done and measured.
    QString reportText(int id) const;
    /// "queued", "quantizing", "measuring quality", "done", "failed", "cancelled" (translated).
    QString stateText(int id) const;
    /// The job's row (tests find its buttons in it); nullptr for an unknown id.
    QWidget* jobRow(int id) const;

signals:
    void chatRequested(const QString& path);

private:
    struct Row {
        QWidget* widget = nullptr;
        QLabel* title = nullptr;
        QLabel* state = nullptr;
        QProgressBar* progress = nullptr;
        QLabel* detail = nullptr;
        QLabel* report = nullptr;
        QPushButton* cancel = nullptr;
        QPushButton* chat = nullptr;
        QString target;
    };
    void addRow(int id, const services::QuantizeJobSpec& spec);
    void setState(Row& row, const QString& state);
    void endRow(Row& row);
    Row* row(int id);

    QPointer<services::QuantizeQueue> m_queue;
    QVBoxLayout* m_list = nullptr;
    QHash<int, Row> m_rows;
};

} // namespace quanta::ui
