// SPDX-License-Identifier: MIT
// StudioView: the Quantize page. A drop area (or "Choose model…") takes one GGUF model; it is
// checked on a pool thread (a GGUF the engine can run), then the QuantizeDialog opens and its
// jobs go to the QuantizeQueue, whose progress the QueueView below shows.
//
//   auto* studio = new StudioView(queue, device.info(), this);
//   studio->setEvaluation(QStringLiteral("data/eval/debian-faq.en.txt"), QStringLiteral("en"));
//   connect(studio, &StudioView::chatRequested, this, &MainWindow::openModel);
//   connect(studio, &StudioView::evaluationFinished, charts, ...);
//
// Thread rules: GUI thread. The check runs on a pool thread that touches only its future; a
// newer request makes an older check's answer be ignored.
#pragma once

#include "quantize_queue.h"
#include "studio/quantize_dialog.h"

#include "quanta/backend/backend.h"

#include <QPointer>
#include <QWidget>

class QLabel;

namespace quanta::ui {

class QuantizeDialog;
class QueueView;

class StudioView : public QWidget {
    Q_OBJECT
public:
    /// `queue` is not owned and must outlive the view.
    StudioView(services::QuantizeQueue* queue, const backend::DeviceInfo& device, QWidget* parent = nullptr);

    /// The device the dialog predicts memory for (the one chats run on).
    void setDevice(const backend::DeviceInfo& device) { m_device = device; }
    /// The text quality is measured on and its settings (EvaluationRequest's); without a text,
    /// jobs only quantize.
    void setEvaluation(const QString& textPath, const QString& textName, qint64 contextTokens = 512,
                       qint64 maxChunks = 16);
    /// Where the sources' log-probabilities are kept between jobs; "" : a temp folder.
    void setCacheFolder(const QString& folder) { m_cacheFolder = folder; }
    /// Threads per job; <= 0: all.
    void setThreads(int threads) { m_threads = threads; }

    /// Check `path` (a GGUF file, or a Hugging Face model folder, which is converted to F16 GGUF
    /// next to it first) and open the QuantizeDialog for it (non-modal), or show why it cannot be
    /// quantized in the "studioError" label. `preselected`: types ticked when the dialog opens
    /// (the model bar's "Quantize to TYPE…").
    void requestQuantize(const QString& path, const QStringList& preselected = {});
    /// The open dialog; nullptr when none is.
    QuantizeDialog* currentDialog() const { return m_dialog; }
    QueueView* queueView() const { return m_queueView; }
    QString errorText() const;

signals:
    void chatRequested(const QString& path);
    void dialogOpened(quanta::ui::QuantizeDialog* dialog);
    /// A dropped Hugging Face folder was converted to this F16 GGUF (the dialog opens on it).
    void folderConverted(const QString& gguf);
    /// A job finished with its quality measured: the variant's result and the source's.
    void evaluationFinished(const quanta::services::EvaluationResult& result,
                            const quanta::services::EvaluationResult& source);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void showError(const QString& message);
    void openDialog(const QString& path, const QStringList& preselected);
    void convertFolder(const QString& folder, const QStringList& preselected);
    void chooseModel();

    services::QuantizeQueue* m_queue;
    backend::DeviceInfo m_device;
    QString m_textPath, m_textName, m_cacheFolder;
    qint64 m_contextTokens = 512, m_maxChunks = 16;
    int m_threads = 0;
    int m_requestSerial = 0; ///< the latest requestQuantize; older checks' answers are dropped
    QLabel* m_error = nullptr;
    QLabel* m_status = nullptr; ///< the conversion of a dropped folder
    QueueView* m_queueView = nullptr;
    QPointer<QuantizeDialog> m_dialog;
};

} // namespace quanta::ui
