// --dump: the state machines of the model (LoweredFunction), as text, JSON
// or Graphviz. It reads only the model the emitter prints, so the two agree.
#pragma once

#include "StateMachine.h"

#include "llvm/ADT/ArrayRef.h"

#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace asyncc::tool {

enum class DumpFormat { None, States, Json, Dot };

struct DumpedFile {
  std::string File;  // as the user named it
  std::vector<LoweredFunction> Functions;
};

void printDump(llvm::raw_ostream &OS, DumpFormat Format, llvm::ArrayRef<DumpedFile> Files);

} // namespace asyncc::tool
