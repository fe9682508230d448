// SPDX-License-Identifier: MIT
// The model catalog: grouping files into families by the type token in their names (any
// separator, any case, dotted suffixes after the token), files without a token, the levels
// "Quantize to…" offers, and scanning a folder one level deep.
#include "model_catalog.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace quanta::services;

class TestModelCatalog : public QObject {
    Q_OBJECT

private:
    static const ModelFamily* find(const QList<ModelFamily>& families, const QString& name) {
        for (const ModelFamily& f : families) {
            if (f.name == name)
                return &f;
        }
        return nullptr;
    }

    static void writeFile(const QString& path, qint64 bytes) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(QByteArray(bytes, 'x')), bytes);
    }

private slots:
    void groupsLevelsOfOneModel() {
        const auto families = groupModelFiles({QStringLiteral("/m/llama-3-8b-Q4_K_M.gguf"),
                                               QStringLiteral("/m/llama-3-8b.NF4.gguf"),
                                               QStringLiteral("/m/SmolLM2-135M-Instruct.Q4_1.gguf")});
        QCOMPARE(families.size(), 2);
        const ModelFamily* llama = find(families, QStringLiteral("llama-3-8b"));
        QVERIFY(llama);
        QCOMPARE(llama->variants.size(), 2);
        QStringList types;
        for (const ModelVariant& v : llama->variants)
            types.append(v.type);
        types.sort();
        QCOMPARE(types, (QStringList{QStringLiteral("NF4"), QStringLiteral("Q4_K_M")}));
        const ModelFamily* smol = find(families, QStringLiteral("SmolLM2-135M-Instruct"));
        QVERIFY(smol);
        QCOMPARE(smol->variants.size(), 1);
        QCOMPARE(smol->variants[0].type, QStringLiteral("Q4_1"));
        QCOMPARE(smol->variants[0].path, QStringLiteral("/m/SmolLM2-135M-Instruct.Q4_1.gguf"));
        // Families sorted by name, case-insensitively.
        QCOMPARE(families[0].name, QStringLiteral("llama-3-8b"));
    }

    void dottedSuffixBelongsToTheVariant() {
        const auto families = groupModelFiles({QStringLiteral("/m/SmolLM2-135M-Instruct.Q8_0.requant.gguf"),
                                               QStringLiteral("/m/SmolLM2-135M-Instruct.Q8_0.gguf"),
                                               QStringLiteral("/m/SmolLM2-135M-Instruct_f16.gguf")});
        QCOMPARE(families.size(), 1);
        QCOMPARE(families[0].name, QStringLiteral("SmolLM2-135M-Instruct"));
        QCOMPARE(families[0].variants.size(), 3);
        for (const ModelVariant& v : families[0].variants)
            QVERIFY2(v.type == QStringLiteral("Q8_0") || v.type == QStringLiteral("F16"), qPrintable(v.type));
    }

    void tokensAreCaseInsensitive() {
        const auto families = groupModelFiles({QStringLiteral("/m/phi-q4_k_m.gguf"), QStringLiteral("/m/phi.Nf4.GGUF"),
                                               QStringLiteral("/m/phi_bf16.gguf"), QStringLiteral("/m/phi-int8.gguf")});
        QCOMPARE(families.size(), 1);
        QCOMPARE(families[0].name, QStringLiteral("phi"));
        QStringList types;
        for (const ModelVariant& v : families[0].variants)
            types.append(v.type);
        types.sort();
        QCOMPARE(types, (QStringList{QStringLiteral("BF16"), QStringLiteral("INT8"), QStringLiteral("NF4"),
                                     QStringLiteral("Q4_K_M")}));
    }

    void longestTokenWinsAndTokenNeedsASeparator() {
        const auto families = groupModelFiles({QStringLiteral("/m/a-Q5_K_S.gguf"), QStringLiteral("/m/a-Q5_K.gguf"),
                                               QStringLiteral("/m/a-Q5_0.gguf"), QStringLiteral("/m/a-Q5_1.gguf"),
                                               QStringLiteral("/m/a-Q4_K_S.gguf"), QStringLiteral("/m/a-Q4_K.gguf"),
                                               QStringLiteral("/m/a-Q4_0.gguf"), QStringLiteral("/m/a-Q6_K.gguf"),
                                               QStringLiteral("/m/a-F32.gguf"), QStringLiteral("/m/a-Q5_K_M.gguf"),
                                               QStringLiteral("/m/aQ4_0.gguf")});
        QCOMPARE(families.size(), 2);
        const ModelFamily* a = find(families, QStringLiteral("a"));
        QVERIFY(a);
        QStringList types;
        for (const ModelVariant& v : a->variants)
            types.append(v.type);
        types.sort();
        QCOMPARE(types, (QStringList{QStringLiteral("F32"), QStringLiteral("Q4_0"), QStringLiteral("Q4_K"),
                                     QStringLiteral("Q4_K_S"), QStringLiteral("Q5_0"), QStringLiteral("Q5_1"),
                                     QStringLiteral("Q5_K"), QStringLiteral("Q5_K_M"), QStringLiteral("Q5_K_S"),
                                     QStringLiteral("Q6_K")}));
        QVERIFY(find(families, QStringLiteral("aQ4_0"))); // no separator: no token
    }

    void fileWithoutTokenIsItsOwnFamily() {
        const auto families = groupModelFiles({QStringLiteral("/m/tiny.gguf"), QStringLiteral("/other/tiny.gguf"),
                                               QStringLiteral("/m/tiny-Q8_0.gguf")});
        QCOMPARE(families.size(), 3);
        int plain = 0;
        for (const ModelFamily& f : families) {
            QCOMPARE(f.name, QStringLiteral("tiny"));
            QCOMPARE(f.variants.size(), 1);
            if (f.variants[0].type.isEmpty())
                ++plain;
        }
        QCOMPARE(plain, 2);
    }

    void variantsSortedBySizeLargestFirst() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString small = dir.filePath(QStringLiteral("m-Q4_K_M.gguf"));
        const QString large = dir.filePath(QStringLiteral("m-Q8_0.gguf"));
        writeFile(small, 100);
        writeFile(large, 200);
        const auto families = groupModelFiles({small, large});
        QCOMPARE(families.size(), 1);
        QCOMPARE(families[0].variants[0].path, large);
        QCOMPARE(families[0].variants[0].bytes, qint64(200));
        QCOMPARE(families[0].variants[1].path, small);
        QCOMPARE(families[0].variants[1].bytes, qint64(100));
    }

    void missingTypesOfAFamily() {
        ModelFamily family{QStringLiteral("m"),
                           {ModelVariant{QStringLiteral("/m/m-Q4_K_M.gguf"), QStringLiteral("Q4_K_M"), 100},
                            ModelVariant{QStringLiteral("/m/m.NF4.gguf"), QStringLiteral("NF4"), 90}}};
        QCOMPARE(missingQuantizeTypes(family),
                 (QStringList{QStringLiteral("F16"), QStringLiteral("Q8_0"), QStringLiteral("Q6_K"),
                              QStringLiteral("Q5_K_M"), QStringLiteral("Q4_K_S"), QStringLiteral("Q4_0"),
                              QStringLiteral("INT8")}));
    }

    void scansFolderAndDirectSubfolders() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir root(dir.path());
        QVERIFY(root.mkpath(QStringLiteral("sub/deeper")));
        writeFile(root.filePath(QStringLiteral("b-Q8_0.gguf")), 10);
        writeFile(root.filePath(QStringLiteral("a.gguf")), 10);
        writeFile(root.filePath(QStringLiteral("notes.txt")), 10);
        writeFile(root.filePath(QStringLiteral("sub/c-NF4.gguf")), 10);
        writeFile(root.filePath(QStringLiteral("sub/readme.md")), 10);
        writeFile(root.filePath(QStringLiteral("sub/deeper/too-deep.gguf")), 10);
        const QStringList found = scanModelFolder(dir.path());
        QStringList expected{QFileInfo(root.filePath(QStringLiteral("a.gguf"))).absoluteFilePath(),
                             QFileInfo(root.filePath(QStringLiteral("b-Q8_0.gguf"))).absoluteFilePath(),
                             QFileInfo(root.filePath(QStringLiteral("sub/c-NF4.gguf"))).absoluteFilePath()};
        expected.sort();
        QCOMPARE(found, expected);
        QVERIFY(scanModelFolder(dir.filePath(QStringLiteral("does-not-exist"))).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestModelCatalog)
#include "test_model_catalog.moc"
