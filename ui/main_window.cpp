// SPDX-License-Identifier: MIT
#include "main_window.h"

#include "model_details_view.h"

#include "quanta/gguf.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace {

// Runs on a worker thread: touches no widget, only the file and core/.
ModelLoadResult loadSummary(const QString& path) {
    ModelLoadResult result;
    result.path = path;
    const std::string nativePath = QFile::encodeName(path).toStdString();
    auto file = quanta::GgufFile::open(nativePath);
    if (!file) {
        // The window names the file itself; drop the path the core puts in front.
        std::string message = file.error().message;
        if (message.starts_with(nativePath + ": "))
            message.erase(0, nativePath.size() + 2);
        result.error = QString::fromStdString(message);
        return result;
    }
    auto summary = quanta::summarize_model(*file);
    if (!summary) {
        result.error = QString::fromStdString(summary.error().message);
        return result;
    }
    result.summary = std::move(*summary);
    return result;
}

QString droppedModelPath(const QMimeData* mime) {
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1)
        return {};
    const QUrl url = mime->urls().constFirst();
    if (!url.isLocalFile() || !url.toLocalFile().endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive))
        return {};
    return url.toLocalFile();
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("Quanta"));
    setAcceptDrops(true);
    resize(1180, 760);
    createMenus();

    m_errorBanner = new QLabel;
    m_errorBanner->setObjectName(QStringLiteral("errorBanner"));
    m_errorBanner->setWordWrap(true);
    m_errorBanner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorBanner->setStyleSheet(QStringLiteral("QLabel { background: #fdecea; color: #8a1c13; border: 1px solid "
                                                "#f5c2bd; border-radius: 4px; padding: 8px; }"));
    m_errorBanner->hide();

    m_pages = new QStackedWidget;
    m_welcomePage = createWelcomePage();
    m_loadingPage = createLoadingPage();
    m_details = new ModelDetailsView;
    m_pages->addWidget(m_welcomePage);
    m_pages->addWidget(m_loadingPage);
    m_pages->addWidget(m_details);

    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->addWidget(m_errorBanner);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    statusBar()->showMessage(tr("No model open"));
}

// A load still running when the window goes away finishes in the thread pool; its watcher is a
// child of this window and dies with it, so the result is dropped without touching a widget.
MainWindow::~MainWindow() = default;

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open model…"), this, &MainWindow::showOpenDialog);
    open->setShortcut(QKeySequence::Open);
    open->setObjectName(QStringLiteral("openAction"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
}

QWidget* MainWindow::createWelcomePage() {
    auto* page = new QWidget;
    page->setObjectName(QStringLiteral("welcomePage"));
    auto* column = new QVBoxLayout(page);
    column->addStretch(2);

    auto* icon = new QLabel;
    icon->setPixmap(QApplication::windowIcon().pixmap(96, 96));
    icon->setAlignment(Qt::AlignCenter);
    icon->setVisible(!icon->pixmap().isNull());
    column->addWidget(icon);

    auto* title = new QLabel(tr("Welcome to Quanta"));
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.8);
    titleFont.setBold(true);
    title->setFont(titleFont);
    title->setAlignment(Qt::AlignCenter);
    column->addWidget(title);

    auto* text = new QLabel(tr("Open a GGUF model to see its architecture, tokenizer, tensors and bits per weight."));
    text->setAlignment(Qt::AlignCenter);
    text->setWordWrap(true);
    column->addWidget(text);

    auto* button = new QPushButton(tr("Open model…"));
    button->setObjectName(QStringLiteral("openModelButton"));
    button->setDefault(true);
    connect(button, &QPushButton::clicked, this, &MainWindow::showOpenDialog);
    auto* buttonRow = new QHBoxLayout;
    buttonRow->addStretch();
    buttonRow->addWidget(button);
    buttonRow->addStretch();
    column->addLayout(buttonRow);

    auto* hint = new QLabel(tr("Tip: ./scripts/run.sh downloaded the default model, SmolLM2-135M-Instruct, into the "
                               "models/ folder. You can also drop a .gguf file onto this window."));
    hint->setObjectName(QStringLiteral("firstRunHint"));
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    hint->setContentsMargins(0, 12, 0, 0);
    column->addWidget(hint);
    column->addStretch(3);
    return page;
}

QWidget* MainWindow::createLoadingPage() {
    auto* page = new QWidget;
    auto* column = new QVBoxLayout(page);
    column->addStretch();
    m_loadingLabel = new QLabel;
    m_loadingLabel->setAlignment(Qt::AlignCenter);
    column->addWidget(m_loadingLabel);
    auto* busy = new QProgressBar;
    busy->setRange(0, 0);
    busy->setMaximumWidth(320);
    column->addWidget(busy, 0, Qt::AlignHCenter);
    column->addStretch();
    return page;
}

void MainWindow::showOpenDialog() {
    QString start = QDir::current().filePath(QStringLiteral("models"));
    if (!m_modelPath.isEmpty())
        start = QFileInfo(m_modelPath).absolutePath();
    else if (!QFileInfo(start).isDir())
        start = QDir::homePath();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open model"), start, tr("GGUF models (*.gguf);;All files (*)"));
    if (!path.isEmpty())
        openModel(path);
}

void MainWindow::openModel(const QString& path) {
    const quint64 serial = ++m_loadSerial;
    ++m_loadsRunning;
    m_errorBanner->hide();
    m_loadingLabel->setText(tr("Reading %1…").arg(QFileInfo(path).fileName()));
    m_pages->setCurrentWidget(m_loadingPage);
    statusBar()->showMessage(tr("Reading %1…").arg(QDir::toNativeSeparators(path)));

    auto* watcher = new QFutureWatcher<ModelLoadResult>(this);
    connect(watcher, &QFutureWatcher<ModelLoadResult>::finished, this,
            [this, watcher, serial] { onLoadFinished(watcher, serial); });
    watcher->setFuture(QtConcurrent::run(loadSummary, path));
}

bool MainWindow::isLoading() const {
    return m_loadsRunning > 0;
}

QString MainWindow::errorMessage() const {
    return m_errorBanner->isVisible() ? m_errorBanner->text() : QString();
}

void MainWindow::onLoadFinished(QFutureWatcher<ModelLoadResult>* watcher, quint64 serial) {
    watcher->deleteLater();
    --m_loadsRunning;
    if (serial != m_loadSerial)
        return; // the user opened another file meanwhile
    const ModelLoadResult result = watcher->result();
    if (!result.summary) {
        // Keep whatever was shown before; a failed open does not close the current model.
        m_pages->setCurrentWidget(m_modelPath.isEmpty() ? m_welcomePage : static_cast<QWidget*>(m_details));
        showError(tr("Could not open %1: %2").arg(QFileInfo(result.path).fileName(), result.error));
        statusBar()->showMessage(m_modelPath.isEmpty() ? tr("No model open") : QDir::toNativeSeparators(m_modelPath));
        emit modelLoadFailed(result.path, result.error);
        return;
    }
    m_modelPath = result.path;
    m_details->showSummary(result.path, *result.summary);
    m_pages->setCurrentWidget(m_details);
    setWindowTitle(tr("%1 – Quanta").arg(QFileInfo(result.path).fileName()));
    statusBar()->showMessage(QDir::toNativeSeparators(result.path));
    emit modelLoaded(result.path);
}

void MainWindow::showError(const QString& message) {
    m_errorBanner->setText(message);
    m_errorBanner->show();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (!droppedModelPath(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QString path = droppedModelPath(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    openModel(path);
}
