// SPDX-License-Identifier: MIT
#include "studio/quantize_dialog.h"

#include "model_catalog.h"
#include "panels/format_bytes.h"

#include "quanta/estimate.h"
#include "quanta/model_info.h"
#include "quanta/quantize.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace quanta::ui {

namespace {

/// The context the memory column is computed for: the chat's default (Session's 4096).
constexpr int64_t kPredictionContext = 4096;

} // namespace

struct QuantizeDialog::Prediction {
    QString type;
    bool ok = false;
    QString error;
    uint64_t fileBytes = 0;
    double bitsPerWeight = 0;
    uint64_t memoryBytes = 0;
    bool fits = false;
    QString fitReason;
};

struct QuantizeDialog::Predictions {
    QString sourceType; ///< quanta::model_type_name ("F16"); "" when the file cannot be read
    QList<Prediction> rows;
};

QuantizeDialog::QuantizeDialog(const QString& sourcePath, const backend::DeviceInfo& device, QWidget* parent)
    : QDialog(parent), m_source(sourcePath) {
    setWindowTitle(tr("Quantize %1").arg(QFileInfo(sourcePath).fileName()));
    const QList<services::ModelFamily> families = services::groupModelFiles({sourcePath});
    m_family = families.isEmpty() ? QFileInfo(sourcePath).completeBaseName() : families.first().name;
    const QString typeFromName =
        families.isEmpty() || families.first().variants.isEmpty() ? QString() : families.first().variants.first().type;

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Choose the types to make from %1:").arg(QFileInfo(sourcePath).fileName()), this));

    m_types = new QTreeWidget(this);
    m_types->setObjectName(QStringLiteral("targetTypes"));
    m_types->setRootIsDecorated(false);
    m_types->setHeaderLabels({tr("Type"), tr("File size"), tr("Bits/weight"),
                              tr("Memory at %1 tokens").arg(kPredictionContext), tr("Fits on %1")
                                                                                       .arg(QString::fromStdString(device.name))});
    for (std::string_view name : quantize_type_names()) {
        const QString type = QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
        if (type.compare(typeFromName, Qt::CaseInsensitive) == 0)
            continue; // quantizing to the type it already has makes a copy
        auto* row = new QTreeWidgetItem(m_types, {type, QStringLiteral("…"), QStringLiteral("…"), QStringLiteral("…"),
                                                  QStringLiteral("…")});
        row->setFlags(row->flags() | Qt::ItemIsUserCheckable);
        row->setCheckState(TypeColumn, Qt::Unchecked);
    }
    m_types->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(m_types, 1);

    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(new QLabel(tr("Output folder:"), this));
    m_folder = new QLineEdit(QFileInfo(sourcePath).absolutePath(), this);
    m_folder->setObjectName(QStringLiteral("outputFolder"));
    folderRow->addWidget(m_folder, 1);
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Output folder"), m_folder->text());
        if (!folder.isEmpty())
            m_folder->setText(folder);
    });
    folderRow->addWidget(browse);
    layout->addLayout(folderRow);

    m_evaluate = new QCheckBox(tr("Measure quality after quantizing (perplexity and KL-divergence on the evaluation text)"), this);
    m_evaluate->setObjectName(QStringLiteral("evaluateQuality"));
    m_evaluate->setChecked(true);
    layout->addWidget(m_evaluate);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Quantize"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    connect(m_types, &QTreeWidget::itemChanged, this, &QuantizeDialog::updateOkButton);
    connect(m_folder, &QLineEdit::textChanged, this, &QuantizeDialog::updateOkButton);
    updateOkButton();

    // Planning every type reads only the header, but a big vocabulary makes that tens of
    // milliseconds per type: off the GUI thread.
    m_watcher = new QFutureWatcher<Predictions>(this);
    connect(m_watcher, &QFutureWatcherBase::finished, this, [this] {
        if (m_watcher->future().resultCount() > 0)
            showPredictions(m_watcher->result());
    });
    m_watcher->setFuture(QtConcurrent::run([path = sourcePath, types = this->types(), device] {
        Predictions predictions;
        auto file = GgufFile::open(QFile::encodeName(path).toStdString());
        if (file)
            predictions.sourceType = QString::fromStdString(model_type_name(*file));
        for (const QString& type : types) {
            Prediction p;
            p.type = type;
            if (!file) {
                p.error = QString::fromStdString(file.error().message);
                predictions.rows.append(p);
                continue;
            }
            EstimateOptions options;
            options.n_ctx = kPredictionContext;
            auto estimate = estimate_memory(*file, quantize_type_from_name(type.toStdString()), options);
            if (!estimate) {
                p.error = QString::fromStdString(estimate.error().message);
            } else {
                const FitVerdict verdict = fits(*estimate, device);
                p.ok = true;
                p.fileBytes = estimate->file_bytes;
                p.bitsPerWeight = estimate->bits_per_weight();
                p.memoryBytes = estimate->total_bytes();
                p.fits = verdict.fits;
                p.fitReason = QString::fromStdString(verdict.reason);
            }
            predictions.rows.append(p);
        }
        return predictions;
    }));
}

QuantizeDialog::~QuantizeDialog() = default;

void QuantizeDialog::showPredictions(const Predictions& predictions) {
    // The file's own type may differ from its name's: drop that row now.
    if (QTreeWidgetItem* own = rowOf(predictions.sourceType)) {
        delete own;
        updateOkButton();
    }
    for (const Prediction& p : predictions.rows) {
        QTreeWidgetItem* row = rowOf(p.type);
        if (!row)
            continue;
        if (!p.ok) {
            for (int c = SizeColumn; c <= FitsColumn; ++c)
                row->setText(c, QStringLiteral("—"));
            row->setToolTip(TypeColumn, p.error);
            row->setToolTip(SizeColumn, p.error);
            continue;
        }
        row->setText(SizeColumn, formatBytes(p.fileBytes));
        row->setText(BitsColumn, QLocale().toString(p.bitsPerWeight, 'f', 2));
        row->setText(MemoryColumn, formatBytes(p.memoryBytes));
        row->setText(FitsColumn, p.fits ? tr("✓ fits") : tr("✗ does not fit"));
        row->setToolTip(FitsColumn, p.fitReason);
        row->setForeground(FitsColumn, p.fits ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28));
    }
    m_predictionsReady = true;
    emit predictionsReady();
}

QList<services::QuantizeJobSpec> QuantizeDialog::jobs() const {
    QList<services::QuantizeJobSpec> jobs;
    const QDir folder(m_folder->text());
    for (int i = 0; i < m_types->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* row = m_types->topLevelItem(i);
        if (row->checkState(TypeColumn) != Qt::Checked)
            continue;
        services::QuantizeJobSpec spec;
        spec.source = m_source;
        spec.type = row->text(TypeColumn);
        spec.target = folder.filePath(QStringLiteral("%1-%2.gguf").arg(m_family, spec.type));
        spec.evaluate = m_evaluate->isChecked();
        jobs.append(spec);
    }
    return jobs;
}

void QuantizeDialog::setChecked(const QString& type, bool checked) {
    if (QTreeWidgetItem* row = rowOf(type))
        row->setCheckState(TypeColumn, checked ? Qt::Checked : Qt::Unchecked);
}

QStringList QuantizeDialog::types() const {
    QStringList types;
    for (int i = 0; i < m_types->topLevelItemCount(); ++i)
        types.append(m_types->topLevelItem(i)->text(TypeColumn));
    return types;
}

void QuantizeDialog::updateOkButton() {
    bool anyChecked = false;
    for (int i = 0; i < m_types->topLevelItemCount() && !anyChecked; ++i)
        anyChecked = m_types->topLevelItem(i)->checkState(TypeColumn) == Qt::Checked;
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(anyChecked && !m_folder->text().trimmed().isEmpty());
}

QTreeWidgetItem* QuantizeDialog::rowOf(const QString& type) const {
    if (type.isEmpty())
        return nullptr;
    for (int i = 0; i < m_types->topLevelItemCount(); ++i) {
        if (m_types->topLevelItem(i)->text(TypeColumn).compare(type, Qt::CaseInsensitive) == 0)
            return m_types->topLevelItem(i);
    }
    return nullptr;
}

} // namespace quanta::ui
