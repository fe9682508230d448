// SPDX-License-Identifier: MIT
// The bar above the chat that says what runs where: which model (one entry per family of files,
// see services/model_catalog.h), at which quantization level (the family's files, plus
// "Quantize to…" for the levels it lacks) and on which device. It only reports choices through
// signals; opening, quantizing and loading are the window's business.
//
// Thread rules: GUI thread only. It never opens a model file; it stats files (their sizes) when
// the list of model files changes.
#pragma once

#include "model_catalog.h"
#include "quanta/backend/backend.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

class QComboBox;

namespace quanta::ui {

class ModelBar : public QWidget {
    Q_OBJECT

public:
    explicit ModelBar(QWidget* parent = nullptr);

    /// The files of the models folder (services::scanModelFolder); the selection is kept when
    /// its file is still listed.
    void setModelFiles(const QStringList& paths);
    /// Recently opened files, shown with the folder's families (a file outside the folder joins
    /// a family of the same name or makes its own).
    void setRecentModels(const QStringList& paths);
    void setDevices(const QList<quanta::backend::DeviceInfo>& devices);

    /// Selects the family and level of `path` (adding the file when it is not listed yet)
    /// without emitting modelChosen.
    void setCurrentModel(const QString& path);
    /// Selects the device named `name` (DeviceInfo::name) without emitting deviceChosen.
    void setCurrentDevice(const QString& name);

    QString currentModel() const { return m_currentPath; }
    QString currentDevice() const;
    QList<quanta::services::ModelFamily> families() const { return m_families; }

signals:
    /// The user picked a family (its largest file) or a level: the file to load.
    void modelChosen(const QString& path);
    void openModelRequested();
    /// "Quantize to `type`…" for the current family; `sourcePath` is its largest file.
    void quantizeRequested(const QString& sourcePath, const QString& type);
    void deviceChosen(const QString& deviceName);

private:
    enum ItemRole { ValueRole = Qt::UserRole, KindRole }; ///< addItem's data is the ValueRole
    enum ItemKind { FamilyItem, OpenItem, VariantItem, QuantizeItem };

    void rebuildFamilies();
    void fillModelCombo();
    void fillTypeCombo();
    void selectPath(const QString& path);
    qsizetype familyIndexOf(const QString& path) const;
    void onModelActivated(int index);
    void onTypeActivated(int index);

    QComboBox* m_modelCombo = nullptr;
    QComboBox* m_typeCombo = nullptr;
    QComboBox* m_deviceCombo = nullptr;

    QStringList m_folderFiles;
    QStringList m_recentFiles;
    QStringList m_extraFiles; ///< opened with setCurrentModel, in neither list
    QList<quanta::services::ModelFamily> m_families;
    qsizetype m_currentFamily = -1;
    QString m_currentPath;
};

} // namespace quanta::ui
