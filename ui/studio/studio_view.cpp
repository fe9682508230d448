// SPDX-License-Identifier: MIT
#include "studio/studio_view.h"

#include "studio/quantize_dialog.h"
#include "studio/queue_view.h"

#include "quanta/estimate.h"
#include "quanta/gguf.h"
#include "quanta/hf_import.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QFutureWatcher>
#include <QLabel>
#include <QMimeData>
#include <QPromise>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace quanta::ui {

namespace {

/// The one local file a drag carries, or "" (several files, a web link, text).
QString singleLocalFile(const QMimeData* mime) {
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1 || !mime->urls().first().isLocalFile())
        return {};
    return mime->urls().first().toLocalFile();
}

} // namespace

StudioView::StudioView(services::QuantizeQueue* queue, const backend::DeviceInfo& device, QWidget* parent)
    : QWidget(parent), m_queue(queue), m_device(device) {
    setAcceptDrops(true);
    auto* layout = new QVBoxLayout(this);

    auto* dropArea = new QFrame(this);
    dropArea->setObjectName(QStringLiteral("dropArea"));
    dropArea->setFrameShape(QFrame::StyledPanel);
    dropArea->setMinimumHeight(120);
    auto* dropLayout = new QVBoxLayout(dropArea);
    auto* dropLabel = new QLabel(tr("Drop a GGUF model here to quantize it"), dropArea);
    dropLabel->setAlignment(Qt::AlignCenter);
    dropLayout->addWidget(dropLabel);
    auto* choose = new QPushButton(tr("Choose model…"), dropArea);
    choose->setObjectName(QStringLiteral("chooseModelButton"));
    connect(choose, &QPushButton::clicked, this, &StudioView::chooseModel);
    dropLayout->addWidget(choose, 0, Qt::AlignHCenter);
    layout->addWidget(dropArea);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("studioError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("studioStatus"));
    m_status->setWordWrap(true);
    m_status->hide();
    layout->addWidget(m_error);
    layout->addWidget(m_status);

    m_queueView = new QueueView(this);
    m_queueView->setQueue(queue);
    layout->addWidget(m_queueView, 1);
    connect(m_queueView, &QueueView::chatRequested, this, &StudioView::chatRequested);
    connect(queue, &services::QuantizeQueue::jobFinished, this,
            [this](int, const QString&, bool evaluated, const services::EvaluationResult& result,
                   const services::EvaluationResult& source) {
                if (evaluated)
                    emit evaluationFinished(result, source);
            });
}

void StudioView::setEvaluation(const QString& textPath, const QString& textName, qint64 contextTokens,
                               qint64 maxChunks) {
    m_textPath = textPath;
    m_textName = textName;
    m_contextTokens = contextTokens;
    m_maxChunks = maxChunks;
}

QString StudioView::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

void StudioView::requestQuantize(const QString& path, const QStringList& preselected) {
    if (QFileInfo(path).isDir()) {
        convertFolder(path, preselected);
        return;
    }
    const int serial = ++m_requestSerial;
    m_error->hide();
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, serial, path, preselected] {
        watcher->deleteLater();
        if (serial != m_requestSerial)
            return; // a newer request replaced this one
        const QString problem = watcher->result();
        if (problem.isEmpty())
            openDialog(path, preselected);
        else
            showError(tr("%1 cannot be quantized: %2").arg(QFileInfo(path).fileName(), problem));
    });
    // Opening parses the whole header (vocabularies of 150k tokens): not on the GUI thread.
    watcher->setFuture(QtConcurrent::run([path]() -> QString {
        auto file = GgufFile::open(QFile::encodeName(path).toStdString());
        if (!file) {
            if (file.error().code == ErrorCode::BadMagic)
                return tr("it is not a GGUF model file.");
            if (file.error().code == ErrorCode::NotFound)
                return tr("the file does not exist.");
            return tr("the file is damaged or incomplete (%1).").arg(QString::fromStdString(file.error().message));
        }
        // estimate_memory reads the architecture and hyperparameters the way Model::load does.
        auto estimate = estimate_memory(*file, std::nullopt);
        if (!estimate) {
            if (estimate.error().code == ErrorCode::Unsupported)
                return tr("Quanta cannot run this model (%1).").arg(QString::fromStdString(estimate.error().message));
            return QString::fromStdString(estimate.error().message);
        }
        return {};
    }));
}

// A Hugging Face folder becomes NAME-F16.gguf next to it (on the pool, with progress), then goes
// the way of a dropped GGUF file. An existing NAME-F16.gguf is used as it is.
void StudioView::convertFolder(const QString& folder, const QStringList& preselected) {
    const int serial = ++m_requestSerial;
    m_error->hide();
    const QFileInfo info(folder);
    const QString target = info.absolutePath() + QLatin1Char('/') + info.fileName() + QStringLiteral("-F16.gguf");
    if (QFileInfo::exists(target)) {
        m_status->setText(tr("Using %1, converted before.").arg(QFileInfo(target).fileName()));
        m_status->show();
        requestQuantize(target, preselected);
        return;
    }
    m_status->setText(tr("Converting %1 from the Hugging Face format…").arg(info.fileName()));
    m_status->show();
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcherBase::progressValueChanged, this, [this, name = info.fileName()](int percent) {
        m_status->setText(tr("Converting %1 from the Hugging Face format… %2%").arg(name).arg(percent));
    });
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, serial, folder, target, preselected] {
        watcher->deleteLater();
        if (serial != m_requestSerial)
            return;
        m_status->hide();
        const QString problem = watcher->result();
        if (!problem.isEmpty()) {
            showError(tr("%1 cannot be converted: %2").arg(QFileInfo(folder).fileName(), problem));
            return;
        }
        emit folderConverted(target);
        requestQuantize(target, preselected);
    });
    watcher->setFuture(QtConcurrent::run([folder, target](QPromise<QString>& promise) {
        promise.setProgressRange(0, 100);
        HfConvertOptions options;
        options.type = "F16";
        options.on_progress = [&promise](const HfConvertProgress& p) {
            if (p.bytes_total > 0)
                promise.setProgressValue(static_cast<int>(100 * p.bytes_done / p.bytes_total));
            return !promise.isCanceled();
        };
        auto converted = convert_hf_model(QFile::encodeName(folder).toStdString(),
                                          QFile::encodeName(target).toStdString(), options);
        promise.addResult(converted ? QString() : QString::fromStdString(converted.error().message));
    }));
}

void StudioView::showError(const QString& message) {
    m_error->setText(message);
    m_error->show();
}

void StudioView::openDialog(const QString& path, const QStringList& preselected) {
    if (m_dialog)
        m_dialog->reject(); // one model at a time: the newer drop wins
    auto* dialog = new QuantizeDialog(path, m_device, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        for (services::QuantizeJobSpec spec : dialog->jobs()) {
            spec.threads = m_threads;
            spec.textPath = m_textPath;
            spec.textName = m_textName;
            spec.cacheFolder = m_cacheFolder;
            spec.evaluationContext = m_contextTokens;
            spec.evaluationChunks = m_maxChunks;
            m_queue->enqueue(spec);
        }
    });
    for (const QString& type : preselected)
        dialog->setChecked(type, true);
    dialog->open();
    emit dialogOpened(dialog);
}

void StudioView::chooseModel() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a model to quantize"), QString(),
                                                      tr("GGUF models (*.gguf);;All files (*)"));
    if (!path.isEmpty())
        requestQuantize(path);
}

// Any single local file is accepted, not only *.gguf: a wrong file then gets a message saying
// why, instead of a drop that silently does nothing.
void StudioView::dragEnterEvent(QDragEnterEvent* event) {
    if (!singleLocalFile(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void StudioView::dropEvent(QDropEvent* event) {
    const QString path = singleLocalFile(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    requestQuantize(path);
}

} // namespace quanta::ui
