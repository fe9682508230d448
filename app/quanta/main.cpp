// SPDX-License-Identifier: MIT
// Quanta desktop app: sets up the application, the theme and the translation (the system's
// language, or the one chosen in Settings), and the main window; a model path given as the first
// argument is opened at once.
#include "app_settings.h"
#include "main_window.h"
#include "screenshot_tour.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTimer>
#include <QTranslator>

namespace {

QLocale uiLocale(const QString& language) {
    if (language == QLatin1String("ko"))
        return QLocale(QLocale::Korean, QLocale::SouthKorea);
    if (language == QLatin1String("en"))
        return QLocale(QLocale::English, QLocale::UnitedStates);
    return QLocale();
}

} // namespace

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Quanta"));
    QApplication::setOrganizationName(QStringLiteral("Quanta"));
    QApplication::setApplicationVersion(QStringLiteral(QUANTA_VERSION));
    // The installed desktop entry (installer/): lets the desktop match the window to its icon.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.quanta.Quanta"));
    // The PNG is a raster of quanta.svg: Qt draws SVG only with the optional qt6-svg plugin.
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/quanta.png")));

    // Options are parsed before the translation is chosen (--language), so --help is English.
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Run and quantize language models locally."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("GGUF model to open."));
    const QCommandLineOption settingsFile(QStringLiteral("settings"),
                                          QStringLiteral("Keep the settings in this file instead of the user's."),
                                          QStringLiteral("file"));
    const QCommandLineOption database(QStringLiteral("database"),
                                      QStringLiteral("Keep conversations in this SQLite file instead of the user's."),
                                      QStringLiteral("file"));
    const QCommandLineOption evaluations(QStringLiteral("evaluations"),
                                         QStringLiteral("Keep measured qualities in this SQLite file instead of the "
                                                        "user's."),
                                         QStringLiteral("file"));
    const QCommandLineOption language(QStringLiteral("language"),
                                      QStringLiteral("User interface language: en or ko (default: the setting, "
                                                     "else the system's)."),
                                      QStringLiteral("code"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QStringLiteral("Save the window as an image once the model is loaded, "
                                                       "then quit."),
                                        QStringLiteral("file"));
    const QCommandLineOption tour(QStringLiteral("screenshots"),
                                  QStringLiteral("Save the README's screenshots into this folder (chat after a reply "
                                                 "to --prompt, estimate, model, settings; first run without a "
                                                 "model), then quit."),
                                  QStringLiteral("folder"));
    const QCommandLineOption prompt(QStringLiteral("prompt"), QStringLiteral("The message --screenshots sends."),
                                    QStringLiteral("text"), QStringLiteral("What is quantization, in two sentences?"));
    const QCommandLineOption prefix(QStringLiteral("screenshot-prefix"),
                                    QStringLiteral("Prefix of the --screenshots file names."), QStringLiteral("text"));
    parser.addOptions({settingsFile, database, evaluations, language, screenshot, tour, prompt, prefix});
    parser.process(app);

    MainWindowOptions options;
    options.settingsFile = parser.value(settingsFile);
    options.databasePath = parser.value(database);
    options.evaluationCachePath = parser.value(evaluations);
    options.openLastModel = parser.positionalArguments().isEmpty() && !parser.isSet(tour) && !parser.isSet(screenshot);
    const quanta::services::AppSettings settings =
        quanta::services::AppSettings::load(*quanta::services::open_settings(options.settingsFile));
    const QLocale locale = uiLocale(parser.isSet(language) ? parser.value(language) : settings.language);
    QLocale::setDefault(locale);
    quanta::ui::applyTheme(settings.theme);

    // Qt's own strings (standard dialogs) and ours; a missing language falls back to English.
    QTranslator qtTranslator;
    if (qtTranslator.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator appTranslator;
    // English is the fallback: its file also holds the plural forms ("1 tensor", "2 tensors").
    if (appTranslator.load(locale, QStringLiteral("quanta"), QStringLiteral("_"), QStringLiteral(":/i18n")) ||
        appTranslator.load(QStringLiteral(":/i18n/quanta_en.qm")))
        QApplication::installTranslator(&appTranslator);

    MainWindow window(options);
    window.show();
    const bool withModel = !parser.positionalArguments().isEmpty();
    if (withModel)
        window.openModel(parser.positionalArguments().constFirst());

    if (parser.isSet(tour)) {
        auto* steps = new ScreenshotTour(&window, parser.value(tour), parser.value(prompt), parser.value(prefix));
        steps->start(withModel);
    } else if (parser.isSet(screenshot)) {
        const QString target = parser.value(screenshot);
        auto grab = [&window, target](bool ok) {
            // One more turn of the event loop so the views have laid out.
            QTimer::singleShot(300, &window, [&window, target, ok] {
                const bool saved = window.grab().save(target);
                QApplication::exit(ok && saved ? 0 : 1);
            });
        };
        QObject::connect(&window, &MainWindow::modelLoaded, &window, [grab] { grab(true); });
        QObject::connect(&window, &MainWindow::modelLoadFailed, &window, [grab] { grab(false); });
        if (!withModel)
            grab(true);
    }
    return app.exec();
}
