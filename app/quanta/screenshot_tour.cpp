// SPDX-License-Identifier: MIT
#include "screenshot_tour.h"

#include "chat/chat_view.h"
#include "chat_controller.h"
#include "main_window.h"
#include "model_details_view.h"
#include "panels/estimate_panel.h"
#include "panels/settings_dialog.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QTabWidget>
#include <QTimer>

ScreenshotTour::ScreenshotTour(MainWindow* window, QString folder, QString prompt, QString prefix)
    : QObject(window), m_window(window), m_folder(std::move(folder)), m_prompt(std::move(prompt)),
      m_prefix(std::move(prefix)) {}

void ScreenshotTour::start(bool withModel) {
    QDir().mkpath(m_folder);
    if (!withModel) {
        // Two turns of the event loop: the layout settles before the grab.
        QTimer::singleShot(500, this, [this] { finish(save(m_window, QStringLiteral("first-run"))); });
        return;
    }
    connect(m_window, &MainWindow::modelLoaded, this, &ScreenshotTour::chatStep, Qt::SingleShotConnection);
    connect(m_window, &MainWindow::modelLoadFailed, this, [this] { finish(false); }, Qt::SingleShotConnection);
}

void ScreenshotTour::chatStep() {
    connect(m_window->chatController(), &quanta::ui::ChatController::replyEnded, this,
            [this] { QTimer::singleShot(400, this, &ScreenshotTour::panelSteps); }, Qt::SingleShotConnection);
    m_window->chatController()->sendMessage(m_prompt);
}

void ScreenshotTour::panelSteps() {
    auto* side = m_window->findChild<QTabWidget*>(QStringLiteral("sidePanel"));
    side->setCurrentWidget(m_window->estimatePanel());
    m_ok = save(m_window, QStringLiteral("chat")) && m_ok;

    // The estimate for another level: what the user sees before choosing to quantize.
    auto* type = m_window->estimatePanel()->findChild<QComboBox*>(QStringLiteral("estimateType"));
    connect(m_window->estimatePanel(), &quanta::ui::EstimatePanel::estimateUpdated, this, [this, side] {
        QTimer::singleShot(300, this, [this, side] {
            m_ok = save(m_window, QStringLiteral("estimate")) && m_ok;
            side->setCurrentWidget(m_window->detailsView());
            m_ok = save(m_window, QStringLiteral("model")) && m_ok;
            auto* dialog = new quanta::ui::SettingsDialog(m_window->settings(), m_window);
            dialog->show();
            QTimer::singleShot(400, this, [this, dialog] {
                m_ok = save(dialog, QStringLiteral("settings")) && m_ok;
                dialog->close();
                finish(m_ok);
            });
        });
    }, Qt::SingleShotConnection);
    type->setCurrentText(QStringLiteral("Q4_K_M"));
}

bool ScreenshotTour::save(QWidget* widget, const QString& name) {
    const QString path = QDir(m_folder).filePath(m_prefix + name + QStringLiteral(".png"));
    const bool ok = widget->grab().save(path);
    qInfo("%s %s", ok ? "saved" : "could not save", qPrintable(path));
    return ok;
}

void ScreenshotTour::finish(bool ok) {
    QApplication::exit(ok ? 0 : 1);
}
