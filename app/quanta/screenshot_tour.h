// SPDX-License-Identifier: MIT
// ScreenshotTour: drives the real window through the views the README shows and saves a PNG of
// each (scripts/screenshots.sh runs it under Xvfb): the chat after a streamed reply, the memory
// estimate for another quantization level, the model's details and the Settings dialog. Without a
// model it saves the first-run panel only. The app quits when the tour ends (exit code 1 if a
// step failed: a model that did not load, an image that could not be written).
#pragma once

#include <QObject>
#include <QString>

class MainWindow;

class ScreenshotTour : public QObject {
    Q_OBJECT
public:
    ScreenshotTour(MainWindow* window, QString folder, QString prompt, QString prefix);
    /// Starts when the model is loaded (or at once without one).
    void start(bool withModel);

private:
    void chatStep();
    void panelSteps();
    bool save(QWidget* widget, const QString& name);
    void finish(bool ok);

    MainWindow* m_window;
    QString m_folder;
    QString m_prompt;
    QString m_prefix; ///< file name prefix, e.g. "ko-"
    bool m_ok = true;
};
