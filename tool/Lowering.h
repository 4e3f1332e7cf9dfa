// Lowering: one ASYNC function's AST -> the model of its state machine
// (StateMachine.h). The passes it runs, in order: the frame analysis
// (Frame.h), the checks (Checks.h), then the statements and expressions of
// the body (Lowerer.h), which build the layout (Layout.h) and poll's body.
#pragma once

#include "StateMachine.h"

#include "clang/AST/Decl.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace asyncc::tool {

// Lowers FD, reporting anything it cannot lower faithfully as an error
// through the ASTContext's diagnostics (and returning nothing).
std::optional<LoweredFunction> lowerAsyncFunction(const clang::FunctionDecl &FD, clang::ASTContext &Ctx,
                                                  llvm::StringRef FileName);

} // namespace asyncc::tool
