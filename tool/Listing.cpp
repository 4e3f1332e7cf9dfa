#include "Listing.h"

#include "llvm/Support/raw_ostream.h"

namespace asyncc::tool {

void printList(llvm::raw_ostream &OS, const FileModel &Model) {
  for (const AsyncFunction &F : Model.Functions)
    OS << F.Location.File << ':' << F.Location.Line << ':' << F.Location.Column
       << ": " << F.Signature << " -> " << F.ReturnType << '\n';
}

} // namespace asyncc::tool
