// SPDX-License-Identifier: MIT
// Helpers shared by the Qt tests of tests/services and tests/ui: deterministic evaluation text,
// tiny synthetic models (with their quantizations) written into a test's temporary folder, and
// the GUI thread's heartbeat.
#pragma once

#include "quanta/quantize.h"
#include "quanta/synth_model.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QFile>
#include <QList>
#include <QString>
#include <QTimer>

#include <algorithm>

namespace quanta::test {

/// At least `minBytes` of English prose: a few sentences in changing orders, so that perplexity
/// windows differ from one another. The same bytes on every run.
inline QByteArray evaluationText(qsizetype minBytes = 8000) {
    const QList<QByteArray> sentences = {
        "The river ran quietly past the old mill, where nobody had worked for years.",
        "She opened the window and listened to the rain falling on the tin roof.",
        "Numbers like 42 and 1987 appear in the ledger next to names nobody remembers.",
        "A good compiler warns early, and a good engineer reads every warning.",
        "In the morning the market smelled of bread, oranges and fresh coffee.",
        "They argued about the map for an hour before deciding to walk north.",
        "Quantization trades a little accuracy for a much smaller model on disk.",
        "The library closes at nine, but the reading room stays open until ten.",
    };
    QByteArray text;
    for (int round = 0; text.size() < minBytes; ++round)
        for (qsizetype i = 0; i < sentences.size(); ++i)
            text += sentences[(i * (round % 7 + 1) + round) % sentences.size()] + (i % 3 == 2 ? "\n" : " ");
    return text;
}

/// Writes `bytes` to `path`; false when the file cannot be written.
inline bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

/// A synthetic model with every weight in F16: the source a test quantizes. "" or the error.
inline QString writeF16Model(const QString& path, SynthModelSpec spec = {}) {
    spec.weight_format = Format::F16;
    spec.embedding_format = Format::F16;
    spec.output_format = Format::F16;
    auto written = write_synth_model(QFile::encodeName(path).toStdString(), spec);
    return written ? QString() : QString::fromStdString(written.error().message);
}

/// quantize_model(source -> target, type) on 2 threads. "" or the error.
inline QString quantizeFile(const QString& source, const QString& target, const char* type) {
    QuantizeOptions options;
    options.type = type;
    options.threads = 2;
    auto quantized = quantize_model(QFile::encodeName(source).toStdString(), QFile::encodeName(target).toStdString(),
                                    options);
    return quantized ? QString() : QString::fromStdString(quantized.error().message);
}

/// The event loop's heartbeat: a 5 ms timer on the thread that creates it, and the longest gap
/// between its ticks (how long that thread's event loop stalled) until stop().
class Heartbeat {
public:
    Heartbeat() {
        m_clock.start();
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.elapsed();
            m_longest = std::max(m_longest, now - m_last);
            m_last = now;
        });
        m_timer.start();
    }
    void stop() { m_timer.stop(); }
    qint64 longestGap() const { return m_longest; }

private:
    QElapsedTimer m_clock;
    QTimer m_timer;
    qint64 m_last = 0;
    qint64 m_longest = 0;
};

} // namespace quanta::test
