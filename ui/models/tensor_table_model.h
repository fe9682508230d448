// SPDX-License-Identifier: MIT
// The tensor table of a model summary as a read-only Qt model: one row per logical tensor (a
// multi-part NF4/INT8 weight is one row), columns name, format, shape, size.
#pragma once

#include "quanta/model_info.h"

#include <QAbstractTableModel>

#include <vector>

class TensorTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NameColumn, FormatColumn, ShapeColumn, SizeColumn, ColumnCount };
    /// Raw value for sorting: elements for the shape column, bytes for the size column.
    static constexpr int SortRole = Qt::UserRole;

    explicit TensorTableModel(QObject* parent = nullptr);

    void setTensors(std::vector<quanta::TensorRow> tensors);
    const quanta::TensorRow* tensorAt(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::vector<quanta::TensorRow> m_tensors;
};
