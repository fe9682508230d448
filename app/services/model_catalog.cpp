// SPDX-License-Identifier: MIT
#include "model_catalog.h"

#include "quanta/quantize.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>

#include <algorithm>

namespace quanta::services {

namespace {

// Longer tokens first where one is a prefix of another (Q5_K_M before Q5_K), although the
// lookahead below already keeps Q5_K from matching the start of Q5_K_M.
const QRegularExpression& typeTokenPattern() {
    static const QRegularExpression pattern(
        QStringLiteral("[._-](F32|F16|BF16|Q8_0|Q6_K|Q5_K_M|Q5_K_S|Q5_K|Q5_0|Q5_1|Q4_K_M|Q4_K_S|Q4_K|Q4_0|Q4_1|NF4|INT8)"
                       "(?=$|\\.)"),
        QRegularExpression::CaseInsensitiveOption);
    return pattern;
}

struct ParsedName {
    QString family;
    QString type;
};

ParsedName parseFileName(const QString& path) {
    QString stem = QFileInfo(path).fileName();
    if (stem.endsWith(QStringLiteral(".gguf"), Qt::CaseInsensitive))
        stem.chop(5);
    // The last token wins: "q8_0-distill.Q4_K_M" is a Q4_K_M file of family "q8_0-distill".
    QRegularExpressionMatch last;
    auto matches = typeTokenPattern().globalMatch(stem);
    while (matches.hasNext())
        last = matches.next();
    if (!last.hasMatch() || last.capturedStart(0) == 0)
        return {stem, QString()};
    return {stem.left(last.capturedStart(0)), last.captured(1).toUpper()};
}

} // namespace

QList<ModelFamily> groupModelFiles(const QStringList& paths) {
    QList<ModelFamily> families;
    QHash<QString, qsizetype> familyIndex; // key -> index in families
    for (const QString& path : paths) {
        const ParsedName parsed = parseFileName(path);
        // A file without a token is its own family even when another folder has the same name.
        const QString key = parsed.type.isEmpty() ? QStringLiteral("\x01") + path : parsed.family;
        auto found = familyIndex.constFind(key);
        qsizetype index = 0;
        if (found == familyIndex.constEnd()) {
            index = families.size();
            familyIndex.insert(key, index);
            families.append(ModelFamily{parsed.family, {}});
        } else {
            index = *found;
        }
        families[index].variants.append(ModelVariant{path, parsed.type, QFileInfo(path).size()});
    }
    for (ModelFamily& family : families) {
        std::stable_sort(family.variants.begin(), family.variants.end(),
                         [](const ModelVariant& a, const ModelVariant& b) {
                             return a.bytes != b.bytes ? a.bytes > b.bytes : a.path < b.path;
                         });
    }
    std::stable_sort(families.begin(), families.end(), [](const ModelFamily& a, const ModelFamily& b) {
        return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    });
    return families;
}

QStringList scanModelFolder(const QString& folder) {
    QStringList found;
    const QDir root(folder);
    if (!root.exists())
        return found;
    const QStringList filter{QStringLiteral("*.gguf")};
    auto addGgufFiles = [&](const QDir& dir) {
        for (const QFileInfo& info : dir.entryInfoList(filter, QDir::Files | QDir::Readable))
            found.append(info.absoluteFilePath());
    };
    addGgufFiles(root);
    for (const QFileInfo& sub : root.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot))
        addGgufFiles(QDir(sub.absoluteFilePath()));
    found.sort();
    return found;
}

QStringList missingQuantizeTypes(const ModelFamily& family) {
    QStringList present;
    for (const ModelVariant& variant : family.variants)
        present.append(variant.type);
    QStringList missing;
    for (std::string_view name : quantize_type_names()) {
        const QString type = QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
        if (type == QStringLiteral("F32") || type == QStringLiteral("BF16"))
            continue;
        if (!present.contains(type, Qt::CaseInsensitive))
            missing.append(type);
    }
    return missing;
}

} // namespace quanta::services
