// SPDX-License-Identifier: MIT
// The Quantize page end to end on a tiny synthetic F16 model: a drop opens the dialog, whose
// predicted sizes are the estimator's; two ticked types are quantized and measured, their files
// load, and their rows report the quality; a job cancelled as it starts leaves no file; a text
// file and a truncated GGUF are refused with a message and no dialog.
#include "qt_test_util.h"
#include "widget_test_util.h"
#include "studio/quantize_dialog.h"
#include "studio/queue_view.h"
#include "studio/studio_view.h"

#include "panels/format_bytes.h"

#include "quanta/estimate.h"
#include "quanta/hf_export.h"
#include "quanta/synth_model.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace quanta;
using namespace quanta::services;
using namespace quanta::ui;

namespace {

QTreeWidgetItem* rowOf(QTreeWidget* tree, const QString& type) {
    const auto found = tree->findItems(type, Qt::MatchExactly, QuantizeDialog::TypeColumn);
    return found.isEmpty() ? nullptr : found.first();
}

} // namespace

class TestStudioQuantize : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_source = m_dir.filePath(QStringLiteral("m-F16.gguf"));
        QCOMPARE(quanta::test::writeF16Model(m_source), QString());
        m_text = m_dir.filePath(QStringLiteral("eval.txt"));
        QFile text(m_text);
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write(quanta::test::evaluationText());
        backend::BackendOptions options;
        options.cpu_threads = 2;
        m_backends = backend::available_backends(options);
        m_device = m_backends.front()->devices().front();
    }

    void dropQuantizeAndMeasure() {
        QuantizeQueue queue;
        StudioView view(&queue, m_device->info());
        configure(view);
        QSignalSpy finished(&queue, &QuantizeQueue::jobFinished);
        QSignalSpy failed(&queue, &QuantizeQueue::jobFailed);
        QSignalSpy measured(&view, &StudioView::evaluationFinished);
        QVERIFY(quanta::test::dropFile(&view, m_source));
        QTRY_VERIFY(view.currentDialog());
        QuantizeDialog* dialog = view.currentDialog();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->hasPredictions(), 20000);

        auto* tree = dialog->findChild<QTreeWidget*>(QStringLiteral("targetTypes"));
        QVERIFY(tree);
        QVERIFY(!rowOf(tree, QStringLiteral("F16"))); // the source's own type is not offered
        auto file = GgufFile::open(m_source.toStdString());
        QVERIFY(file.ok());
        EstimateOptions options;
        options.n_ctx = 4096;
        auto q8 = estimate_memory(*file, QuantizeType::Q8_0, options);
        QVERIFY(q8.ok());
        QTreeWidgetItem* q8Row = rowOf(tree, QStringLiteral("Q8_0"));
        QVERIFY(q8Row);
        QCOMPARE(q8Row->text(QuantizeDialog::SizeColumn), formatBytes(q8->file_bytes));
        QCOMPARE(q8Row->text(QuantizeDialog::MemoryColumn), formatBytes(q8->total_bytes()));
        QVERIFY(!q8Row->text(QuantizeDialog::FitsColumn).isEmpty());

        auto* ok = dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled());
        dialog->setChecked(QStringLiteral("NF4"), true);
        dialog->setChecked(QStringLiteral("Q8_0"), true);
        QVERIFY(ok->isEnabled());
        QCOMPARE(dialog->jobs().size(), 2);
        QStringList targets;
        for (const QuantizeJobSpec& spec : dialog->jobs())
            targets << spec.target;
        QVERIFY(targets.contains(m_dir.filePath(QStringLiteral("m-NF4.gguf"))));
        QVERIFY(targets.contains(m_dir.filePath(QStringLiteral("m-Q8_0.gguf"))));
        QVERIFY(dialog->findChild<QCheckBox*>(QStringLiteral("evaluateQuality"))->isChecked());
        ok->click();
        QTRY_VERIFY(!view.currentDialog()); // closed and deleted
        QCOMPARE(view.queueView()->rowCount(), 2);

        QTRY_COMPARE_WITH_TIMEOUT(finished.size() + failed.size(), 2, 120000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
        QCOMPARE(measured.size(), 2);
        const QRegularExpression pplNumber(QStringLiteral("PPL \\d+[.,]\\d+"));
        for (const QList<QVariant>& f : finished) {
            const int id = f.at(0).toInt();
            const QString target = f.at(1).toString();
            auto model = Model::load(target.toStdString(), *m_device);
            QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
            const QString report = view.queueView()->reportText(id);
            QVERIFY2(pplNumber.match(report).hasMatch(), qPrintable(report));
            QVERIFY2(report.contains(QStringLiteral("KLD")), qPrintable(report));
            QCOMPARE(view.queueView()->stateText(id), QStringLiteral("done"));
        }

        QSignalSpy chat(&view, &StudioView::chatRequested);
        const int firstId = finished.first().at(0).toInt();
        view.queueView()->jobRow(firstId)->findChild<QPushButton*>(QStringLiteral("chatWithItButton"))->click();
        QCOMPARE(chat.size(), 1);
        QCOMPARE(chat.first().first().toString(), finished.first().at(1).toString());
    }

    void cancelAsItStarts() {
        QTemporaryDir out;
        QuantizeQueue queue;
        StudioView view(&queue, m_device->info());
        configure(view);
        int startedJobs = 0;
        QString cancelledTarget;
        connect(&queue, &QuantizeQueue::jobStarted, this, [&](int id) {
            if (++startedJobs == 1) {
                cancelledTarget = queue.spec(id).target;
                view.queueView()->jobRow(id)->findChild<QPushButton*>(QStringLiteral("cancelJobButton"))->click();
            }
        });
        QSignalSpy cancelled(&queue, &QuantizeQueue::jobCancelled);
        QSignalSpy finished(&queue, &QuantizeQueue::jobFinished);
        QVERIFY(quanta::test::dropFile(&view, m_source));
        QTRY_VERIFY(view.currentDialog());
        QuantizeDialog* dialog = view.currentDialog();
        dialog->findChild<QLineEdit*>(QStringLiteral("outputFolder"))->setText(out.path());
        dialog->findChild<QCheckBox*>(QStringLiteral("evaluateQuality"))->setChecked(false);
        dialog->setChecked(QStringLiteral("Q4_0"), true);
        dialog->setChecked(QStringLiteral("Q6_K"), true);
        dialog->accept();

        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        QCOMPARE(cancelled.size(), 1);
        const int cancelledId = cancelled.first().first().toInt();
        QCOMPARE(view.queueView()->stateText(cancelledId), QStringLiteral("cancelled"));
        QVERIFY(view.queueView()->reportText(cancelledId).isEmpty());
        QVERIFY(!QFileInfo::exists(cancelledTarget));
        const QString finishedTarget = finished.first().at(1).toString();
        QVERIFY(QFileInfo::exists(finishedTarget));
        // Only the finished job's file: no trace of the cancelled one, not even a temporary file.
        QCOMPARE(QDir(out.path()).entryList(QDir::Files | QDir::Hidden), QStringList{QFileInfo(finishedTarget).fileName()});
    }

    void refusesWhatIsNotAModel() {
        QuantizeQueue queue;
        StudioView view(&queue, m_device->info());
        QVERIFY(quanta::test::dropFile(&view, m_text));
        QTRY_VERIFY(!view.errorText().isEmpty());
        QVERIFY2(view.errorText().contains(QStringLiteral("eval.txt")), qPrintable(view.errorText()));
        QVERIFY(!view.findChild<QLabel*>(QStringLiteral("studioError"))->isHidden());
        QVERIFY(!view.currentDialog());

        const QString truncated = m_dir.filePath(QStringLiteral("truncated-F16.gguf"));
        QFile source(m_source);
        QVERIFY(source.open(QIODevice::ReadOnly));
        QFile cut(truncated);
        QVERIFY(cut.open(QIODevice::WriteOnly));
        cut.write(source.read(2000));
        cut.close();
        view.requestQuantize(truncated);
        QTRY_VERIFY(view.errorText().contains(QStringLiteral("truncated-F16.gguf")));
        QVERIFY(!view.currentDialog());
    }

    // Issue 10 in the GUI: a Hugging Face folder dropped like a GGUF file is converted to F16
    // next to it, then the quantize dialog opens on the converted file; a folder that is not a
    // model gets a message.
    void dropAHuggingFaceFolder() {
        const QString folder = m_dir.filePath(QStringLiteral("tiny-hf"));
        auto exported = export_hf_model(QFile::encodeName(m_source).toStdString(), QFile::encodeName(folder).toStdString());
        QVERIFY2(exported.ok(), exported.ok() ? "" : exported.error().message.c_str());
        QuantizeQueue queue;
        StudioView view(&queue, m_device->info());
        QSignalSpy converted(&view, &StudioView::folderConverted);
        QSignalSpy opened(&view, &StudioView::dialogOpened);
        QVERIFY(quanta::test::dropFile(&view, folder));
        QVERIFY2(opened.wait(30000), qPrintable(view.errorText()));
        const QString gguf = m_dir.filePath(QStringLiteral("tiny-hf-F16.gguf"));
        QCOMPARE(converted.size(), 1);
        QCOMPARE(converted.first().first().toString(), gguf);
        QCOMPARE(view.currentDialog()->sourcePath(), gguf);
        QVERIFY(GgufFile::open(QFile::encodeName(gguf).toStdString()).ok());
        view.currentDialog()->reject();

        const QString notAModel = m_dir.filePath(QStringLiteral("photos"));
        QVERIFY(QDir().mkpath(notAModel));
        QVERIFY(quanta::test::dropFile(&view, notAModel));
        QTRY_VERIFY(view.errorText().contains(QStringLiteral("photos")));
        QCOMPARE(opened.size(), 1);
    }

private:
    void configure(StudioView& view) {
        view.setEvaluation(m_text, QStringLiteral("en"), 128, 4);
        view.setCacheFolder(m_dir.filePath(QStringLiteral("cache")));
        view.setThreads(2);
    }

    QTemporaryDir m_dir;
    QString m_source, m_text;
    std::vector<std::unique_ptr<backend::Backend>> m_backends;
    backend::Device* m_device = nullptr;
};

QTEST_MAIN(TestStudioQuantize)
#include "test_studio_quantize.moc"
