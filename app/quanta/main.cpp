// SPDX-License-Identifier: MIT
// Quanta desktop app: sets up the application, the translation for the system language (Korean
// or English), and the main window; a model path given as the first argument is opened at once.
#include "main_window.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QTimer>
#include <QTranslator>

int main(int argc, char* argv[]) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Quanta"));
    QApplication::setOrganizationName(QStringLiteral("Quanta"));
    QApplication::setApplicationVersion(QStringLiteral(QUANTA_VERSION));
    // The PNG is a raster of quanta.svg: Qt draws SVG only with the optional qt6-svg plugin.
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/quanta.png")));

    // Qt's own strings (standard dialogs) and ours; a missing language falls back to English.
    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator appTranslator;
    // English is the fallback: its file also holds the plural forms ("1 tensor", "2 tensors").
    if (appTranslator.load(QLocale(), QStringLiteral("quanta"), QStringLiteral("_"), QStringLiteral(":/i18n")) ||
        appTranslator.load(QStringLiteral(":/i18n/quanta_en.qm")))
        QApplication::installTranslator(&appTranslator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Run and quantize language models locally."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("model"), QApplication::translate("main", "GGUF model to open."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QApplication::translate("main", "Save the window as an image once the model "
                                                                        "is shown, then quit (for documentation)."),
                                        QStringLiteral("file"));
    parser.addOption(screenshot);
    parser.process(app);

    MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openModel(parser.positionalArguments().constFirst());

    if (parser.isSet(screenshot)) {
        const QString target = parser.value(screenshot);
        auto grab = [&window, target](bool ok) {
            // One more turn of the event loop so the table has laid out its rows.
            QTimer::singleShot(300, &window, [&window, target, ok] {
                const bool saved = window.grab().save(target);
                QApplication::exit(ok && saved ? 0 : 1);
            });
        };
        QObject::connect(&window, &MainWindow::modelLoaded, &window, [grab] { grab(true); });
        QObject::connect(&window, &MainWindow::modelLoadFailed, &window, [grab] { grab(false); });
        if (parser.positionalArguments().isEmpty())
            grab(true);
    }
    return app.exec();
}
