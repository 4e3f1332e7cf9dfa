// checks: what asyncc refuses, found before anything is lowered. Each check
// looks at one construct and reports through the table of Diagnostics.h;
// every check runs, so one run reports every problem of a function.
#pragma once

#include "Frame.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Stmt.h"

namespace asyncc::tool {

// The checks of one ASYNC function's body; false when any reported.
bool checkBody(const clang::CompoundStmt &Body, const FrameAnalysis &Frame, clang::ASTContext &Ctx);

// Awaits of ASYNC functions defined in system headers (never transformed,
// so their futures would not exist); false when any reported.
bool checkAwaitedFunctions(const clang::FunctionDecl &FD, clang::ASTContext &Ctx);

// Over the main file: ASYNC on a declaration never defined, and coroutines
// returning Async<T> without ASYNC (a warning: they stay native).
void checkAnnotations(clang::ASTContext &Ctx);

// Over the main file: a capturing ASYNC lambda called where it is written
// and its future passed to spawn or kept in a variable (a warning: the
// closure dies first, natively too).
void checkDanglingLambdas(clang::ASTContext &Ctx);

} // namespace asyncc::tool
