// SPDX-License-Identifier: MIT
#include "main_window.h"

#include "chat/chat_view.h"
#include "chat_controller.h"
#include "engine_worker.h"
#include "model_catalog.h"
#include "model_details_view.h"
#include "panels/estimate_panel.h"
#include "panels/model_bar.h"
#include "panels/settings_dialog.h"
#include "studio/studio_view.h"
#include "studio_host.h"
#include "charts/charts_view.h"
#include "compare/compare_view.h"
#include "sidebar/conversation_sidebar.h"
#include "store_worker.h"
#include "theme.h"

#include "quanta/backend/backend.h"
#include "quanta/gguf.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using quanta::services::AppSettings;
using quanta::services::EngineWorker;
using quanta::services::StoreWorker;

namespace {

constexpr auto kDefaultModelFile = "SmolLM2-135M-Instruct.Q4_1.gguf";

// Runs on a pool thread: touches no widget, only the file and core/.
ModelLoadResult readSummary(const QString& path) {
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
    result.type = QString::fromStdString(quanta::model_type_name(*file));
    return result;
}

// Any single local file: the Quantize tab then says what is wrong with one that is not a model,
// instead of a drop that silently does nothing.
QString droppedFilePath(const QMimeData* mime) {
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1)
        return {};
    const QUrl url = mime->urls().constFirst();
    return url.isLocalFile() ? url.toLocalFile() : QString();
}

QList<quanta::backend::DeviceInfo> listDevices() {
    QList<quanta::backend::DeviceInfo> devices;
    for (const auto& backend : quanta::backend::available_backends())
        for (quanta::backend::Device* device : backend->devices())
            devices.append(device->info());
    return devices;
}

} // namespace

MainWindow::MainWindow(const MainWindowOptions& options, QWidget* parent) : QMainWindow(parent), m_options(options) {
    setWindowTitle(QStringLiteral("Quanta"));
    setAcceptDrops(true);
    resize(1360, 820);
    m_settings = AppSettings::load(*quanta::services::open_settings(m_options.settingsFile));
    createMenus();
    createWorkers();

    m_errorBanner = new QLabel;
    m_errorBanner->setObjectName(QStringLiteral("errorBanner"));
    m_errorBanner->setWordWrap(true);
    m_errorBanner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorBanner->setStyleSheet(QStringLiteral("QLabel { background: #fdecea; color: #8a1c13; border: 1px solid "
                                                "#f5c2bd; border-radius: 4px; padding: 8px; }"));
    m_errorBanner->hide();

    m_sidebar = new quanta::ui::ConversationSidebar;
    m_modelBar = new quanta::ui::ModelBar;
    m_chat = new quanta::ui::ChatView;
    m_estimate = new quanta::ui::EstimatePanel;
    m_details = new ModelDetailsView;

    m_pages = new QStackedWidget;
    m_welcomePage = createWelcomePage();
    m_chatPage = createChatPage();
    m_pages->addWidget(m_welcomePage);
    m_pages->addWidget(m_chatPage);

    m_chatTab = new QWidget;
    auto* chatColumn = new QVBoxLayout(m_chatTab);
    chatColumn->setContentsMargins(0, 4, 0, 0);
    chatColumn->addWidget(m_modelBar);
    chatColumn->addWidget(m_pages, 1);

    m_devices = listDevices();
    m_studioHost = new quanta::ui::StudioHost(m_devices.isEmpty() ? quanta::backend::DeviceInfo{} : m_devices.constFirst(),
                                              m_options.evaluationCachePath, this);
    m_modes = new QTabWidget;
    m_modes->setObjectName(QStringLiteral("modeTabs"));
    m_modes->setDocumentMode(true);
    m_modes->addTab(m_chatTab, tr("Chat"));
    m_modes->addTab(m_studioHost->studioView(), tr("Quantize"));
    m_modes->addTab(m_studioHost->compareView(), tr("Compare"));
    m_modes->addTab(m_studioHost->chartsView(), tr("Quality"));

    auto* center = new QWidget;
    auto* centerColumn = new QVBoxLayout(center);
    centerColumn->setContentsMargins(0, 0, 0, 0);
    centerColumn->addWidget(m_errorBanner);
    centerColumn->addWidget(m_modes, 1);

    m_sidePanel = new QTabWidget;
    m_sidePanel->setObjectName(QStringLiteral("sidePanel"));
    m_sidePanel->addTab(m_estimate, tr("Memory"));
    m_sidePanel->addTab(m_details, tr("Model"));

    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->addWidget(m_sidebar);
    m_splitter->addWidget(center);
    m_splitter->addWidget(m_sidePanel);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({230, 780, 350});
    setCentralWidget(m_splitter);

    m_loadProgress = new QProgressBar;
    m_loadProgress->setObjectName(QStringLiteral("loadProgress"));
    m_loadProgress->setRange(0, 100);
    m_loadProgress->setMaximumWidth(200);
    m_loadProgress->hide();
    statusBar()->addPermanentWidget(m_loadProgress);
    statusBar()->showMessage(tr("No model open"));

    m_controller = new quanta::ui::ChatController(m_chat, m_sidebar, m_engine, m_store, &m_settings, this);
    connect(m_controller, &quanta::ui::ChatController::errorOccurred, this, &MainWindow::showError);
    connect(m_controller, &quanta::ui::ChatController::statusMessage, this,
            [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    m_controller->newConversation();

    connect(m_modelBar, &quanta::ui::ModelBar::modelChosen, this, &MainWindow::openModel);
    connect(m_modelBar, &quanta::ui::ModelBar::openModelRequested, this, &MainWindow::showOpenDialog);
    connect(m_modelBar, &quanta::ui::ModelBar::quantizeRequested, this,
            [this](const QString& source, const QString& type) { quantizeTo(source, {type}); });
    connect(m_studioHost, &quanta::ui::StudioHost::chatRequested, this, [this](const QString& path) {
        m_modes->setCurrentWidget(m_chatTab);
        m_controller->newConversation();
        openModel(path);
    });
    m_studioHost->applySettings(m_settings);
    connect(m_studioHost, &quanta::ui::StudioHost::modelWritten, this, [this](const QString& target, const QString& source) {
        // Listed among the recent models (they may be outside the models folder), not opened.
        m_settings.add_recent(source);
        m_settings.add_recent(target);
        m_settings.save(*quanta::services::open_settings(m_options.settingsFile));
        m_modelBar->setRecentModels(m_settings.recent_models);
        rescanModels();
    });
    connect(m_modelBar, &quanta::ui::ModelBar::deviceChosen, this, [this](const QString& device) {
        AppSettings changed = m_settings;
        changed.device = device;
        applySettings(changed);
    });
    m_modelBar->setDevices(m_devices);
    m_modelBar->setCurrentDevice(m_settings.device);
    showDeviceInEstimate();
    m_estimate->setContext(m_settings.n_ctx);
    m_modelBar->setRecentModels(m_settings.recent_models);
    rescanModels();

    connect(m_store, &StoreWorker::conversationsListed, this, [this] { emit conversationsReady(); });
    const QString database = m_options.databasePath.isEmpty() ? StoreWorker::defaultDatabasePath() : m_options.databasePath;
    QMetaObject::invokeMethod(m_store, [s = m_store, database] {
        s->open(database);
        s->listConversations();
    });

    updatePages();
    if (m_options.openLastModel && !m_settings.last_model.isEmpty() && QFileInfo::exists(m_settings.last_model))
        openModel(m_settings.last_model);
}

// The pages go first (the compare view talks to its runner while it is destroyed), then the
// workers stop: a reply, load, comparison or quantization in flight ends at its next step.
MainWindow::~MainWindow() {
    m_engine->stop();
    m_studioHost->stopAll();
    delete takeCentralWidget();
    m_engineThread.quit();
    m_storeThread.quit();
    m_engineThread.wait();
    m_storeThread.wait();
}

void MainWindow::createWorkers() {
    m_engine = new EngineWorker;
    m_engine->moveToThread(&m_engineThread);
    connect(&m_engineThread, &QThread::finished, m_engine, &QObject::deleteLater);
    m_engineThread.setObjectName(QStringLiteral("engine"));
    m_engineThread.start();

    m_store = new StoreWorker;
    m_store->moveToThread(&m_storeThread);
    connect(&m_storeThread, &QThread::finished, m_store, &QObject::deleteLater);
    m_storeThread.setObjectName(QStringLiteral("store"));
    m_storeThread.start();

    connect(m_engine, &EngineWorker::loadProgress, this, [this](double fraction) {
        m_loadProgress->setValue(static_cast<int>(fraction * 100.0));
    });
    connect(m_engine, &EngineWorker::modelLoaded, this, [this](const QString& description) {
        m_engineLoading = false;
        --m_loadsRunning;
        m_loadProgress->hide();
        m_controller->setModelReady(true);
        statusBar()->showMessage(tr("Ready: %1").arg(description));
        emit modelLoaded(m_modelPath);
    });
    connect(m_engine, &EngineWorker::loadFailed, this, [this](const QString& message) {
        m_engineLoading = false;
        --m_loadsRunning;
        m_loadProgress->hide();
        m_controller->setModelReady(false);
        showError(tr("Could not load %1 for chat: %2").arg(QFileInfo(m_modelPath).fileName(), message));
        statusBar()->showMessage(tr("The model is not loaded"));
        emit modelLoadFailed(m_modelPath, message);
    });
}

void MainWindow::createMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open model…"), this, &MainWindow::showOpenDialog);
    open->setShortcut(QKeySequence::Open);
    open->setObjectName(QStringLiteral("openAction"));
    QAction* newChat = file->addAction(tr("&New conversation"), this, [this] { m_controller->newConversation(); });
    newChat->setShortcut(QKeySequence::New);
    file->addSeparator();
    QAction* settings = file->addAction(tr("&Settings…"), this, &MainWindow::showSettings);
    settings->setShortcut(QKeySequence::Preferences);
    settings->setMenuRole(QAction::PreferencesRole);
    settings->setObjectName(QStringLiteral("settingsAction"));
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

    auto* text = new QLabel(tr("Chat with a language model on your own computer. Nothing you type leaves this "
                               "machine. Choose a model to begin."));
    text->setAlignment(Qt::AlignCenter);
    text->setWordWrap(true);
    column->addWidget(text);

    auto* useDefault = new QPushButton(tr("Use SmolLM2-135M-Instruct (the default model)"));
    useDefault->setObjectName(QStringLiteral("useDefaultModelButton"));
    useDefault->setDefault(true);
    connect(useDefault, &QPushButton::clicked, this, [this] {
        const QString path = defaultModelPath();
        if (!path.isEmpty())
            openModel(path);
    });
    auto* open = new QPushButton(tr("Open model…"));
    open->setObjectName(QStringLiteral("openModelButton"));
    connect(open, &QPushButton::clicked, this, &MainWindow::showOpenDialog);
    auto* buttonRow = new QHBoxLayout;
    buttonRow->addStretch();
    buttonRow->addWidget(useDefault);
    buttonRow->addWidget(open);
    buttonRow->addStretch();
    column->addLayout(buttonRow);

    auto* hint = new QLabel;
    hint->setObjectName(QStringLiteral("firstRunHint"));
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    hint->setContentsMargins(0, 12, 0, 0);
    const bool haveDefault = !defaultModelPath().isEmpty();
    useDefault->setVisible(haveDefault);
    hint->setText(haveDefault
                      ? tr("The default model is a small (135 million parameters) English model: fast on any "
                           "computer, good for trying things out. You can also drop a .gguf file onto this window.")
                      : tr("Tip: ./scripts/run.sh downloads the default model, SmolLM2-135M-Instruct, into the "
                           "models/ folder. You can also drop a .gguf file onto this window."));
    column->addWidget(hint);
    column->addStretch(3);
    return page;
}

QWidget* MainWindow::createChatPage() {
    m_chat->setObjectName(QStringLiteral("chatView"));
    return m_chat;
}

void MainWindow::updatePages() {
    const bool firstRun = m_modelPath.isEmpty() && !m_engineLoading;
    m_pages->setCurrentWidget(firstRun ? m_welcomePage : m_chatPage);
}

QString MainWindow::modelsFolder() const {
    if (!m_options.modelsFolder.isEmpty())
        return m_options.modelsFolder;
    if (!m_settings.models_folder.isEmpty())
        return m_settings.models_folder;
    const QString local = QDir::current().filePath(QStringLiteral("models"));
    if (QFileInfo(local).isDir())
        return local;
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/quanta/models");
}

QString MainWindow::defaultModelPath() const {
    const QString path = QDir(modelsFolder()).filePath(QString::fromLatin1(kDefaultModelFile));
    return QFileInfo::exists(path) ? path : QString();
}

void MainWindow::rescanModels() {
    auto* watcher = new QFutureWatcher<QStringList>(this);
    connect(watcher, &QFutureWatcher<QStringList>::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_modelBar->setModelFiles(watcher->result());
        QStringList all = watcher->result();
        for (const QString& recent : std::as_const(m_settings.recent_models))
            if (!all.contains(recent) && QFileInfo::exists(recent))
                all.append(recent);
        m_studioHost->setModelFiles(all);
        if (!m_modelPath.isEmpty())
            m_modelBar->setCurrentModel(m_modelPath);
    });
    watcher->setFuture(QtConcurrent::run(quanta::services::scanModelFolder, modelsFolder()));
}

void MainWindow::showOpenDialog() {
    QString start = modelsFolder();
    if (!m_modelPath.isEmpty())
        start = QFileInfo(m_modelPath).absolutePath();
    else if (!QFileInfo(start).isDir())
        start = QDir::homePath();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open model"), start, tr("GGUF models (*.gguf);;All files (*)"));
    if (!path.isEmpty())
        openModel(path);
}

void MainWindow::openModel(const QString& requestedPath) {
    // One spelling per file: the recent list and the folder scan must agree on it.
    const QString path = QFileInfo(requestedPath).absoluteFilePath();
    if (m_controller->isReplying())
        m_engine->stop();
    const quint64 serial = ++m_loadSerial;
    ++m_loadsRunning;
    clearError();
    statusBar()->showMessage(tr("Reading %1…").arg(QDir::toNativeSeparators(path)));
    auto* watcher = new QFutureWatcher<ModelLoadResult>(this);
    connect(watcher, &QFutureWatcher<ModelLoadResult>::finished, this,
            [this, watcher, serial] { onSummaryRead(watcher, serial); });
    watcher->setFuture(QtConcurrent::run(readSummary, path));
}

bool MainWindow::isLoading() const {
    return m_loadsRunning > 0;
}

QString MainWindow::errorMessage() const {
    return m_errorBanner->isVisible() ? m_errorBanner->text() : QString();
}

void MainWindow::onSummaryRead(QFutureWatcher<ModelLoadResult>* watcher, quint64 serial) {
    watcher->deleteLater();
    --m_loadsRunning;
    if (serial != m_loadSerial)
        return; // the user opened another file meanwhile
    const ModelLoadResult result = watcher->result();
    if (!result.summary) {
        // Keep whatever was open before; a failed open does not close the current model.
        showError(tr("Could not open %1: %2").arg(QFileInfo(result.path).fileName(), result.error));
        if (!m_modelPath.isEmpty())
            m_modelBar->setCurrentModel(m_modelPath);
        emit modelLoadFailed(result.path, result.error);
        return;
    }
    m_modelPath = result.path;
    m_modelType = result.type;
    m_details->showSummary(result.path, *result.summary);
    m_estimate->setModelFile(result.path);
    m_modelBar->setCurrentModel(result.path);
    m_settings.remember_model(result.path);
    m_settings.save(*quanta::services::open_settings(m_options.settingsFile));
    m_modelBar->setRecentModels(m_settings.recent_models);
    setWindowTitle(tr("%1 – Quanta").arg(QFileInfo(result.path).fileName()));
    emit modelInspected(result.path);
    loadIntoEngine();
}

void MainWindow::loadIntoEngine() {
    if (m_modelPath.isEmpty())
        return;
    m_controller->setModel(m_modelPath, m_modelType);
    m_controller->setModelReady(false);
    if (!m_engineLoading)
        ++m_loadsRunning;
    m_engineLoading = true;
    updatePages();
    m_loadProgress->setValue(0);
    m_loadProgress->show();
    statusBar()->showMessage(tr("Loading %1…").arg(QFileInfo(m_modelPath).fileName()));
    quanta::services::EngineLoadOptions options;
    options.threads = m_settings.threads;
    options.n_ctx = m_settings.n_ctx;
    options.device = m_settings.device;
    QMetaObject::invokeMethod(m_engine, [e = m_engine, path = m_modelPath, options] { e->loadModel(path, options); });
}

void MainWindow::showSettings() {
    quanta::ui::SettingsDialog dialog(m_settings, this);
    if (dialog.exec() == QDialog::Accepted)
        applySettings(dialog.settings());
}

void MainWindow::applySettings(const AppSettings& settings) {
    const bool reload = settings.n_ctx != m_settings.n_ctx || settings.threads != m_settings.threads ||
                        settings.device != m_settings.device;
    const bool rescan = settings.models_folder != m_settings.models_folder;
    const bool languageChanged = settings.language != m_settings.language;
    if (settings.theme != m_settings.theme)
        quanta::ui::applyTheme(settings.theme);
    m_settings = settings;
    m_settings.save(*quanta::services::open_settings(m_options.settingsFile));
    m_estimate->setContext(m_settings.n_ctx);
    showDeviceInEstimate();
    m_studioHost->applySettings(m_settings);
    if (rescan)
        rescanModels();
    if (reload && !m_modelPath.isEmpty()) {
        if (m_controller->isReplying())
            m_engine->stop();
        loadIntoEngine();
    }
    if (languageChanged)
        statusBar()->showMessage(tr("The language changes the next time Quanta starts."), 8000);
}

// The settings' device, or the first one when it is gone (a GPU removed since the last run).
void MainWindow::showDeviceInEstimate() {
    if (m_devices.isEmpty())
        return;
    const quanta::backend::DeviceInfo* chosen = &m_devices.constFirst();
    for (const auto& device : std::as_const(m_devices))
        if (QString::fromStdString(device.name) == m_settings.device)
            chosen = &device;
    m_estimate->setDevice(*chosen);
    m_studioHost->setDevice(*chosen);
}

void MainWindow::quantizeTo(const QString& source, const QStringList& types) {
    m_modes->setCurrentWidget(m_studioHost->studioView());
    m_studioHost->studioView()->requestQuantize(source, types);
}

void MainWindow::showError(const QString& message) {
    m_errorBanner->setText(message);
    m_errorBanner->show();
}

void MainWindow::clearError() {
    m_errorBanner->hide();
    m_errorBanner->clear();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (!droppedFilePath(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QString path = droppedFilePath(event->mimeData());
    if (path.isEmpty())
        return;
    event->acceptProposedAction();
    quantizeTo(path, {});
}

void MainWindow::closeEvent(QCloseEvent* event) {
    m_engine->stop();
    QMainWindow::closeEvent(event);
}
