// SPDX-License-Identifier: MIT
#include "panels/settings_dialog.h"

#include "quanta/memory.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

#include <cmath>

namespace quanta::ui {

using services::AppSettings;

namespace {

// The memory kinds in the combo, by their CLI keyword (quanta/memory.h).
const QString kBuffer = QStringLiteral("buffer");
const QString kWindow = QStringLiteral("window");
const QString kTokens = QStringLiteral("tokens");
const QString kSummary = QStringLiteral("summary");
const QString kSummaryBuffer = QStringLiteral("summary-buffer");

constexpr double kMaxSeed = 9007199254740992.0; // 2^53: what AppSettings stores exactly

MemoryStrategy::Kind memoryKindOf(const QString& keyword) {
    if (keyword == kWindow)
        return MemoryStrategy::Kind::Window;
    if (keyword == kTokens)
        return MemoryStrategy::Kind::TokenBuffer;
    if (keyword == kSummary)
        return MemoryStrategy::Kind::Summary;
    if (keyword == kSummaryBuffer)
        return MemoryStrategy::Kind::SummaryBuffer;
    return MemoryStrategy::Kind::Buffer;
}

QString keywordOf(MemoryStrategy::Kind kind) {
    switch (kind) {
    case MemoryStrategy::Kind::Window: return kWindow;
    case MemoryStrategy::Kind::TokenBuffer: return kTokens;
    case MemoryStrategy::Kind::Summary: return kSummary;
    case MemoryStrategy::Kind::SummaryBuffer: return kSummaryBuffer;
    case MemoryStrategy::Kind::Buffer: break;
    }
    return kBuffer;
}

bool takesParameter(const QString& keyword) {
    return keyword == kWindow || keyword == kTokens || keyword == kSummaryBuffer;
}

QLabel* helpLabel(const QString& text, const QString& objectName) {
    auto* label = new QLabel(text);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText); // secondary text, readable in both themes
    return label;
}

QDoubleSpinBox* doubleSpin(const QString& objectName, double lo, double hi, double step, int decimals) {
    auto* spin = new QDoubleSpinBox;
    spin->setObjectName(objectName);
    spin->setRange(lo, hi);
    spin->setSingleStep(step);
    spin->setDecimals(decimals);
    return spin;
}

QSpinBox* intSpin(const QString& objectName, int lo, int hi, int step) {
    auto* spin = new QSpinBox;
    spin->setObjectName(objectName);
    spin->setRange(lo, hi);
    spin->setSingleStep(step);
    return spin;
}

QFormLayout* newForm(QTabWidget* tabs, const QString& title) {
    auto* page = new QWidget;
    auto* form = new QFormLayout(page);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    tabs->addTab(page, title);
    return form;
}

} // namespace

SettingsDialog::SettingsDialog(const AppSettings& settings, QWidget* parent)
    : QDialog(parent), m_original(settings) {
    setWindowTitle(tr("Settings"));
    auto* tabs = new QTabWidget;
    tabs->setObjectName(QStringLiteral("settingsTabs"));

    // Sampling
    QFormLayout* sampling = newForm(tabs, tr("Sampling"));
    m_temperature = doubleSpin(QStringLiteral("temperature"), 0.0, 2.0, 0.05, 2);
    sampling->addRow(tr("&Temperature:"), m_temperature);
    sampling->addRow(helpLabel(tr("How adventurous replies are: 0 always takes the most likely word; higher values "
                                  "give more varied, less predictable text."),
                               QStringLiteral("temperatureHelp")));
    m_topP = doubleSpin(QStringLiteral("topP"), 0.0, 1.0, 0.05, 2);
    sampling->addRow(tr("Top-&p:"), m_topP);
    sampling->addRow(helpLabel(tr("Only the most likely words whose probabilities add up to p are considered; lower "
                                  "values keep replies focused."),
                               QStringLiteral("topPHelp")));
    m_topK = intSpin(QStringLiteral("topK"), 0, 1000, 5);
    m_topK->setSpecialValueText(tr("Off"));
    sampling->addRow(tr("Top-&k:"), m_topK);
    sampling->addRow(helpLabel(tr("Only the k most likely words are considered; 0 turns this off."),
                               QStringLiteral("topKHelp")));
    m_minP = doubleSpin(QStringLiteral("minP"), 0.0, 1.0, 0.01, 2);
    sampling->addRow(tr("&Min-p:"), m_minP);
    sampling->addRow(helpLabel(tr("Words less likely than this share of the most likely word are left out; 0 turns "
                                  "this off."),
                               QStringLiteral("minPHelp")));
    m_repeatPenalty = doubleSpin(QStringLiteral("repeatPenalty"), 0.5, 2.0, 0.05, 2);
    sampling->addRow(tr("&Repeat penalty:"), m_repeatPenalty);
    sampling->addRow(helpLabel(tr("Values above 1 make words that were just used less likely; 1 turns this off."),
                               QStringLiteral("repeatPenaltyHelp")));
    m_seed = doubleSpin(QStringLiteral("seed"), 0.0, kMaxSeed, 1.0, 0);
    m_seed->setSpecialValueText(tr("Random"));
    sampling->addRow(tr("&Seed:"), m_seed);
    sampling->addRow(helpLabel(tr("The same seed gives the same reply to the same conversation; 0 picks a new one "
                                  "for every reply."),
                               QStringLiteral("seedHelp")));

    // Model
    QFormLayout* model = newForm(tabs, tr("Model"));
    m_contextLength = intSpin(QStringLiteral("contextLength"), 256, 1 << 20, 256);
    m_contextLength->setSuffix(tr(" tokens"));
    m_contextLength->setGroupSeparatorShown(true);
    model->addRow(tr("&Context length:"), m_contextLength);
    model->addRow(helpLabel(tr("How much of the conversation the model sees at once. Longer contexts need more "
                               "memory."),
                            QStringLiteral("contextLengthHelp")));
    m_maxReplyTokens = intSpin(QStringLiteral("maxReplyTokens"), 0, 1 << 20, 64);
    m_maxReplyTokens->setSpecialValueText(tr("No limit"));
    m_maxReplyTokens->setSuffix(tr(" tokens"));
    model->addRow(tr("Longest &reply:"), m_maxReplyTokens);
    model->addRow(helpLabel(tr("A reply stops after this many tokens; with no limit it ends when the model "
                               "stops or the context is full."),
                            QStringLiteral("maxReplyTokensHelp")));
    m_threads = intSpin(QStringLiteral("threads"), 0, 1024, 1);
    m_threads->setSpecialValueText(tr("All cores"));
    model->addRow(tr("&Threads:"), m_threads);
    m_modelsFolder = new QLineEdit;
    m_modelsFolder->setObjectName(QStringLiteral("modelsFolder"));
    m_modelsFolder->setPlaceholderText(tr("The default (models/)"));
    auto* browse = new QPushButton(tr("&Browse…"));
    browse->setObjectName(QStringLiteral("browseModelsFolder"));
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::browseModelsFolder);
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_modelsFolder, 1);
    folderRow->addWidget(browse);
    model->addRow(tr("Models &folder:"), folderRow);

    // Conversation
    QFormLayout* conversation = newForm(tabs, tr("Conversation"));
    m_systemPrompt = new QPlainTextEdit;
    m_systemPrompt->setObjectName(QStringLiteral("systemPrompt"));
    m_systemPrompt->setPlaceholderText(tr("None"));
    conversation->addRow(tr("S&ystem prompt:"), m_systemPrompt);
    m_memoryStrategy = new QComboBox;
    m_memoryStrategy->setObjectName(QStringLiteral("memoryStrategy"));
    m_memoryStrategy->addItem(tr("Buffer (every message)"), kBuffer);
    m_memoryStrategy->addItem(tr("Window (last k exchanges)"), kWindow);
    m_memoryStrategy->addItem(tr("Token buffer (last N tokens)"), kTokens);
    m_memoryStrategy->addItem(tr("Summary"), kSummary);
    m_memoryStrategy->addItem(tr("Summary + buffer (N tokens)"), kSummaryBuffer);
    conversation->addRow(tr("&Memory:"), m_memoryStrategy);
    m_memoryParameter = intSpin(QStringLiteral("memoryParameter"), 0, 1 << 20, 1);
    conversation->addRow(tr("Memory &size:"), m_memoryParameter);
    m_memoryHelp = helpLabel(QString(), QStringLiteral("memoryHelp"));
    conversation->addRow(m_memoryHelp);
    m_memoryParameters = {{kWindow, 4}, {kTokens, 2048}, {kSummaryBuffer, 2048}};
    connect(m_memoryStrategy, &QComboBox::currentIndexChanged, this, &SettingsDialog::onMemoryKindChanged);

    // Appearance
    QFormLayout* appearance = newForm(tabs, tr("Appearance"));
    m_language = new QComboBox;
    m_language->setObjectName(QStringLiteral("language"));
    m_language->addItem(tr("System"), QStringLiteral("system"));
    // Each language in its own name, so that it can be found whatever the current language is.
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("한국어"), QStringLiteral("ko"));
    appearance->addRow(tr("&Language:"), m_language);
    appearance->addRow(helpLabel(tr("A new language applies after Quanta is restarted."),
                                 QStringLiteral("languageHelp")));
    m_theme = new QComboBox;
    m_theme->setObjectName(QStringLiteral("theme"));
    m_theme->addItem(tr("System"), QStringLiteral("system"));
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    appearance->addRow(tr("T&heme:"), m_theme);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel |
                                         QDialogButtonBox::RestoreDefaults);
    buttons->setObjectName(QStringLiteral("buttons"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            &SettingsDialog::restoreDefaults);

    auto* column = new QVBoxLayout(this);
    column->addWidget(tabs);
    column->addWidget(buttons);

    showSettings(settings);
}

void SettingsDialog::showSettings(const AppSettings& s) {
    m_temperature->setValue(s.sampling.temperature);
    m_topP->setValue(s.sampling.top_p);
    m_topK->setValue(s.sampling.top_k);
    m_minP->setValue(s.sampling.min_p);
    m_repeatPenalty->setValue(s.sampling.repeat_penalty);
    m_seed->setValue(static_cast<double>(s.sampling.seed));
    m_contextLength->setValue(static_cast<int>(std::min<int64_t>(s.n_ctx, m_contextLength->maximum())));
    m_threads->setValue(s.threads);
    m_maxReplyTokens->setValue(static_cast<int>(std::min<int64_t>(s.max_reply_tokens, m_maxReplyTokens->maximum())));
    m_modelsFolder->setText(QDir::toNativeSeparators(s.models_folder));
    m_systemPrompt->setPlainText(s.system_prompt);

    // AppSettings::load already rejects strategies that do not parse; a default value here
    // only guards against a caller that built the struct by hand.
    auto parsed = parse_memory_strategy(s.memory_strategy.toStdString());
    const MemoryStrategy strategy = parsed ? *parsed : MemoryStrategy{};
    const QString keyword = keywordOf(strategy.kind);
    if (takesParameter(keyword))
        m_memoryParameters[keyword] = static_cast<int>(strategy.n);
    m_memoryKind.clear(); // so that onMemoryKindChanged does not store the old spin value
    m_memoryStrategy->setCurrentIndex(m_memoryStrategy->findData(keyword));
    onMemoryKindChanged(); // also when the index did not change

    auto select = [](QComboBox* combo, const QString& value) {
        combo->setCurrentIndex(std::max(0, combo->findData(value)));
    };
    select(m_language, s.language);
    select(m_theme, s.theme);
}

AppSettings SettingsDialog::settings() const {
    AppSettings s = m_original;
    s.sampling.temperature = static_cast<float>(m_temperature->value());
    s.sampling.top_p = static_cast<float>(m_topP->value());
    s.sampling.top_k = m_topK->value();
    s.sampling.min_p = static_cast<float>(m_minP->value());
    s.sampling.repeat_penalty = static_cast<float>(m_repeatPenalty->value());
    s.sampling.seed = static_cast<uint64_t>(std::llround(m_seed->value()));
    s.n_ctx = m_contextLength->value();
    s.threads = m_threads->value();
    s.max_reply_tokens = m_maxReplyTokens->value();
    s.models_folder = QDir::fromNativeSeparators(m_modelsFolder->text().trimmed());
    s.system_prompt = m_systemPrompt->toPlainText();

    const QString keyword = m_memoryStrategy->currentData().toString();
    MemoryStrategy strategy;
    strategy.kind = memoryKindOf(keyword);
    strategy.n = takesParameter(keyword) ? m_memoryParameter->value() : 0;
    s.memory_strategy = QString::fromStdString(format_memory_strategy(strategy));

    s.language = m_language->currentData().toString();
    s.theme = m_theme->currentData().toString();
    return s;
}

void SettingsDialog::restoreDefaults() {
    m_memoryParameters = {{kWindow, 4}, {kTokens, 2048}, {kSummaryBuffer, 2048}};
    showSettings(AppSettings{});
}

void SettingsDialog::onMemoryKindChanged() {
    if (takesParameter(m_memoryKind))
        m_memoryParameters[m_memoryKind] = m_memoryParameter->value();
    const QString keyword = m_memoryStrategy->currentData().toString();
    m_memoryKind = keyword;

    const bool parametric = takesParameter(keyword);
    m_memoryParameter->setEnabled(parametric);
    if (keyword == kWindow) {
        m_memoryParameter->setRange(0, 1000);
        m_memoryParameter->setSingleStep(1);
        m_memoryParameter->setSuffix(tr(" exchanges"));
    } else {
        m_memoryParameter->setRange(1, 1 << 20);
        m_memoryParameter->setSingleStep(256);
        m_memoryParameter->setSuffix(tr(" tokens"));
    }
    if (parametric)
        m_memoryParameter->setValue(m_memoryParameters.value(keyword));
    else
        m_memoryParameter->setSuffix(QString());

    QString help;
    if (keyword == kBuffer)
        help = tr("The model sees every message of the conversation until the context is full.");
    else if (keyword == kWindow)
        help = tr("The model sees the newest message and the k exchanges before it; older ones are dropped.");
    else if (keyword == kTokens)
        help = tr("The model sees the newest messages that fit in N tokens; older ones are dropped.");
    else if (keyword == kSummary)
        help = tr("Older messages are replaced by a running summary that the model writes itself.");
    else
        help = tr("The newest messages that fit in N tokens, plus a running summary of the older ones.");
    m_memoryHelp->setText(help);
}

void SettingsDialog::browseModelsFolder() {
    QString start = m_modelsFolder->text().trimmed();
    if (start.isEmpty() || !QDir(start).exists())
        start = QDir::homePath();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Models folder"), start);
    if (!folder.isEmpty())
        m_modelsFolder->setText(QDir::toNativeSeparators(folder));
}

} // namespace quanta::ui
