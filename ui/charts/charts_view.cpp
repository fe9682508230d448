// SPDX-License-Identifier: MIT
#include "charts/charts_view.h"

#include "charts/chunk_perplexity_chart.h"
#include "charts/kld_chart.h"
#include "charts/pareto_chart.h"
#include "charts/perplexity_chart.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QTabWidget>
#include <QVBoxLayout>

namespace quanta::ui {

ChartsView::ChartsView(QWidget* parent) : QWidget(parent) {
    m_textCombo = new QComboBox;
    m_textCombo->setObjectName(QStringLiteral("chartsText"));
    m_textLabel = new QLabel(tr("Evaluation &text:"));
    m_textLabel->setBuddy(m_textCombo);
    connect(m_textCombo, &QComboBox::currentIndexChanged, this,
            [this](int index) { showText(m_textCombo->itemData(index).toString()); });

    m_perplexity = new PerplexityChart;
    m_perplexity->setObjectName(QStringLiteral("perplexityChart"));
    m_pareto = new ParetoChart;
    m_pareto->setObjectName(QStringLiteral("paretoChart"));
    m_chunks = new ChunkPerplexityChart;
    m_chunks->setObjectName(QStringLiteral("chunkChart"));
    m_kld = new KldChart;
    m_kld->setObjectName(QStringLiteral("kldChart"));

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("chartsTabs"));
    m_tabs->addTab(m_perplexity, tr("Perplexity"));
    m_tabs->addTab(m_pareto, tr("Size vs quality"));
    m_tabs->addTab(m_chunks, tr("Per window"));
    m_tabs->addTab(m_kld, tr("KL divergence"));

    auto* textRow = new QHBoxLayout;
    textRow->addWidget(m_textLabel);
    textRow->addWidget(m_textCombo);
    textRow->addStretch();

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(textRow);
    layout->addWidget(m_tabs, 1);
    refresh();
}

void ChartsView::setResults(const QList<services::EvaluationResult>& results) {
    m_results = results;
    refresh();
}

void ChartsView::addResult(const services::EvaluationResult& result) {
    for (auto& existing : m_results) {
        if (existing.modelPath == result.modelPath && existing.textName == result.textName) {
            existing = result;
            refresh();
            return;
        }
    }
    m_results.append(result);
    refresh();
}

QString ChartsView::textName() const { return m_perplexity->textName(); }

void ChartsView::setTextName(const QString& textName) {
    const int index = m_textCombo->findData(textName);
    if (index >= 0)
        m_textCombo->setCurrentIndex(index); // emits currentIndexChanged -> showText
}

void ChartsView::refresh() {
    const QString selected = m_textCombo->currentData().toString();
    const QStringList names = EvaluationChart::textNamesOf(m_results);
    {
        // Rebuilding the list must not flip the charts to whatever item comes first meanwhile.
        const QSignalBlocker blocker(m_textCombo);
        m_textCombo->clear();
        for (const QString& name : names)
            m_textCombo->addItem(name.isEmpty() ? tr("(unnamed)") : name, name);
        const int index = m_textCombo->findData(selected);
        m_textCombo->setCurrentIndex(index >= 0 ? index : 0);
    }
    // A selector with one entry is noise.
    m_textLabel->setVisible(names.size() > 1);
    m_textCombo->setVisible(names.size() > 1);
    const QString shown = m_textCombo->currentData().toString();
    for (EvaluationChart* chart : {static_cast<EvaluationChart*>(m_perplexity), static_cast<EvaluationChart*>(m_pareto),
                                   static_cast<EvaluationChart*>(m_chunks), static_cast<EvaluationChart*>(m_kld)}) {
        chart->setTextName(shown);
        chart->setResults(m_results);
    }
}

void ChartsView::showText(const QString& textName) {
    for (EvaluationChart* chart : {static_cast<EvaluationChart*>(m_perplexity), static_cast<EvaluationChart*>(m_pareto),
                                   static_cast<EvaluationChart*>(m_chunks), static_cast<EvaluationChart*>(m_kld)})
        chart->setTextName(textName);
}

} // namespace quanta::ui
