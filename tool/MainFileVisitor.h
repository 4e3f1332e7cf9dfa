// A RecursiveASTVisitor of the main file's declarations only: what a header
// declares is that header's to transform.
#pragma once

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

namespace asyncc::tool {

template <class Derived> class MainFileVisitor : public clang::RecursiveASTVisitor<Derived> {
public:
  explicit MainFileVisitor(const clang::SourceManager &SM) : MainSM(SM) {}

  bool TraverseDecl(clang::Decl *D) {
    if (D && !llvm::isa<clang::TranslationUnitDecl>(D) && !MainSM.isInMainFile(MainSM.getExpansionLoc(D->getLocation())))
      return true;
    return clang::RecursiveASTVisitor<Derived>::TraverseDecl(D);
  }

private:
  const clang::SourceManager &MainSM;
};

} // namespace asyncc::tool
