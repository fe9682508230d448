// SPDX-License-Identifier: MIT
#include "model_details_view.h"

#include "models/tensor_table_model.h"

#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace {

QString number(const std::optional<uint64_t>& v) {
    return v ? QLocale().toString(static_cast<qulonglong>(*v)) : QStringLiteral("–");
}

QString number(const std::optional<double>& v) {
    return v ? QLocale().toString(*v, 'g', 6) : QStringLiteral("–");
}

QString str(const std::string& s) {
    return QString::fromStdString(s);
}

} // namespace

ModelDetailsView::ModelDetailsView(QWidget* parent) : QWidget(parent) {
    auto* formHost = new QWidget;
    auto* formColumn = new QVBoxLayout(formHost);
    auto group = [&](const QString& title) {
        auto* box = new QGroupBox(title);
        auto* form = new QFormLayout(box);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        formColumn->addWidget(box);
        return form;
    };

    QFormLayout* model = group(tr("Model"));
    addField(model, QStringLiteral("file"), tr("File"));
    addField(model, QStringLiteral("name"), tr("Name"));
    addField(model, QStringLiteral("architecture"), tr("Architecture"));
    addField(model, QStringLiteral("fileType"), tr("File type"));
    addField(model, QStringLiteral("fileSize"), tr("Size on disk"));

    QFormLayout* hparams = group(tr("Hyperparameters"));
    addField(hparams, QStringLiteral("contextLength"), tr("Context length"));
    addField(hparams, QStringLiteral("embeddingLength"), tr("Embedding length"));
    addField(hparams, QStringLiteral("blockCount"), tr("Blocks"));
    addField(hparams, QStringLiteral("feedForwardLength"), tr("Feed-forward length"));
    addField(hparams, QStringLiteral("headCount"), tr("Attention heads"));
    addField(hparams, QStringLiteral("headCountKv"), tr("KV heads"));
    addField(hparams, QStringLiteral("ropeFreqBase"), tr("RoPE frequency base"));
    addField(hparams, QStringLiteral("ropeDimensions"), tr("RoPE dimensions"));
    addField(hparams, QStringLiteral("rmsEpsilon"), tr("RMS norm epsilon"));

    QFormLayout* tokenizer = group(tr("Tokenizer"));
    addField(tokenizer, QStringLiteral("tokenizer"), tr("Kind"));
    addField(tokenizer, QStringLiteral("preTokenizer"), tr("Pre-tokenizer"));
    addField(tokenizer, QStringLiteral("vocabulary"), tr("Vocabulary"));
    addField(tokenizer, QStringLiteral("merges"), tr("Merges"));
    addField(tokenizer, QStringLiteral("specialTokens"), tr("BOS / EOS"));
    addField(tokenizer, QStringLiteral("chatTemplate"), tr("Chat template"));

    QFormLayout* size = group(tr("Size"));
    addField(size, QStringLiteral("parameters"), tr("Parameters"));
    addField(size, QStringLiteral("tensorCount"), tr("Tensors"));
    addField(size, QStringLiteral("bitsPerWeight"), tr("Bits per weight"));
    addField(size, QStringLiteral("formats"), tr("By format"));
    formColumn->addStretch();

    auto* scroll = new QScrollArea;
    scroll->setWidget(formHost);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    m_tensors = new TensorTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_tensors);
    m_proxy->setSortRole(TensorTableModel::SortRole);
    m_proxy->setFilterKeyColumn(-1); // match the name or the format
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_tensorHeading = new QLabel;
    m_tensorHeading->setObjectName(QStringLiteral("tensorHeading"));
    m_filter = new QLineEdit;
    m_filter->setObjectName(QStringLiteral("tensorFilter"));
    m_filter->setPlaceholderText(tr("Filter by name or format"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("tensorTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder); // file order until the user sorts
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    // Styles pad rows generously; a compact row shows more of a 300-tensor table at once.
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionResizeMode(TensorTableModel::NameColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(TensorTableModel::FormatColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(TensorTableModel::ShapeColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(TensorTableModel::SizeColumn, QHeaderView::ResizeToContents);

    auto* tablePane = new QWidget;
    auto* tableColumn = new QVBoxLayout(tablePane);
    tableColumn->addWidget(m_tensorHeading);
    tableColumn->addWidget(m_filter);
    tableColumn->addWidget(m_table);

    auto* splitter = new QSplitter;
    splitter->addWidget(scroll);
    splitter->addWidget(tablePane);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({440, 740});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
}

QLabel* ModelDetailsView::addField(QFormLayout* form, const QString& field, const QString& label) {
    auto* value = new QLabel;
    value->setObjectName(field + QStringLiteral("Value"));
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setWordWrap(true);
    form->addRow(label, value);
    m_fields.insert(field, value);
    return value;
}

void ModelDetailsView::setField(const QString& field, const QString& text) {
    if (QLabel* label = m_fields.value(field))
        label->setText(text);
}

QString ModelDetailsView::fieldText(const QString& field) const {
    QLabel* label = m_fields.value(field);
    return label ? label->text() : QString();
}

void ModelDetailsView::showSummary(const QString& path, const quanta::ModelSummary& s) {
    const QLocale locale;
    const QString dash = QStringLiteral("–");
    setField(QStringLiteral("file"), QFileInfo(path).fileName());
    m_fields.value(QStringLiteral("file"))->setToolTip(path);
    setField(QStringLiteral("name"), s.name.empty() ? dash : str(s.name));
    setField(QStringLiteral("architecture"), str(s.architecture));
    QString fileType = dash;
    if (s.file_type)
        fileType = s.file_type_name.empty() ? tr("unknown (%1)").arg(*s.file_type) : str(s.file_type_name);
    setField(QStringLiteral("fileType"), fileType);
    setField(QStringLiteral("fileSize"),
             tr("%1, GGUF version %2").arg(str(quanta::format_byte_size(s.file_size))).arg(s.gguf_version));

    const quanta::ModelHparams& h = s.hparams;
    setField(QStringLiteral("contextLength"), number(h.context_length));
    setField(QStringLiteral("embeddingLength"), number(h.embedding_length));
    setField(QStringLiteral("blockCount"), number(h.block_count));
    setField(QStringLiteral("feedForwardLength"), number(h.feed_forward_length));
    setField(QStringLiteral("headCount"), number(h.head_count));
    setField(QStringLiteral("headCountKv"), h.head_count_kv ? number(h.head_count_kv) : tr("same as attention heads"));
    setField(QStringLiteral("ropeFreqBase"), number(h.rope_freq_base));
    setField(QStringLiteral("ropeDimensions"), number(h.rope_dimension_count));
    setField(QStringLiteral("rmsEpsilon"), number(h.rms_epsilon));

    const quanta::TokenizerSummary& t = s.tokenizer;
    QString kind = dash;
    if (t.model == "gpt2")
        kind = tr("byte-level BPE (gpt2)");
    else if (t.model == "llama")
        kind = tr("SentencePiece (llama)");
    else if (!t.model.empty())
        kind = str(t.kind);
    setField(QStringLiteral("tokenizer"), kind);
    setField(QStringLiteral("preTokenizer"), t.pre.empty() ? dash : str(t.pre));
    setField(QStringLiteral("vocabulary"), tr("%Ln token(s)", nullptr, static_cast<int>(t.vocab_size)));
    setField(QStringLiteral("merges"), locale.toString(static_cast<qulonglong>(t.merges_count)));
    setField(QStringLiteral("specialTokens"), number(t.bos_id) + QStringLiteral(" / ") + number(t.eos_id));
    setField(QStringLiteral("chatTemplate"), t.has_chat_template ? tr("present") : tr("absent"));

    setField(QStringLiteral("parameters"),
             QStringLiteral("%1 (%2)").arg(locale.toString(static_cast<qlonglong>(s.total_parameters)),
                                           str(quanta::format_count(s.total_parameters))));
    QString tensorCount = locale.toString(static_cast<qulonglong>(s.gguf_tensor_count));
    if (s.tensors.size() != s.gguf_tensor_count)
        tensorCount = tr("%1 weights in %2 GGUF tensors")
                          .arg(locale.toString(static_cast<qulonglong>(s.tensors.size())), tensorCount);
    setField(QStringLiteral("tensorCount"), tensorCount);
    setField(QStringLiteral("bitsPerWeight"), locale.toString(s.bits_per_weight, 'f', 2));
    QStringList formats;
    for (const quanta::FormatUsage& f : s.formats)
        formats << tr("%1: %2 bits/weight (%Ln tensor(s), %3)", nullptr, static_cast<int>(f.tensor_count))
                       .arg(str(f.format), locale.toString(f.bits_per_weight, 'f', 2),
                            str(quanta::format_byte_size(f.bytes)));
    setField(QStringLiteral("formats"), formats.join(QLatin1Char('\n')));

    m_tensorHeading->setText(tr("Tensors (%1)").arg(locale.toString(static_cast<qulonglong>(s.tensors.size()))));
    m_filter->clear();
    m_tensors->setTensors(s.tensors);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
}
