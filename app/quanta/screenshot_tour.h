// SPDX-License-Identifier: MIT
// ScreenshotTour: drives the real window through the views the README shows and saves a PNG of
// each (scripts/screenshots.sh runs it under Xvfb): the chat after a streamed reply, the memory
// estimate for another quantization level, the model's details and the Settings dialog; then,
// without a file-name prefix (the English run), the studio: the quantize dialog with its
// predictions, the running queue, the four quality charts of the real quantizations, and a
// comparison of the model with its Q8_0. Without a model it saves the first-run panel only. The app quits when the tour ends (exit code 1 if a
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
    void quantizeSteps();
    void chartSteps();
    void compareStep();
    bool save(QWidget* widget, const QString& name);
    void finish(bool ok);

    MainWindow* m_window;
    QString m_folder;
    QString m_prompt;
    QString m_prefix; ///< file name prefix, e.g. "ko-"
    QString m_modelPath;
    QStringList m_quantized; ///< files the studio steps wrote
    bool m_ok = true;
};
