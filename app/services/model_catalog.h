// SPDX-License-Identifier: MIT
// The models the user has on disk, grouped the way people think of them: one family
// ("llama-3-8b") with its quantization levels ("Q4_K_M", "NF4", ...) as variants. Grouping is by
// file name only, so it is cheap and never opens a model; scanModelFolder lists a directory.
//
//   QList<ModelFamily> families = groupModelFiles(scanModelFolder(folder));
//   families[0].variants[0].path     // the family's largest file
//   missingQuantizeTypes(families[0]) // what "Quantize to…" can still offer
//
// Thread rules: plain functions over values, safe on any thread. scanModelFolder and
// groupModelFiles stat files (for the sizes): call them off the GUI thread for large folders.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace quanta::services {

struct ModelVariant {
    QString path;
    QString type;       ///< the type token in upper case ("Q4_K_M", "NF4", "F16"), "" if none
    qint64 bytes = 0;   ///< file size; 0 when the file cannot be read
};

struct ModelFamily {
    QString name;                 ///< the file stem without the type token ("llama-3-8b")
    QList<ModelVariant> variants; ///< sorted by bytes, largest first
};

/// Groups GGUF paths into families by file name: "llama-3-8b-Q4_K_M.gguf" and
/// "llama-3-8b.NF4.gguf" are both family "llama-3-8b". The type token (F32 F16 BF16 Q8_0 Q6_K
/// Q5_K_M Q5_K_S Q5_K Q5_0 Q5_1 Q4_K_M Q4_K_S Q4_K Q4_0 Q4_1 NF4 INT8, any case) must be set off
/// by '.', '-' or '_'; dotted suffixes after it ("m.Q8_0.requant.gguf") belong to the variant.
/// A name without a token is a family of its own with type "". Families are sorted by name.
QList<ModelFamily> groupModelFiles(const QStringList& paths);

/// The *.gguf files in `folder` and its direct subfolders, as absolute paths, sorted.
QStringList scanModelFolder(const QString& folder);

/// The names of quantize_type_names() that the family has no variant of, in that order, without
/// F32 and BF16 (quantizing up to them gains nothing): what "Quantize to…" offers.
QStringList missingQuantizeTypes(const ModelFamily& family);

} // namespace quanta::services
