// SPDX-License-Identifier: MIT
#include "compare/compare_view.h"

#include "compare/compare_column.h"
#include "model_catalog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

namespace quanta::ui {

CompareView::CompareView(services::CompareRunner* runner, QWidget* parent) : QWidget(parent), m_runner(runner) {
    setObjectName(QStringLiteral("compareView"));
    auto* layout = new QVBoxLayout(this);

    auto* pickerRow = new QHBoxLayout;
    for (int i = 0; i < kMaxColumns; ++i) {
        auto* picker = new QComboBox;
        picker->setObjectName(QStringLiteral("variant%1").arg(i));
        picker->setToolTip(i < kMinColumns ? tr("Variant %1").arg(i + 1) : tr("Variant %1 (optional)").arg(i + 1));
        picker->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        picker->setMinimumContentsLength(12);
        connect(picker, &QComboBox::currentIndexChanged, this, &CompareView::updateButtons);
        pickerRow->addWidget(picker, 1);
        m_pickers.append(picker);
    }
    layout->addLayout(pickerRow);

    m_prompt = new QPlainTextEdit;
    m_prompt->setObjectName(QStringLiteral("comparePrompt"));
    m_prompt->setPlaceholderText(tr("One prompt, answered by every variant"));
    m_prompt->setMaximumHeight(90);
    connect(m_prompt, &QPlainTextEdit::textChanged, this, &CompareView::updateButtons);
    layout->addWidget(m_prompt);

    auto* actionRow = new QHBoxLayout;
    m_greedy = new QCheckBox(tr("Greedy (same answer every time)"));
    m_greedy->setObjectName(QStringLiteral("compareGreedy"));
    m_greedy->setChecked(true);
    m_greedy->setToolTip(tr("Greedy sampling makes every answer deterministic, so the first token where a "
                            "variant departs from the first column can be shown."));
    actionRow->addWidget(m_greedy);
    actionRow->addStretch(1);
    m_run = new QPushButton(tr("Run"));
    m_run->setObjectName(QStringLiteral("compareRun"));
    connect(m_run, &QPushButton::clicked, this, &CompareView::runComparison);
    actionRow->addWidget(m_run);
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setObjectName(QStringLiteral("compareStop"));
    connect(m_stop, &QPushButton::clicked, this, &CompareView::stopComparison);
    actionRow->addWidget(m_stop);
    layout->addLayout(actionRow);

    m_columnsArea = new QSplitter(Qt::Horizontal);
    m_columnsArea->setObjectName(QStringLiteral("compareColumns"));
    m_columnsArea->setChildrenCollapsible(false);
    layout->addWidget(m_columnsArea, 1);

    // Queued explicitly: the runner emits from its own thread, and the columns are GUI widgets.
    connect(m_runner, &services::CompareRunner::columnStarted, this, &CompareView::onColumnStarted, Qt::QueuedConnection);
    connect(m_runner, &services::CompareRunner::columnText, this, &CompareView::onColumnText, Qt::QueuedConnection);
    connect(m_runner, &services::CompareRunner::columnFinished, this, &CompareView::onColumnFinished,
            Qt::QueuedConnection);
    connect(m_runner, &services::CompareRunner::columnFailed, this, &CompareView::onColumnFailed, Qt::QueuedConnection);
    connect(m_runner, &services::CompareRunner::allFinished, this, &CompareView::onAllFinished, Qt::QueuedConnection);

    updateButtons();
}

CompareView::~CompareView() {
    if (m_running)
        m_runner->stop(); // nobody is left to show the answers
}

void CompareView::setModelFiles(const QStringList& paths) {
    const QList<services::ModelFamily> families = services::groupModelFiles(paths);
    QStringList ordered; // the order the pickers list them in
    for (int i = 0; i < m_pickers.size(); ++i) {
        QComboBox* picker = m_pickers[i];
        const QString previous = picker->currentData().toString();
        const QSignalBlocker block(picker);
        picker->clear();
        if (i >= kMinColumns)
            picker->addItem(tr("(none)"), QString());
        for (const services::ModelFamily& family : families)
            for (const services::ModelVariant& variant : family.variants) {
                const QString type = variant.type.isEmpty() ? QFileInfo(variant.path).fileName() : variant.type;
                picker->addItem(tr("%1 — %2").arg(family.name, type), variant.path);
                picker->setItemData(picker->count() - 1, variant.path, Qt::ToolTipRole);
                if (i == 0)
                    ordered.append(variant.path);
            }
        int index = previous.isEmpty() ? -1 : picker->findData(previous);
        if (index < 0) {
            if (i >= kMinColumns)
                index = 0; // "(none)"
            else if (!ordered.isEmpty())
                index = picker->findData(ordered[std::min<qsizetype>(i, ordered.size() - 1)]);
        }
        picker->setCurrentIndex(index);
    }
    updateButtons();
}

void CompareView::setSampling(const SamplerParams& sampling) { m_sampling = sampling; }

QString CompareView::columnText(int column) const {
    return column >= 0 && column < m_columns.size() ? m_columns[column]->text() : QString();
}

QString CompareView::columnStats(int column) const {
    return column >= 0 && column < m_columns.size() ? m_columns[column]->stats() : QString();
}

int CompareView::highlightedFrom(int column) const {
    return column >= 0 && column < m_columns.size() ? m_columns[column]->highlightedFrom() : -1;
}

QStringList CompareView::chosenPaths() const {
    QStringList paths;
    for (const QComboBox* picker : m_pickers)
        if (const QString path = picker->currentData().toString(); !path.isEmpty())
            paths.append(path);
    return paths;
}

void CompareView::updateButtons() {
    const bool ready = chosenPaths().size() >= kMinColumns && !m_prompt->toPlainText().trimmed().isEmpty();
    m_run->setEnabled(!m_running && ready);
    m_stop->setEnabled(m_running);
    for (QComboBox* picker : m_pickers)
        picker->setEnabled(!m_running);
    m_greedy->setEnabled(!m_running);
    if (!m_running && !ready)
        m_run->setToolTip(tr("Choose at least two variants and type a prompt."));
    else
        m_run->setToolTip(QString());
}

void CompareView::clearColumns() {
    for (CompareColumn* column : m_columns) {
        column->hide();
        column->setParent(nullptr);
        column->deleteLater();
    }
    m_columns.clear();
}

void CompareView::runComparison() {
    // Run stays disabled until allFinished: the runner's signals carry no run id, so two runs in
    // flight could not be told apart.
    if (m_running)
        return;
    const QStringList paths = chosenPaths();
    const QString prompt = m_prompt->toPlainText().trimmed();
    if (paths.size() < kMinColumns || prompt.isEmpty())
        return;

    clearColumns();
    for (int i = 0; i < paths.size(); ++i) {
        const QComboBox* picker = nullptr;
        for (const QComboBox* p : m_pickers) // the picker this path came from, for its TYPE
            if (p->currentData().toString() == paths[i]) {
                picker = p;
                break;
            }
        const QString label = picker != nullptr ? picker->currentText().section(QStringLiteral(" — "), -1) : QString();
        auto* column = new CompareColumn(i, tr("%1 — %2").arg(label, QFileInfo(paths[i]).fileName()));
        m_columnsArea->addWidget(column);
        m_columns.append(column);
    }

    services::CompareRequest request;
    request.modelPaths = paths;
    request.prompt = prompt;
    request.systemPrompt = m_systemPrompt;
    request.sampling = m_sampling;
    m_runIsGreedy = m_greedy->isChecked();
    if (m_runIsGreedy)
        request.sampling.temperature = 0.0f;
    request.maxTokens = m_maxTokens;
    request.nCtx = m_nCtx;
    request.threads = m_threads;
    request.device = m_device;

    m_running = true;
    updateButtons();
    QMetaObject::invokeMethod(m_runner, [runner = m_runner, request] { runner->run(request); }, Qt::QueuedConnection);
}

void CompareView::stopComparison() {
    if (!m_running)
        return;
    m_runner->stop(); // thread-safe: the running column ends at its next token
    m_stop->setEnabled(false);
}

void CompareView::onColumnStarted(int column) {
    if (column >= 0 && column < m_columns.size())
        m_columns[column]->setState(CompareColumn::State::Running);
}

void CompareView::onColumnText(int column, const QString& chunk) {
    if (column >= 0 && column < m_columns.size())
        m_columns[column]->appendText(chunk);
}

void CompareView::onColumnFinished(int column, const services::CompareColumnResult& result) {
    if (column < 0 || column >= m_columns.size())
        return;
    CompareColumn* finished = m_columns[column];
    finished->finish(result);
    // A departure is only meaningful between deterministic answers that both ran to their end.
    const CompareColumn* reference = m_columns.first();
    if (m_runIsGreedy && column > 0 && reference->state() == CompareColumn::State::Done &&
        finished->state() == CompareColumn::State::Done)
        finished->compareWith(reference->result());
}

void CompareView::onColumnFailed(int column, const QString& message) {
    if (column >= 0 && column < m_columns.size())
        m_columns[column]->fail(message);
}

void CompareView::onAllFinished() {
    for (CompareColumn* column : m_columns)
        if (column->state() == CompareColumn::State::Waiting) // never started: Stop skipped it
            column->setState(CompareColumn::State::Skipped);
    m_running = false;
    updateButtons();
    emit comparisonFinished();
}

} // namespace quanta::ui
