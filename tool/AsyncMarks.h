// async marks: where ASYNC is written. ASYNC expands to nothing, so that it
// may stand wherever a user puts a specifier (`static ASYNC`, `inline ASYNC`,
// `ASYNC static`), after a lambda's captures (`[k] ASYNC (int y)`) or after
// its parameters (`[&]() mutable ASYNC -> Async<T>`): no attribute is valid
// in all of these places. The tool sees its expansions instead, and gives the
// function each one belongs to the annotation isAsync looks for.
#pragma once

#include <memory>

namespace clang {
class ASTConsumer;
class CompilerInstance;
} // namespace clang

namespace asyncc::tool {

// A consumer that marks the functions written with ASYNC, then passes the
// translation unit on to Next.
std::unique_ptr<clang::ASTConsumer> markingAsyncFunctions(clang::CompilerInstance &CI,
                                                          std::unique_ptr<clang::ASTConsumer> Next);

} // namespace asyncc::tool
