// SPDX-License-Identifier: MIT
#include "studio/queue_view.h"

#include "panels/format_bytes.h"

#include <QFileInfo>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include <cmath>

namespace quanta::ui {

using services::EvaluationResult;
using services::QuantizeJobSpec;
using services::QuantizeQueue;

QueueView::QueueView(QWidget* parent) : QWidget(parent) {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget(scroll);
    m_list = new QVBoxLayout(content);
    m_list->addStretch(1); // rows go above it, so they stay at the top
    scroll->setWidget(content);
    outer->addWidget(scroll);
}

void QueueView::setQueue(QuantizeQueue* queue) {
    if (m_queue)
        m_queue->disconnect(this);
    m_queue = queue;
    if (!queue)
        return;
    connect(queue, &QuantizeQueue::jobQueued, this, &QueueView::addRow);
    connect(queue, &QuantizeQueue::jobStarted, this, [this](int id) {
        if (Row* r = row(id))
            setState(*r, tr("quantizing"));
    });
    connect(queue, &QuantizeQueue::jobProgress, this,
            [this](int id, double fraction, const QString& tensor, qint64 done, qint64 total, double eta) {
                Row* r = row(id);
                if (!r)
                    return;
                r->progress->setValue(static_cast<int>(fraction * 1000));
                r->detail->setText(tr("%1 · %2 of %3 · about %4 s left")
                                       .arg(tensor, formatBytes(static_cast<uint64_t>(done)),
                                            formatBytes(static_cast<uint64_t>(total)))
                                       .arg(std::ceil(eta), 0, 'f', 0));
            });
    connect(queue, &QuantizeQueue::jobQuantized, this, [this](int id, const QString&, const QString& summary) {
        Row* r = row(id);
        if (!r)
            return;
        r->detail->setText(summary);
        const bool evaluating = m_queue && m_queue->spec(id).evaluate && !m_queue->spec(id).textPath.isEmpty();
        if (evaluating) {
            setState(*r, tr("measuring quality"));
            r->progress->setValue(0);
        } else {
            r->progress->setValue(1000);
        }
    });
    connect(queue, &QuantizeQueue::jobEvaluationProgress, this, [this](int id, double fraction) {
        if (Row* r = row(id))
            r->progress->setValue(static_cast<int>(fraction * 1000));
    });
    connect(queue, &QuantizeQueue::jobFinished, this,
            [this](int id, const QString&, bool evaluated, const EvaluationResult& result,
                   const EvaluationResult& source) {
                Row* r = row(id);
                if (!r)
                    return;
                setState(*r, tr("done"));
                r->progress->setValue(1000);
                if (evaluated) {
                    QString report = tr("PPL %1 ± %2 (source %3)")
                                         .arg(QLocale().toString(result.ppl, 'f', 2),
                                              QLocale().toString(result.pplStderr, 'f', 2),
                                              QLocale().toString(source.ppl, 'f', 2));
                    if (result.hasKld)
                        report = tr("PPL %1 ± %2 (source %3) · mean KLD %4 · top-1 %5%")
                                     .arg(QLocale().toString(result.ppl, 'f', 2),
                                          QLocale().toString(result.pplStderr, 'f', 2),
                                          QLocale().toString(source.ppl, 'f', 2),
                                          QLocale().toString(result.kld.mean, 'f', 4),
                                          QLocale().toString(100.0 * result.kld.top1, 'f', 1));
                    r->report->setText(report);
                    r->report->show();
                }
                r->chat->show();
                endRow(*r);
            });
    connect(queue, &QuantizeQueue::jobFailed, this, [this](int id, const QString& message) {
        if (Row* r = row(id)) {
            setState(*r, tr("failed"));
            r->detail->setText(message);
            endRow(*r);
        }
    });
    connect(queue, &QuantizeQueue::jobCancelled, this, [this](int id) {
        if (Row* r = row(id)) {
            setState(*r, tr("cancelled"));
            r->detail->setText(tr("Cancelled; no file was written."));
            endRow(*r);
        }
    });
}

void QueueView::addRow(int id, const QuantizeJobSpec& spec) {
    Row r;
    r.target = spec.target;
    r.widget = new QFrame(this);
    static_cast<QFrame*>(r.widget)->setFrameShape(QFrame::StyledPanel);
    r.widget->setObjectName(QStringLiteral("jobRow%1").arg(id));
    auto* layout = new QVBoxLayout(r.widget);
    auto* top = new QHBoxLayout;
    r.title = new QLabel(tr("%1 → %2").arg(spec.type, QFileInfo(spec.target).fileName()), r.widget);
    r.title->setObjectName(QStringLiteral("jobTitle"));
    QFont bold = r.title->font();
    bold.setBold(true);
    r.title->setFont(bold);
    top->addWidget(r.title, 1);
    r.state = new QLabel(r.widget);
    r.state->setObjectName(QStringLiteral("jobState"));
    top->addWidget(r.state);
    r.cancel = new QPushButton(tr("Cancel"), r.widget);
    r.cancel->setObjectName(QStringLiteral("cancelJobButton"));
    connect(r.cancel, &QPushButton::clicked, this, [this, id] {
        if (m_queue)
            m_queue->cancel(id);
    });
    top->addWidget(r.cancel);
    layout->addLayout(top);
    r.progress = new QProgressBar(r.widget);
    r.progress->setRange(0, 1000);
    r.progress->setTextVisible(false);
    layout->addWidget(r.progress);
    r.detail = new QLabel(r.widget);
    r.detail->setObjectName(QStringLiteral("jobDetail"));
    r.detail->setWordWrap(true);
    layout->addWidget(r.detail);
    auto* bottom = new QHBoxLayout;
    r.report = new QLabel(r.widget);
    r.report->setObjectName(QStringLiteral("reportLabel"));
    r.report->setTextInteractionFlags(Qt::TextSelectableByMouse);
    r.report->hide();
    bottom->addWidget(r.report, 1);
    r.chat = new QPushButton(tr("Chat with it"), r.widget);
    r.chat->setObjectName(QStringLiteral("chatWithItButton"));
    r.chat->hide();
    connect(r.chat, &QPushButton::clicked, this, [this, path = spec.target] { emit chatRequested(path); });
    bottom->addWidget(r.chat);
    layout->addLayout(bottom);
    setState(r, tr("queued"));
    m_list->insertWidget(m_list->count() - 1, r.widget);
    m_rows.insert(id, r);
}

void QueueView::setState(Row& r, const QString& state) { r.state->setText(state); }

void QueueView::endRow(Row& r) { r.cancel->hide(); }

QueueView::Row* QueueView::row(int id) {
    auto it = m_rows.find(id);
    return it == m_rows.end() ? nullptr : &it.value();
}

QString QueueView::reportText(int id) const {
    auto it = m_rows.constFind(id);
    return it == m_rows.constEnd() ? QString() : it->report->text();
}

QString QueueView::stateText(int id) const {
    auto it = m_rows.constFind(id);
    return it == m_rows.constEnd() ? QString() : it->state->text();
}

QWidget* QueueView::jobRow(int id) const {
    auto it = m_rows.constFind(id);
    return it == m_rows.constEnd() ? nullptr : it->widget;
}

} // namespace quanta::ui
