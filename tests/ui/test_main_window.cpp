// SPDX-License-Identifier: MIT
// MainWindow on the offscreen platform: the first-run panel, loading a tiny GGUF written here,
// the details it shows, a corrupt file's error message, and the Korean translation.
#include "main_window.h"
#include "model_details_view.h"
#include "studio/quantize_dialog.h"
#include "studio/studio_view.h"
#include "studio_host.h"
#include "widget_test_util.h"

#include "quanta/gguf.h"
#include "quanta/synth_model.h"

#include <QAbstractItemModel>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QUrl>

#include <vector>

namespace {

// A llama-like file: 3 plain tensors and one INT8 weight stored as 2 parts, so 4 rows.
bool writeTinyModel(const QString& path) {
    using namespace quanta;
    GgufWriter w;
    w.set("general.architecture", GgufValue::string("llama"));
    w.set("general.name", GgufValue::string("UI Test Model"));
    w.set("llama.block_count", GgufValue::u32(1));
    w.set("llama.embedding_length", GgufValue::u32(32));
    w.set("llama.context_length", GgufValue::u32(128));
    w.set("tokenizer.ggml.model", GgufValue::string("gpt2"));
    w.set("tokenizer.ggml.tokens", GgufValue::string_array({"a", "b", "c", "d", "e"}));
    w.set("tokenizer.chat_template", GgufValue::string("{{ x }}"));
    struct T {
        const char* name;
        uint32_t type;
        std::vector<int64_t> ne;
        size_t bytes;
    };
    const std::vector<T> tensors{
        {"token_embd.weight", 1, {32, 5}, 32 * 5 * 2},
        {"blk.0.attn_norm.weight", 0, {32}, 32 * 4},
        {"blk.0.ffn_up.weight.int8", 24, {32, 16}, 32 * 16},
        {"blk.0.ffn_up.weight.int8_scb", 0, {16}, 16 * 4},
        {"output_norm.weight", 0, {32}, 32 * 4},
    };
    std::vector<std::vector<uint8_t>> data;
    for (const T& t : tensors) {
        if (!w.add_tensor(t.name, t.type, t.ne).ok())
            return false;
        data.emplace_back(t.bytes, uint8_t{0});
    }
    std::vector<std::span<const uint8_t>> spans(data.begin(), data.end());
    return w.write_file(QFile::encodeName(path).toStdString(), spans).ok();
}

// Settings and conversations in a temporary folder, never the user's.
MainWindowOptions isolatedOptions() {
    static QTemporaryDir dir;
    MainWindowOptions o;
    o.settingsFile = dir.filePath(QStringLiteral("quanta.conf"));
    o.databasePath = dir.filePath(QStringLiteral("quanta.db"));
    o.evaluationCachePath = dir.filePath(QStringLiteral("evaluations.db"));
    o.modelsFolder = dir.filePath(QStringLiteral("models"));
    o.openLastModel = false;
    return o;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void firstRunPanel();
    void opensTinyModel();
    void corruptFileShowsError();
    void dropGoesToTheQuantizeTab();
    void koreanTranslation();
};

void TestMainWindow::firstRunPanel() {
    MainWindow window(isolatedOptions());
    window.show();
    QCOMPARE(window.windowTitle(), QStringLiteral("Quanta"));
    QVERIFY(window.findChild<QPushButton*>(QStringLiteral("openModelButton"))->isVisible());
    QVERIFY(
        window.findChild<QLabel*>(QStringLiteral("firstRunHint"))->text().contains(QStringLiteral("scripts/run.sh")));
    QVERIFY(window.errorMessage().isEmpty());
    QCOMPARE(window.menuBar()->actions().size(), 1);
}

void TestMainWindow::opensTinyModel() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("tiny.gguf"));
    QVERIFY(writeTinyModel(path));

    MainWindow window(isolatedOptions());
    window.show();
    QSignalSpy inspected(&window, &MainWindow::modelInspected);
    QSignalSpy failed(&window, &MainWindow::modelLoadFailed);
    window.openModel(path);
    QVERIFY(window.isLoading());
    QVERIFY(inspected.wait(10000));
    QCOMPARE(failed.count(), 0);
    // The details are shown; the engine then refuses the file (it has one layer's tensors only)
    // and says so in the window.
    QVERIFY(failed.wait(10000));
    QVERIFY(!window.isLoading());
    QVERIFY2(window.errorMessage().startsWith(QStringLiteral("Could not load tiny.gguf for chat: ")),
             qPrintable(window.errorMessage()));
    QCOMPARE(window.modelPath(), path);
    QVERIFY(window.windowTitle().contains(QStringLiteral("tiny.gguf")));

    ModelDetailsView* details = window.detailsView();
    window.findChild<QTabWidget*>(QStringLiteral("sidePanel"))->setCurrentWidget(details);
    QVERIFY(details->isVisible());
    QCOMPARE(details->fieldText(QStringLiteral("architecture")), QStringLiteral("llama"));
    QCOMPARE(window.findChild<QLabel*>(QStringLiteral("architectureValue"))->text(), QStringLiteral("llama"));
    QCOMPARE(details->fieldText(QStringLiteral("name")), QStringLiteral("UI Test Model"));
    QCOMPARE(details->fieldText(QStringLiteral("blockCount")), QLocale().toString(1));
    QCOMPARE(details->fieldText(QStringLiteral("chatTemplate")), QStringLiteral("present"));
    QCOMPARE(details->fieldText(QStringLiteral("tokenizer")), QStringLiteral("byte-level BPE (gpt2)"));
    QCOMPARE(details->fieldText(QStringLiteral("tensorCount")), QStringLiteral("4 weights in 5 GGUF tensors"));
    // 160 + 32 + 512 + 32 weights
    QCOMPARE(details->fieldText(QStringLiteral("parameters")), QStringLiteral("%1 (736)").arg(QLocale().toString(736)));

    QTableView* table = window.findChild<QTableView*>(QStringLiteral("tensorTable"));
    QVERIFY(table);
    QAbstractItemModel* model = table->model();
    QCOMPARE(model->rowCount(), 4);
    QCOMPARE(model->index(2, 0).data().toString(), QStringLiteral("blk.0.ffn_up.weight"));
    QCOMPARE(model->index(2, 1).data().toString(), QStringLiteral("INT8"));
    QCOMPARE(model->index(2, 2).data().toString(), QStringLiteral("32 × 16"));
    QCOMPARE(model->index(2, 3).data().toString(), QStringLiteral("576 B"));

    // The filter narrows the table by name or format.
    QLineEdit* filter = window.findChild<QLineEdit*>(QStringLiteral("tensorFilter"));
    QVERIFY(filter);
    filter->setText(QStringLiteral("norm"));
    QCOMPARE(model->rowCount(), 2);
    filter->setText(QStringLiteral("int8"));
    QCOMPARE(model->rowCount(), 1);
}

void TestMainWindow::corruptFileShowsError() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // A file with the GGUF magic that ends in the middle of its header.
    const QString truncated = dir.filePath(QStringLiteral("truncated.gguf"));
    {
        QFile f(truncated);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("GGUF\x03\x00\x00\x00\x01\x00", 10);
    }
    QStringList files{truncated};
    const QDir corrupt(QStringLiteral(QUANTA_TEST_DATA_DIR "/gguf/corrupt"));
    for (const QString& name : corrupt.entryList({QStringLiteral("*.gguf")}, QDir::Files))
        files << corrupt.filePath(name);

    MainWindow window(isolatedOptions());
    window.show();
    for (const QString& path : files) {
        QSignalSpy failed(&window, &MainWindow::modelLoadFailed);
        window.openModel(path);
        QVERIFY2(failed.wait(10000), qPrintable(path));
        QCOMPARE(failed.at(0).at(0).toString(), path);
        QVERIFY2(!failed.at(0).at(1).toString().isEmpty(), qPrintable(path));
        QVERIFY(window.isVisible());
        QVERIFY2(window.errorMessage().startsWith(QStringLiteral("Could not open ")),
                 qPrintable(window.errorMessage()));
        QVERIFY(window.errorMessage().contains(QFileInfo(path).fileName()));
        // Nothing was open, so the first-run panel stays with the error above it.
        QVERIFY(window.findChild<QPushButton*>(QStringLiteral("openModelButton"))->isVisible());
    }

    // A good file afterwards clears the error.
    const QString good = dir.filePath(QStringLiteral("good.gguf"));
    QVERIFY(quanta::write_synth_model(QFile::encodeName(good).toStdString(), quanta::SynthModelSpec{}).ok());
    QSignalSpy loaded(&window, &MainWindow::modelLoaded);
    window.openModel(good);
    QVERIFY(loaded.wait(10000));
    QVERIFY(window.errorMessage().isEmpty());
}

// A file dropped on the window goes to the Quantize tab: a model opens the quantize dialog, a
// text file gets a message there (never a silent no-op).
void TestMainWindow::dropGoesToTheQuantizeTab() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString model = dir.filePath(QStringLiteral("dropped.GGUF"));
    QVERIFY(quanta::write_synth_model(QFile::encodeName(model).toStdString(), quanta::SynthModelSpec{}).ok());
    const QString notes = dir.filePath(QStringLiteral("notes.txt"));
    {
        QFile f(notes);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a model\n");
    }

    MainWindow window(isolatedOptions());
    window.show();
    QVERIFY(window.acceptDrops());
    auto* studio = window.studio()->studioView();
    QSignalSpy opened(studio, &quanta::ui::StudioView::dialogOpened);
    QVERIFY(quanta::test::dropFile(&window, model));
    QCOMPARE(window.modeTabs()->currentWidget(), studio);
    QVERIFY(opened.wait(10000));
    QCOMPARE(studio->currentDialog()->sourcePath(), model);
    studio->currentDialog()->reject();

    QVERIFY(quanta::test::dropFile(&window, notes));
    QTRY_VERIFY(!studio->errorText().isEmpty());
    QVERIFY2(studio->errorText().contains(QStringLiteral("notes.txt")), qPrintable(studio->errorText()));
    QCOMPARE(opened.size(), 1); // no dialog for the text file
}

void TestMainWindow::koreanTranslation() {
    QTranslator translator;
    QVERIFY(translator.load(QStringLiteral(":/i18n/quanta_ko.qm")));
    QVERIFY(qApp->installTranslator(&translator));
    {
        MainWindow window(isolatedOptions());
        window.show();
        QCOMPARE(window.menuBar()->actions().at(0)->text(), QStringLiteral("파일(&F)"));
        QCOMPARE(window.findChild<QPushButton*>(QStringLiteral("openModelButton"))->text(),
                 QStringLiteral("모델 열기…"));
    }
    qApp->removeTranslator(&translator);
}

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
