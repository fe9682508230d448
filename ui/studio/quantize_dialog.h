// SPDX-License-Identifier: MIT
// QuantizeDialog: "Quantize this model to…": every target type with its predicted file size,
// bits per weight and memory on the device (estimate_memory, exact file sizes), an output folder
// and whether to measure quality afterwards. jobs() turns the ticked rows into queue jobs.
//
// Thread rules: GUI thread. The predictions are computed on a pool thread that touches only its
// future; the rows show "…" until they arrive (predictionsReady()), and closing the dialog
// before that is safe.
#pragma once

#include "quantize_queue.h"

#include "quanta/backend/backend.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QList>
#include <QString>

class QCheckBox;
class QDialogButtonBox;
class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace quanta::ui {

class QuantizeDialog : public QDialog {
    Q_OBJECT
public:
    enum Column { TypeColumn, SizeColumn, BitsColumn, MemoryColumn, FitsColumn };

    QuantizeDialog(const QString& sourcePath, const backend::DeviceInfo& device, QWidget* parent = nullptr);
    ~QuantizeDialog() override;

    QString sourcePath() const { return m_source; }
    /// One job per ticked type: target = folder / "<family>-<TYPE>.gguf". Only source, target,
    /// type and evaluate are set; the caller adds the evaluation text.
    QList<services::QuantizeJobSpec> jobs() const;
    /// Tick or untick a type's row (no effect for a type that is not listed).
    void setChecked(const QString& type, bool checked);
    /// The types listed, in order.
    QStringList types() const;
    /// Whether the predicted sizes are shown (the predictionsReady() signal has been emitted).
    bool hasPredictions() const { return m_predictionsReady; }

signals:
    void predictionsReady();

private:
    struct Prediction;
    struct Predictions;
    void showPredictions(const Predictions& predictions);
    void updateOkButton();
    QTreeWidgetItem* rowOf(const QString& type) const;

    QString m_source;
    QString m_family;
    QTreeWidget* m_types = nullptr;
    QLineEdit* m_folder = nullptr;
    QCheckBox* m_evaluate = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    bool m_predictionsReady = false;
    QFutureWatcher<Predictions>* m_watcher = nullptr;
};

} // namespace quanta::ui
