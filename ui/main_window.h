// SPDX-License-Identifier: MIT
// The Quanta main window: a first-run panel until a model is open, then the model's details.
// Files are parsed on a worker thread (QtConcurrent); only the finished summary reaches the GUI
// thread, and a newer open request makes an older one's result be ignored.
#pragma once

#include "quanta/model_info.h"

#include <QFutureWatcher>
#include <QMainWindow>

#include <optional>

class QLabel;
class QStackedWidget;
class ModelDetailsView;

/// What the worker thread hands back: a summary or a one-line error.
struct ModelLoadResult {
    QString path;
    std::optional<quanta::ModelSummary> summary;
    QString error;
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Start reading a GGUF file in the background; modelLoaded or modelLoadFailed follows.
    void openModel(const QString& path);
    bool isLoading() const;
    QString modelPath() const { return m_modelPath; }
    ModelDetailsView* detailsView() const { return m_details; }
    /// The error shown in the window, empty when there is none.
    QString errorMessage() const;

signals:
    void modelLoaded(const QString& path);
    void modelLoadFailed(const QString& path, const QString& message);

public slots:
    void showOpenDialog();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createMenus();
    QWidget* createWelcomePage();
    QWidget* createLoadingPage();
    void onLoadFinished(QFutureWatcher<ModelLoadResult>* watcher, quint64 serial);
    void showError(const QString& message);

    QStackedWidget* m_pages = nullptr;
    QWidget* m_welcomePage = nullptr;
    QWidget* m_loadingPage = nullptr;
    QLabel* m_loadingLabel = nullptr;
    QLabel* m_errorBanner = nullptr;
    ModelDetailsView* m_details = nullptr;
    QString m_modelPath;
    quint64 m_loadSerial = 0; ///< the newest request; older results are dropped
    int m_loadsRunning = 0;
};
