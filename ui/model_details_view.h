// SPDX-License-Identifier: MIT
// The inspect-style view of one model: a form with the architecture, hyperparameters, tokenizer,
// chat template, parameter count and bits per weight, next to the filterable tensor table.
#pragma once

#include "quanta/model_info.h"

#include <QHash>
#include <QWidget>

class QFormLayout;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;
class TensorTableModel;

class ModelDetailsView : public QWidget {
    Q_OBJECT
public:
    explicit ModelDetailsView(QWidget* parent = nullptr);

    void showSummary(const QString& path, const quanta::ModelSummary& summary);

    /// The text shown for a field ("architecture", "blockCount", ...; see the .cpp); for tests.
    QString fieldText(const QString& field) const;
    QTableView* tensorTable() const { return m_table; }

private:
    QLabel* addField(QFormLayout* form, const QString& field, const QString& label);
    void setField(const QString& field, const QString& text);

    QHash<QString, QLabel*> m_fields;
    QLabel* m_tensorHeading = nullptr;
    QLineEdit* m_filter = nullptr;
    TensorTableModel* m_tensors = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTableView* m_table = nullptr;
};
