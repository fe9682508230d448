// SPDX-License-Identifier: MIT
#include "chat/ast.h"

#include <utility>
#include <vector>

namespace quanta::chat {

Expr::~Expr() {
    std::vector<ExprPtr> pending;
    auto take_children = [&pending](Expr& e) {
        for (ExprPtr& a : e.args)
            if (a)
                pending.push_back(std::move(a));
        for (auto& kv : e.kwargs)
            if (kv.second)
                pending.push_back(std::move(kv.second));
    };
    take_children(*this);
    while (!pending.empty()) {
        ExprPtr e = std::move(pending.back());
        pending.pop_back();
        take_children(*e);
    } // each `e` is freed here with no children left
}

} // namespace quanta::chat
