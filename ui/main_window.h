// SPDX-License-Identifier: MIT
// The Quanta main window: conversations on the left; in the middle the Chat tab (model bar and
// chat, or a first-run panel until a model is chosen) and the studio's Quantize, Compare and
// Quality tabs; the memory estimate and the model's details on the right. A file dropped on the
// window goes to the Quantize tab. Opening a model reads its header on a pool thread (details, estimate) and loads it on
// the EngineWorker's thread; conversations live in SQLite behind the StoreWorker's thread. The
// GUI thread only lays out widgets (ARCHITECTURE.md, "Threads").
#pragma once

#include "app_settings.h"
#include "quanta/backend/backend.h"
#include "quanta/model_info.h"

#include <QFutureWatcher>
#include <QMainWindow>
#include <QThread>

#include <optional>

class QLabel;
class QProgressBar;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class ModelDetailsView;

namespace quanta::services {
class EngineWorker;
class StoreWorker;
}
namespace quanta::ui {
class ChatController;
class ChatView;
class ConversationSidebar;
class EstimatePanel;
class ModelBar;
class StudioHost;
}

/// What the worker thread hands back: a summary or a one-line error.
struct ModelLoadResult {
    QString path;
    std::optional<quanta::ModelSummary> summary;
    QString type; ///< quanta::model_type_name, e.g. "Q4_K_M"
    QString error;
};

/// Where the window keeps its state; tests point these at temporary files.
struct MainWindowOptions {
    QString settingsFile;  ///< "" : the platform's QSettings (~/.config/Quanta/Quanta.conf)
    QString databasePath;  ///< "" : StoreWorker::defaultDatabasePath(), shared with quanta-cli
    QString modelsFolder;  ///< "" : the settings' folder, else ./models, else the XDG data folder
    QString evaluationCachePath; ///< "" : EvaluationCache::defaultPath() (measured qualities)
    bool openLastModel = true; ///< reopen the model of the previous run
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const MainWindowOptions& options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Read the GGUF header (details, estimate) and load the model for chat. modelLoaded or
    /// modelLoadFailed follows; modelInspected comes first when the header could be read.
    void openModel(const QString& path);
    bool isLoading() const;
    QString modelPath() const { return m_modelPath; }
    /// The error shown in the window, empty when there is none.
    QString errorMessage() const;
    const quanta::services::AppSettings& settings() const { return m_settings; }
    /// Replaces the settings (as the Settings dialog does): saved, theme applied, model reloaded
    /// when the context, threads or device changed.
    void applySettings(const quanta::services::AppSettings& settings);

    ModelDetailsView* detailsView() const { return m_details; }
    quanta::ui::ChatView* chatView() const { return m_chat; }
    quanta::ui::ConversationSidebar* sidebar() const { return m_sidebar; }
    quanta::ui::EstimatePanel* estimatePanel() const { return m_estimate; }
    quanta::ui::ModelBar* modelBar() const { return m_modelBar; }
    quanta::ui::ChatController* chatController() const { return m_controller; }
    quanta::ui::StudioHost* studio() const { return m_studioHost; }
    /// The tabs of the centre: Chat, Quantize, Compare, Quality.
    QTabWidget* modeTabs() const { return m_modes; }
    /// The models folder in use (scanned for the model picker).
    QString modelsFolder() const;
    /// The default model fetched by scripts/run.sh, if it is in the models folder.
    QString defaultModelPath() const;

signals:
    void modelInspected(const QString& path);
    void modelLoaded(const QString& path);
    void modelLoadFailed(const QString& path, const QString& message);
    /// The conversation list arrived from the database (once at start, then after each change).
    void conversationsReady();

public slots:
    void showOpenDialog();
    void showSettings();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void createWorkers();
    QWidget* createWelcomePage();
    QWidget* createChatPage();
    void onSummaryRead(QFutureWatcher<ModelLoadResult>* watcher, quint64 serial);
    void loadIntoEngine();
    void rescanModels();
    void quantizeTo(const QString& source, const QStringList& types);
    void showDeviceInEstimate();
    void showError(const QString& message);
    void clearError();
    void updatePages();

    MainWindowOptions m_options;
    quanta::services::AppSettings m_settings;

    QThread m_engineThread;
    QThread m_storeThread;
    quanta::services::EngineWorker* m_engine = nullptr; // lives on m_engineThread
    quanta::services::StoreWorker* m_store = nullptr;   // lives on m_storeThread

    QStackedWidget* m_pages = nullptr;
    QWidget* m_welcomePage = nullptr;
    QWidget* m_chatPage = nullptr;
    QLabel* m_errorBanner = nullptr;
    QProgressBar* m_loadProgress = nullptr;
    QSplitter* m_splitter = nullptr;
    QTabWidget* m_sidePanel = nullptr;
    QTabWidget* m_modes = nullptr;
    QWidget* m_chatTab = nullptr;
    quanta::ui::StudioHost* m_studioHost = nullptr;
    ModelDetailsView* m_details = nullptr;
    quanta::ui::ChatView* m_chat = nullptr;
    quanta::ui::ConversationSidebar* m_sidebar = nullptr;
    quanta::ui::EstimatePanel* m_estimate = nullptr;
    quanta::ui::ModelBar* m_modelBar = nullptr;
    quanta::ui::ChatController* m_controller = nullptr;

    QList<quanta::backend::DeviceInfo> m_devices;
    QString m_modelPath;       ///< the model shown (header read), "" : none
    QString m_modelType;       ///< its file type, e.g. "Q4_1"
    quint64 m_loadSerial = 0;  ///< the newest request; older results are dropped
    int m_loadsRunning = 0;    ///< header reads and engine loads in flight
    bool m_engineLoading = false;
};
