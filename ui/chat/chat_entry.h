// SPDX-License-Identifier: MIT
// One message of a conversation as the chat view shows it: who said it, the raw text, and for
// assistant replies the generation stats and the error, if the reply failed. Plain data; the
// main window converts it to and from whatever the database stores.
#pragma once

#include <QString>

namespace quanta::ui {

struct ChatEntry {
    enum class Role { System, User, Assistant };
    Role role = Role::User;
    QString text;               ///< Markdown for assistant replies, plain for user and system messages
    double tokensPerSecond = 0; ///< assistant: 0 = unknown
    double firstTokenMs = -1;   ///< assistant: < 0 = unknown
    QString stopReason;         ///< "eos", "length", "cancelled", ...; empty = unknown
    QString error;              ///< set when the reply failed
};

/// "system", "user" or "assistant": the value of a message widget's "role" property.
inline QString roleName(ChatEntry::Role role) {
    switch (role) {
    case ChatEntry::Role::System:
        return QStringLiteral("system");
    case ChatEntry::Role::User:
        return QStringLiteral("user");
    case ChatEntry::Role::Assistant:
        break;
    }
    return QStringLiteral("assistant");
}

} // namespace quanta::ui
