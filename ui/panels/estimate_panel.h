// SPDX-License-Identifier: MIT
// "Will it fit?": the memory a model needs at a quantization level and context size
// (quanta/estimate.h), broken down into weights, KV cache, compute buffers and the rest, drawn
// against the chosen device's free memory, with a verdict in words.
//
// Thread rules: GUI thread only. The model file is opened once on a worker thread
// (QtConcurrent) and kept; every change of type, context or file recomputes the estimate on a
// worker thread. Each request has a serial number and results of older requests are dropped,
// so the panel always shows the newest inputs. estimateUpdated() is emitted on the GUI thread
// after each displayed update, errors included.
#pragma once

#include "quanta/backend/backend.h"
#include "quanta/estimate.h"

#include <QHash>
#include <QString>
#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QFormLayout;
class QLabel;
class QSpinBox;

namespace quanta {
class GgufFile;
}

namespace quanta::ui {

class MemoryBar;

class EstimatePanel : public QWidget {
    Q_OBJECT

public:
    explicit EstimatePanel(QWidget* parent = nullptr);
    ~EstimatePanel() override;

    /// Opens `path` on a worker thread and estimates it; "" clears the panel.
    void setModelFile(const QString& path);
    void setDevice(const quanta::backend::DeviceInfo& device);
    /// KV cache positions (clamped to the spin box's 256…131072).
    void setContext(int64_t n_ctx);
    /// A name of quantize_type_names() (any case), or "" for the file as it is.
    void setType(const QString& type);

    QString modelFile() const { return m_path; }
    /// The estimate shown now; nullopt before the first one and after an error.
    std::optional<quanta::MemoryEstimate> currentEstimate() const { return m_estimate; }
    QString verdictText() const;
    /// Whether a file open or an estimate is still running.
    bool isBusy() const { return m_running > 0; }

signals:
    void estimateUpdated();

private:
    struct OpenResult;
    struct EstimateResult;

    void requestEstimate();
    void showEstimate(const quanta::MemoryEstimate& estimate);
    void showVerdict();
    void showError(const QString& message);
    void clearFigures();
    QLabel* addFigure(QFormLayout* form, const QString& field, const QString& label);

    QComboBox* m_typeCombo = nullptr;
    QSpinBox* m_contextSpin = nullptr;
    MemoryBar* m_bar = nullptr;
    QLabel* m_verdict = nullptr;
    QHash<QString, QLabel*> m_figures;

    QString m_path;
    std::shared_ptr<const quanta::GgufFile> m_file;
    std::optional<quanta::backend::DeviceInfo> m_device;
    std::optional<quanta::MemoryEstimate> m_estimate;
    quint64 m_openSerial = 0;
    quint64 m_estimateSerial = 0;
    int m_running = 0;
};

} // namespace quanta::ui
