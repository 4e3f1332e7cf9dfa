// Every diagnostic asyncc reports, from one table (Diagnostics.cpp): an id,
// what cannot be lowered faithfully, and the rewrite it suggests.
#pragma once

#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"

namespace asyncc::tool {

enum class Diag {
  // The function itself
  NotAsyncReturn,
  MemberTemplate,
  TemplateParameterKind,
  TemplateParameterPack,
  UnsupportedMethod,
  HoldsOwnClass,
  VirtualMethod,
  ClassTemplateMethodOutOfLine,
  OutOfLineMethodClass,
  DeclaredTwice,
  CalledBeforeFuture,
  CalledInClass,
  GenericVersions,
  TrailingReturn,
  UnnamedParameter,
  NotCoroutine,
  FunctionTryBlock,
  LambdaInAsync,
  GenericLambda,
  TemplatedLambda,
  LambdaWithoutExpression,
  DeclarationWithoutBody,
  AsyncWithoutAnnotation,
  SystemHeaderAwait,
  SystemHeaderAwaitNote,
  DanglingAsyncLambda,
  // Statements
  CoYield,
  ComputedGoto,
  GotoAcrossFrame,
  NestedCase,
  StatementExpression,
  NotAVariable,
  IfConstexprCondition,
  UnsupportedStatement,
  LocalTypeTwice,
  // Names
  FrameVariableInMacro,
  AwaitInMacro,
  // Values in the frame
  UnnamedType,
  StructuredBinding,
  LambdaCapturesFrame,
  AsyncVariable,
  ArrayVariable,
  ReferenceToTemporary,
  TemporaryReference,
  TemporaryDestructor,
  DefaultArgumentTemporary,
  ConstructorDefaultTemporary,
  BracedListArray,
  ArgumentDestructor,
  FutureType,
  LambdaFutureType,
  UnevaluatedInstantiation,
  EvaluatedBefore,
  AwaitsItself,
  AwaitedDefinedLater,
};

// Starts the report of Id at Loc; the caller adds %0, %1 and fix-its.
clang::DiagnosticBuilder report(clang::ASTContext &Ctx, Diag Id, clang::SourceLocation Loc);

// The text of Id's message with its arguments in place of %0, %1: for
// documentation and tests of the table.
std::string messageOf(Diag Id);

} // namespace asyncc::tool
