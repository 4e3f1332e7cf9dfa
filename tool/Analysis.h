// Analysis: reads Clang's AST into the model (Model.h).
#pragma once

#include "Model.h"

#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
} // namespace clang

namespace asyncc::tool {

// The annotation ASYNC expands to.
inline constexpr llvm::StringLiteral AsyncAnnotation = "asyncc::async";

// The ASYNC function definitions of Ctx's main file, in source order.
// Declarations without a body are not listed: there is nothing to transform.
// Locations name the main file MainFileName.
std::vector<AsyncFunction> collectAsyncFunctions(clang::ASTContext &Ctx,
                                                 llvm::StringRef MainFileName);

// The ASYNC function definitions of Ctx's main file, as declarations.
std::vector<const clang::FunctionDecl *> findAsyncFunctions(clang::ASTContext &Ctx);

// Actions that analyse the translation unit they run on into Out.Functions,
// naming its main file Out.File. Out is left untouched when Clang reported
// errors: a broken AST would give a wrong model.
std::unique_ptr<clang::tooling::FrontendActionFactory>
newAnalysisActionFactory(FileModel &Out);

} // namespace asyncc::tool
