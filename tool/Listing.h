// --list: one line per ASYNC function,
//   <file>:<line>:<column>: <qualified signature> -> <return type>
// in the file:line:col form of compiler diagnostics, so editors can jump to it.
#pragma once

#include "Model.h"

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace asyncc::tool {

void printList(llvm::raw_ostream &OS, const FileModel &Model);

} // namespace asyncc::tool
