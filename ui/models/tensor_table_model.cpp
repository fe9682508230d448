// SPDX-License-Identifier: MIT
#include "models/tensor_table_model.h"

#include <QLocale>

TensorTableModel::TensorTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void TensorTableModel::setTensors(std::vector<quanta::TensorRow> tensors) {
    beginResetModel();
    m_tensors = std::move(tensors);
    endResetModel();
}

const quanta::TensorRow* TensorTableModel::tensorAt(int row) const {
    if (row < 0 || static_cast<size_t>(row) >= m_tensors.size())
        return nullptr;
    return &m_tensors[static_cast<size_t>(row)];
}

int TensorTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_tensors.size());
}

int TensorTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TensorTableModel::data(const QModelIndex& index, int role) const {
    const quanta::TensorRow* t = index.isValid() ? tensorAt(index.row()) : nullptr;
    if (!t)
        return {};
    const int column = index.column();
    if (role == Qt::DisplayRole) {
        switch (column) {
        case NameColumn:
            return QString::fromStdString(t->name);
        case FormatColumn:
            return QString::fromStdString(t->format);
        case ShapeColumn:
            return QString::fromStdString(quanta::format_shape(t->shape))
                .replace(QLatin1String(" x "), QStringLiteral(" × "));
        case SizeColumn:
            return QString::fromStdString(quanta::format_byte_size(t->bytes));
        default:
            return {};
        }
    }
    if (role == SortRole) {
        switch (column) {
        case NameColumn:
            return QString::fromStdString(t->name);
        case FormatColumn:
            return QString::fromStdString(t->format);
        case ShapeColumn:
            return QVariant::fromValue<qlonglong>(t->elements);
        case SizeColumn:
            return QVariant::fromValue<qulonglong>(t->bytes);
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        QLocale locale;
        QString tip = tr("%1\n%2 weights, %3 bytes")
                          .arg(QString::fromStdString(t->name), locale.toString(static_cast<qlonglong>(t->elements)),
                               locale.toString(static_cast<qulonglong>(t->bytes)));
        if (t->part_count > 1)
            tip += QLatin1Char('\n') + tr("stored as %n GGUF tensors", nullptr, static_cast<int>(t->part_count));
        return tip;
    }
    if (role == Qt::TextAlignmentRole && column == SizeColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant TensorTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Name");
    case FormatColumn:
        return tr("Format");
    case ShapeColumn:
        return tr("Shape");
    case SizeColumn:
        return tr("Size");
    default:
        return {};
    }
}
