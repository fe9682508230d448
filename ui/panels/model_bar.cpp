// SPDX-License-Identifier: MIT
#include "panels/model_bar.h"

#include "panels/format_bytes.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>

#include <algorithm>

namespace quanta::ui {

using services::ModelFamily;
using services::ModelVariant;

namespace {

QString deviceLabel(const backend::DeviceInfo& device) {
    const QString name = device.kind == backend::DeviceKind::Cpu ? QStringLiteral("CPU")
                                                                 : QString::fromStdString(device.name);
    const QString description = QString::fromStdString(device.description);
    const QString freeText = ModelBar::tr("%1 free").arg(formatBytes(device.free_memory));
    if (description.isEmpty())
        return ModelBar::tr("%1 (%2)").arg(name, freeText);
    return ModelBar::tr("%1 — %2 (%3)").arg(name, description, freeText);
}

// The level's name, or the file name when the name has no type token or when two files of the
// family share a level ("Q8_0" and "Q8_0.requant" must stay apart).
QString variantName(const ModelFamily& family, const ModelVariant& variant) {
    if (variant.type.isEmpty())
        return QFileInfo(variant.path).fileName();
    const auto sameType = std::count_if(family.variants.begin(), family.variants.end(),
                                        [&](const ModelVariant& v) { return v.type == variant.type; });
    if (sameType > 1)
        return ModelBar::tr("%1 (%2)").arg(variant.type, QFileInfo(variant.path).fileName());
    return variant.type;
}

} // namespace

ModelBar::ModelBar(QWidget* parent) : QWidget(parent) {
    m_modelCombo = new QComboBox;
    m_modelCombo->setObjectName(QStringLiteral("modelCombo"));
    m_modelCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_modelCombo->setMinimumContentsLength(16);
    m_modelCombo->setPlaceholderText(tr("Choose a model…"));
    m_typeCombo = new QComboBox;
    m_typeCombo->setObjectName(QStringLiteral("typeCombo"));
    m_typeCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_deviceCombo = new QComboBox;
    m_deviceCombo->setObjectName(QStringLiteral("deviceCombo"));
    m_deviceCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto addLabelled = [&](const QString& text, QComboBox* combo) {
        auto* label = new QLabel(text);
        label->setBuddy(combo);
        layout->addWidget(label);
        layout->addWidget(combo);
    };
    addLabelled(tr("&Model:"), m_modelCombo);
    addLabelled(tr("&Level:"), m_typeCombo);
    addLabelled(tr("&Device:"), m_deviceCombo);
    layout->addStretch();

    // activated, not currentIndexChanged: only the user's choices are reported, never the
    // bar's own refills and restorations.
    connect(m_modelCombo, &QComboBox::activated, this, &ModelBar::onModelActivated);
    connect(m_typeCombo, &QComboBox::activated, this, &ModelBar::onTypeActivated);
    connect(m_deviceCombo, &QComboBox::activated, this, [this](int index) {
        if (index >= 0)
            emit deviceChosen(m_deviceCombo->itemData(index).toString());
    });
    fillModelCombo();
}

void ModelBar::setModelFiles(const QStringList& paths) {
    m_folderFiles = paths;
    rebuildFamilies();
}

void ModelBar::setRecentModels(const QStringList& paths) {
    m_recentFiles = paths;
    rebuildFamilies();
}

void ModelBar::setDevices(const QList<backend::DeviceInfo>& devices) {
    const QString current = currentDevice();
    const QSignalBlocker blocker(m_deviceCombo);
    m_deviceCombo->clear();
    for (const backend::DeviceInfo& device : devices)
        m_deviceCombo->addItem(deviceLabel(device), QString::fromStdString(device.name));
    const int keep = m_deviceCombo->findData(current);
    m_deviceCombo->setCurrentIndex(keep >= 0 ? keep : (devices.isEmpty() ? -1 : 0));
}

void ModelBar::setCurrentModel(const QString& path) {
    if (familyIndexOf(path) < 0) {
        m_extraFiles.append(path);
        rebuildFamilies();
    }
    selectPath(path);
}

void ModelBar::setCurrentDevice(const QString& name) {
    const QSignalBlocker blocker(m_deviceCombo);
    const int index = m_deviceCombo->findData(name);
    if (index >= 0)
        m_deviceCombo->setCurrentIndex(index);
}

QString ModelBar::currentDevice() const {
    return m_deviceCombo->currentData().toString();
}

void ModelBar::rebuildFamilies() {
    QStringList all = m_folderFiles;
    for (const QStringList* more : {&m_recentFiles, &m_extraFiles}) {
        for (const QString& path : *more) {
            if (!all.contains(path))
                all.append(path);
        }
    }
    m_families = services::groupModelFiles(all);
    const QString keep = m_currentPath;
    fillModelCombo();
    selectPath(keep);
}

qsizetype ModelBar::familyIndexOf(const QString& path) const {
    for (qsizetype i = 0; i < m_families.size(); ++i) {
        for (const ModelVariant& variant : m_families[i].variants) {
            if (variant.path == path)
                return i;
        }
    }
    return -1;
}

void ModelBar::fillModelCombo() {
    const QSignalBlocker blocker(m_modelCombo);
    m_modelCombo->clear();
    for (qsizetype i = 0; i < m_families.size(); ++i) {
        m_modelCombo->addItem(m_families[i].name, static_cast<qlonglong>(i));
        m_modelCombo->setItemData(m_modelCombo->count() - 1, FamilyItem, KindRole);
        m_modelCombo->setItemData(m_modelCombo->count() - 1, m_families[i].variants.first().path, Qt::ToolTipRole);
    }
    if (!m_families.isEmpty())
        m_modelCombo->insertSeparator(m_modelCombo->count());
    m_modelCombo->addItem(tr("Open model…"));
    m_modelCombo->setItemData(m_modelCombo->count() - 1, OpenItem, KindRole);
    m_modelCombo->setCurrentIndex(-1);
    m_currentFamily = -1;
    fillTypeCombo();
}

void ModelBar::fillTypeCombo() {
    const QSignalBlocker blocker(m_typeCombo);
    m_typeCombo->clear();
    if (m_currentFamily < 0) {
        m_typeCombo->setEnabled(false);
        return;
    }
    m_typeCombo->setEnabled(true);
    const ModelFamily& family = m_families[m_currentFamily];
    for (const ModelVariant& variant : family.variants) {
        m_typeCombo->addItem(tr("%1 — %2").arg(variantName(family, variant), formatBytes(static_cast<uint64_t>(variant.bytes))),
                             variant.path);
        m_typeCombo->setItemData(m_typeCombo->count() - 1, VariantItem, KindRole);
        m_typeCombo->setItemData(m_typeCombo->count() - 1, variant.path, Qt::ToolTipRole);
    }
    const QStringList missing = services::missingQuantizeTypes(family);
    if (!missing.isEmpty())
        m_typeCombo->insertSeparator(m_typeCombo->count());
    for (const QString& type : missing) {
        m_typeCombo->addItem(tr("Quantize to %1…").arg(type), type);
        m_typeCombo->setItemData(m_typeCombo->count() - 1, QuantizeItem, KindRole);
    }
    const int selected = m_typeCombo->findData(m_currentPath);
    m_typeCombo->setCurrentIndex(selected >= 0 ? selected : -1);
}

void ModelBar::selectPath(const QString& path) {
    const qsizetype family = familyIndexOf(path);
    m_currentPath = family >= 0 ? path : QString();
    m_currentFamily = family;
    {
        const QSignalBlocker blocker(m_modelCombo);
        m_modelCombo->setCurrentIndex(family >= 0 ? m_modelCombo->findData(static_cast<qlonglong>(family)) : -1);
    }
    fillTypeCombo();
}

void ModelBar::onModelActivated(int index) {
    if (index < 0)
        return;
    if (m_modelCombo->itemData(index, KindRole).toInt() == OpenItem) {
        // The entry is an action, not a selection: show the model that is still current.
        selectPath(m_currentPath);
        emit openModelRequested();
        return;
    }
    const qsizetype family = m_modelCombo->itemData(index).toLongLong();
    if (family < 0 || family >= m_families.size())
        return;
    if (family == m_currentFamily)
        return; // same family again: keep its chosen level
    selectPath(m_families[family].variants.first().path);
    emit modelChosen(m_currentPath);
}

void ModelBar::onTypeActivated(int index) {
    if (index < 0 || m_currentFamily < 0)
        return;
    if (m_typeCombo->itemData(index, KindRole).toInt() == QuantizeItem) {
        const QString type = m_typeCombo->itemData(index).toString();
        const QString source = m_families[m_currentFamily].variants.first().path;
        fillTypeCombo(); // restores the current level
        emit quantizeRequested(source, type);
        return;
    }
    const QString path = m_typeCombo->itemData(index).toString();
    if (path == m_currentPath)
        return;
    m_currentPath = path;
    emit modelChosen(path);
}

} // namespace quanta::ui
