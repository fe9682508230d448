// SPDX-License-Identifier: MIT
#include "screenshot_tour.h"

#include "charts/charts_view.h"
#include "chat/chat_view.h"
#include "chat_controller.h"
#include "compare/compare_view.h"
#include "main_window.h"
#include "model_details_view.h"
#include "panels/estimate_panel.h"
#include "panels/settings_dialog.h"
#include "studio/quantize_dialog.h"
#include "studio/studio_view.h"
#include "studio_host.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTimer>

namespace {

// The levels the README's studio screenshots show.
const QStringList kTypes = {QStringLiteral("Q8_0"), QStringLiteral("Q4_K_M"), QStringLiteral("NF4"),
                            QStringLiteral("INT8")};

} // namespace

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
    m_modelPath = m_window->modelPath();
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
                if (m_prefix.isEmpty())
                    quantizeSteps();
                else
                    finish(m_ok);
            });
        });
    }, Qt::SingleShotConnection);
    type->setCurrentText(QStringLiteral("Q4_K_M"));
}

void ScreenshotTour::quantizeSteps() {
    auto* studio = m_window->studio()->studioView();
    m_window->modeTabs()->setCurrentWidget(studio);
    connect(studio, &quanta::ui::StudioView::dialogOpened, this, [this](quanta::ui::QuantizeDialog* dialog) {
        auto shoot = [this, dialog] {
            for (const QString& type : dialog->types())
                dialog->setChecked(type, kTypes.contains(type));
            QTimer::singleShot(300, this, [this, dialog] {
                m_ok = save(dialog, QStringLiteral("quantize-dialog")) && m_ok;
                for (const auto& job : dialog->jobs())
                    m_quantized << job.target;
                dialog->accept();
                // The queue a second into the run: one job measuring or quantizing, others waiting.
                QTimer::singleShot(1500, this, [this] { m_ok = save(m_window, QStringLiteral("quantize-queue")) && m_ok; });
            });
        };
        if (dialog->hasPredictions())
            shoot();
        else
            connect(dialog, &quanta::ui::QuantizeDialog::predictionsReady, this, shoot, Qt::SingleShotConnection);
    }, Qt::SingleShotConnection);
    auto finished = std::make_shared<int>(0);
    connect(studio, &quanta::ui::StudioView::evaluationFinished, this, [this, finished] {
        if (++*finished == kTypes.size())
            QTimer::singleShot(500, this, &ScreenshotTour::chartSteps);
    });
    studio->requestQuantize(m_modelPath);
}

void ScreenshotTour::chartSteps() {
    auto* charts = m_window->studio()->chartsView();
    m_window->modeTabs()->setCurrentWidget(charts);
    auto* tabs = charts->findChild<QTabWidget*>();
    const QStringList names = {QStringLiteral("chart-perplexity"), QStringLiteral("chart-pareto"),
                               QStringLiteral("chart-chunks"), QStringLiteral("chart-kld")};
    for (int i = 0; i < names.size() && tabs && i < tabs->count(); ++i) {
        tabs->setCurrentIndex(i);
        QApplication::processEvents();
        m_ok = save(m_window, names[i]) && m_ok;
    }
    compareStep();
}

void ScreenshotTour::compareStep() {
    auto* compare = m_window->studio()->compareView();
    m_window->modeTabs()->setCurrentWidget(compare);
    // The model itself against its Q8_0, greedy: the same prompt, side by side.
    auto pick = [compare](int index, const QString& path) {
        auto* picker = compare->findChild<QComboBox*>(QStringLiteral("variant%1").arg(index));
        const int at = picker ? picker->findData(path) : -1;
        if (at >= 0)
            picker->setCurrentIndex(at);
        return at >= 0;
    };
    const QString q8 = m_quantized.filter(QStringLiteral("Q8_0")).value(0);
    const QString nf4 = m_quantized.filter(QStringLiteral("NF4")).value(0);
    QTimer::singleShot(1000, this, [this, compare, pick, q8, nf4] { // after the folder scan
        const bool picked = pick(0, m_modelPath) && pick(1, q8);
        pick(2, nf4);
        compare->findChild<QPlainTextEdit*>(QStringLiteral("comparePrompt"))->setPlainText(m_prompt);
        if (!picked) {
            qWarning("compare: the variants are not listed");
            finish(false);
            return;
        }
        connect(compare, &quanta::ui::CompareView::comparisonFinished, this, [this] {
            QTimer::singleShot(400, this, [this] {
                m_ok = save(m_window, QStringLiteral("compare")) && m_ok;
                finish(m_ok);
            });
        }, Qt::SingleShotConnection);
        compare->runComparison();
    });
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
