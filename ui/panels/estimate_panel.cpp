// SPDX-License-Identifier: MIT
#include "panels/estimate_panel.h"

#include "panels/format_bytes.h"
#include "panels/memory_bar.h"

#include "quanta/gguf.h"
#include "quanta/quantize.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace quanta::ui {

struct EstimatePanel::OpenResult {
    std::shared_ptr<const GgufFile> file;
    QString error;
};

struct EstimatePanel::EstimateResult {
    std::optional<MemoryEstimate> estimate;
    QString error;
};

namespace {

constexpr int kMinContext = 256;
constexpr int kMaxContext = 131072;

QString legendEntry(const QColor& color, const QString& text) {
    return QStringLiteral("<span style=\"color:%1\">&#9632;</span>&nbsp;%2").arg(color.name(), text.toHtmlEscaped());
}

} // namespace

EstimatePanel::EstimatePanel(QWidget* parent) : QWidget(parent) {
    m_typeCombo = new QComboBox;
    m_typeCombo->setObjectName(QStringLiteral("estimateType"));
    m_typeCombo->addItem(tr("As is"), QString());
    for (std::string_view name : quantize_type_names()) {
        const QString type = QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
        m_typeCombo->addItem(type, type);
    }
    m_contextSpin = new QSpinBox;
    m_contextSpin->setObjectName(QStringLiteral("estimateContext"));
    m_contextSpin->setRange(kMinContext, kMaxContext);
    m_contextSpin->setSingleStep(256);
    m_contextSpin->setValue(4096);
    m_contextSpin->setSuffix(tr(" tokens"));
    m_contextSpin->setGroupSeparatorShown(true);
    // Typing "8192" should give one estimate, not one per digit.
    m_contextSpin->setKeyboardTracking(false);

    auto* inputs = new QHBoxLayout;
    auto* typeLabel = new QLabel(tr("&Quantization:"));
    typeLabel->setBuddy(m_typeCombo);
    auto* contextLabel = new QLabel(tr("&Context:"));
    contextLabel->setBuddy(m_contextSpin);
    inputs->addWidget(typeLabel);
    inputs->addWidget(m_typeCombo);
    inputs->addSpacing(12);
    inputs->addWidget(contextLabel);
    inputs->addWidget(m_contextSpin);
    inputs->addStretch();

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    addFigure(form, QStringLiteral("bitsPerWeight"), tr("Bits per weight"));
    addFigure(form, QStringLiteral("fileSize"), tr("File size"));
    addFigure(form, QStringLiteral("weights"), tr("Weights"));
    addFigure(form, QStringLiteral("kvCache"), tr("KV cache"));
    addFigure(form, QStringLiteral("compute"), tr("Compute buffers"));
    addFigure(form, QStringLiteral("other"), tr("Other"));
    addFigure(form, QStringLiteral("total"), tr("Total"));

    m_bar = new MemoryBar;
    m_bar->setObjectName(QStringLiteral("estimateBar"));
    const QList<QColor> colors = MemoryBar::segmentColors();
    const QStringList parts{tr("Weights"), tr("KV cache"), tr("Compute"), tr("Other")};
    QStringList legend;
    for (qsizetype i = 0; i < parts.size(); ++i)
        legend.append(legendEntry(colors[i], parts[i]));
    legend.append(QStringLiteral("<b>|</b>&nbsp;%1").arg(tr("Free memory").toHtmlEscaped()));
    auto* legendLabel = new QLabel(legend.join(QStringLiteral("&nbsp;&nbsp;&nbsp;")));
    legendLabel->setObjectName(QStringLiteral("estimateLegend"));
    legendLabel->setTextFormat(Qt::RichText);

    m_verdict = new QLabel;
    m_verdict->setObjectName(QStringLiteral("estimateVerdict"));
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* column = new QVBoxLayout(this);
    column->addLayout(inputs);
    column->addLayout(form);
    column->addWidget(m_bar);
    column->addWidget(legendLabel);
    column->addWidget(m_verdict);
    column->addStretch();

    connect(m_typeCombo, &QComboBox::currentIndexChanged, this, &EstimatePanel::requestEstimate);
    connect(m_contextSpin, &QSpinBox::valueChanged, this, &EstimatePanel::requestEstimate);
    clearFigures();
}

EstimatePanel::~EstimatePanel() = default;

QLabel* EstimatePanel::addFigure(QFormLayout* form, const QString& field, const QString& label) {
    auto* value = new QLabel;
    value->setObjectName(field + QStringLiteral("Value"));
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(label, value);
    m_figures.insert(field, value);
    return value;
}

void EstimatePanel::setModelFile(const QString& path) {
    const quint64 serial = ++m_openSerial;
    ++m_estimateSerial; // results for the previous file are stale now
    m_path = path;
    m_file.reset();
    m_estimate.reset();
    clearFigures();
    if (path.isEmpty()) {
        m_verdict->clear();
        emit estimateUpdated();
        return;
    }
    m_verdict->setText(tr("Reading %1…").arg(QFileInfo(path).fileName()));

    ++m_running;
    auto* watcher = new QFutureWatcher<OpenResult>(this);
    connect(watcher, &QFutureWatcher<OpenResult>::finished, this, [this, watcher, serial] {
        watcher->deleteLater();
        --m_running;
        if (serial != m_openSerial)
            return; // another file was chosen meanwhile
        OpenResult result = watcher->result();
        if (!result.file) {
            showError(tr("Cannot read %1: %2").arg(QFileInfo(m_path).fileName(), result.error));
            return;
        }
        m_file = std::move(result.file);
        requestEstimate();
    });
    watcher->setFuture(QtConcurrent::run([path]() -> OpenResult {
        auto opened = GgufFile::open(path.toStdString());
        if (!opened)
            return {nullptr, QString::fromStdString(opened.error().message)};
        return {std::make_shared<const GgufFile>(std::move(*opened)), QString()};
    }));
}

void EstimatePanel::setDevice(const backend::DeviceInfo& device) {
    m_device = device;
    if (m_estimate) {
        showEstimate(*m_estimate);
        emit estimateUpdated();
    }
}

void EstimatePanel::setContext(int64_t n_ctx) {
    m_contextSpin->setValue(static_cast<int>(std::clamp<int64_t>(n_ctx, kMinContext, kMaxContext)));
}

void EstimatePanel::setType(const QString& type) {
    const auto parsed = quantize_type_from_name(type.toStdString());
    const int index = parsed ? m_typeCombo->findData(QString::fromLatin1(quantize_type_name(*parsed).data(),
                                                                         static_cast<qsizetype>(quantize_type_name(*parsed).size())))
                             : 0;
    m_typeCombo->setCurrentIndex(std::max(index, 0));
}

QString EstimatePanel::verdictText() const {
    return m_verdict->text();
}

void EstimatePanel::requestEstimate() {
    if (!m_file)
        return; // the open in flight estimates when it finishes
    const quint64 serial = ++m_estimateSerial;
    const QString typeName = m_typeCombo->currentData().toString();
    std::optional<QuantizeType> type;
    if (!typeName.isEmpty())
        type = quantize_type_from_name(typeName.toStdString());
    EstimateOptions options;
    options.n_ctx = m_contextSpin->value();

    ++m_running;
    auto* watcher = new QFutureWatcher<EstimateResult>(this);
    connect(watcher, &QFutureWatcher<EstimateResult>::finished, this, [this, watcher, serial] {
        watcher->deleteLater();
        --m_running;
        if (serial != m_estimateSerial)
            return; // the inputs changed meanwhile; a newer result is on its way
        const EstimateResult result = watcher->result();
        if (!result.estimate) {
            showError(tr("Cannot estimate %1: %2").arg(QFileInfo(m_path).fileName(), result.error));
            return;
        }
        m_estimate = result.estimate;
        showEstimate(*m_estimate);
        emit estimateUpdated();
    });
    // The shared pointer keeps the file alive while this runs, even if the user opens another.
    watcher->setFuture(QtConcurrent::run([file = m_file, type, options]() -> EstimateResult {
        auto estimate = estimate_memory(*file, type, options);
        if (!estimate)
            return {std::nullopt, QString::fromStdString(estimate.error().message)};
        return {std::move(*estimate), QString()};
    }));
}

void EstimatePanel::showEstimate(const MemoryEstimate& e) {
    auto set = [this](const QString& field, const QString& text) { m_figures.value(field)->setText(text); };
    set(QStringLiteral("bitsPerWeight"), QLocale().toString(e.bits_per_weight(), 'f', 2));
    set(QStringLiteral("fileSize"), formatBytes(e.file_bytes));
    set(QStringLiteral("weights"), formatBytes(e.weight_bytes));
    set(QStringLiteral("kvCache"),
        tr("%1 at %2 tokens").arg(formatBytes(e.kv_bytes), QLocale().toString(static_cast<qlonglong>(e.n_ctx))));
    set(QStringLiteral("compute"), formatBytes(e.compute_bytes()));
    set(QStringLiteral("other"), formatBytes(e.other_bytes()));
    set(QStringLiteral("total"), formatBytes(e.total_bytes()));

    const QList<QColor> colors = MemoryBar::segmentColors();
    m_bar->setSegments({{e.weight_bytes, colors[0]},
                        {e.kv_bytes, colors[1]},
                        {e.compute_bytes(), colors[2]},
                        {e.other_bytes(), colors[3]}},
                       m_device ? m_device->free_memory : 0);
    showVerdict();
}

void EstimatePanel::showVerdict() {
    if (!m_estimate)
        return;
    if (!m_device) {
        m_verdict->setText(tr("Needs %1. Choose a device to compare with its free memory.")
                               .arg(formatBytes(m_estimate->total_bytes())));
        return;
    }
    // The core's FitVerdict::reason is English; the sentence is rebuilt here from its numbers so
    // that it can be translated.
    const FitVerdict verdict = fits(*m_estimate, *m_device);
    const QString needed = formatBytes(verdict.needed);
    const QString available = formatBytes(verdict.available);
    if (verdict.fits) {
        m_verdict->setText(tr("Fits: needs %1 of the %2 free").arg(needed, available));
        return;
    }
    QString reason;
    if (m_device->free_memory == 0 && m_device->total_memory == 0)
        reason = tr("needs %1 and the device reports no free memory").arg(needed);
    else if (m_device->total_memory > 0 && verdict.needed > m_device->total_memory)
        reason = tr("needs %1, more than the %2 the device has in all")
                     .arg(needed, formatBytes(m_device->total_memory));
    else
        reason = tr("needs %1, %2 more than the %3 free")
                     .arg(needed, formatBytes(verdict.needed - verdict.available), available);
    m_verdict->setText(tr("Does not fit, because it %1").arg(reason));
}

void EstimatePanel::showError(const QString& message) {
    m_estimate.reset();
    clearFigures();
    m_verdict->setText(message);
    emit estimateUpdated();
}

void EstimatePanel::clearFigures() {
    for (QLabel* label : std::as_const(m_figures))
        label->setText(QStringLiteral("–"));
    m_bar->clear();
}

} // namespace quanta::ui
