// SPDX-License-Identifier: MIT
// Byte counts as people read them in the panels: "105 MiB", "1.52 GiB". Binary units, like the
// engine's own messages (quanta-cli estimate), so the numbers agree everywhere. Any thread.
#pragma once

#include <QCoreApplication>
#include <QLocale>
#include <QString>

#include <cstdint>

namespace quanta::ui {

/// "512 B", "12.3 KiB", "105 MiB", "1.52 GiB": two decimals below 10 units, one below 100,
/// none above, so every figure has about three significant digits.
inline QString formatBytes(uint64_t bytes) {
    constexpr double kKiB = 1024.0;
    const double value = static_cast<double>(bytes);
    auto scaled = [](double v, const QString& unit) {
        const int decimals = v < 10.0 ? 2 : (v < 100.0 ? 1 : 0);
        return QCoreApplication::translate("quanta::ui::formatBytes", "%1 %2")
            .arg(QLocale().toString(v, 'f', decimals), unit);
    };
    if (value < kKiB)
        return QCoreApplication::translate("quanta::ui::formatBytes", "%1 B").arg(bytes);
    if (value < kKiB * kKiB)
        return scaled(value / kKiB, QStringLiteral("KiB"));
    if (value < kKiB * kKiB * kKiB)
        return scaled(value / (kKiB * kKiB), QStringLiteral("MiB"));
    return scaled(value / (kKiB * kKiB * kKiB), QStringLiteral("GiB"));
}

} // namespace quanta::ui
