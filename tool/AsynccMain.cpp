// asyncc: rewrites functions annotated ASYNC into state-machine structs.
// Command line in the manner of clang-tidy: asyncc [options] <file>... [-- <compiler args>]

#include "Config.h"
#include "Driver.h"

#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

using namespace clang::tooling;
using namespace llvm;
using namespace asyncc::tool;

namespace {

cl::OptionCategory AsynccCategory("asyncc options");

cl::opt<bool> List("list",
                   cl::desc("List the ASYNC functions defined in each file, one per line:\n"
                            "<file>:<line>:<col>: <signature> -> <return type>"),
                   cl::cat(AsynccCategory));

cl::opt<std::string> OutputPath("o", cl::desc("Write the transformed file here (one input file; - for stdout)"),
                                cl::value_desc("file"), cl::cat(AsynccCategory));

cl::opt<std::string> OutDir("out-dir",
                            cl::desc("Write each transformed file to <dir>/<its path relative to the\n"
                                     "current directory>"),
                            cl::value_desc("dir"), cl::cat(AsynccCategory));

cl::opt<bool> InPlace("i", cl::desc("Rewrite the files in place (atomically; all or none)"),
                      cl::cat(AsynccCategory));

cl::opt<DumpFormat> Dump(
    "dump", cl::desc("Print the state machines instead of writing code:"), cl::value_desc("format"),
    cl::values(clEnumValN(DumpFormat::States, "states", "states, what each keeps alive, transitions"),
               clEnumValN(DumpFormat::Json, "json", "the same as JSON (format in tool/README.md)"),
               clEnumValN(DumpFormat::Dot, "dot", "the state graphs for Graphviz")),
    cl::init(DumpFormat::None), cl::cat(AsynccCategory));

cl::opt<std::string> DepFile("depfile",
                             cl::desc("Also write a Makefile rule: the outputs depend on every file\n"
                                      "the inputs read (as a compiler's -MF)"),
                             cl::value_desc("file"), cl::cat(AsynccCategory));

cl::opt<bool> Format("format", cl::desc("Format the state machines with the nearest .clang-format\n"
                                        "(LLVM style if none; default on)"),
                     cl::init(true), cl::cat(AsynccCategory));

cl::opt<bool> LineDirectives("line-directives",
                             cl::desc("#line directives mapping poll's code to the input's lines\n"
                                      "(default on)"),
                             cl::init(true), cl::cat(AsynccCategory));

cl::extrahelp CommonHelp(CommonOptionsParser::HelpMessage);
cl::extrahelp AsynccHelp(R"(
Actions (exactly one):
  -o <file>          one input file, transformed into <file>
  --out-dir <dir>    each input transformed into <dir>, mirroring its path
  -i                 each input rewritten in place
  --list             the ASYNC functions of each input
  --dump=<format>    the state machines of each input

Nothing is written unless every input is transformed: on an error in any
file, no output changes.

Exit status: 0 success; 1 errors in an input (or it is missing, unreadable or
refused) or an output that cannot be written; 2 usage errors.

Examples:
  asyncc file.cpp -o file.gen.cpp -- -Iinclude
  asyncc -p build --out-dir build/gen src/a.cpp src/b.cpp
  asyncc --dump=states file.cpp -- -Iinclude
)");

const char Overview[] =
    "asyncc rewrites the functions annotated ASYNC into state-machine structs.\n"
    "Input is parsed as C++20 unless the compiler arguments choose another -std.\n";

void printVersion(raw_ostream &OS) {
  OS << "asyncc version " << ASYNCC_VERSION << "\n"
     << "  LLVM version " << LLVM_VERSION_STRING << "\n";
}

} // namespace

int main(int argc, const char **argv) {
  InitLLVM Init(argc, argv);
  cl::SetVersionPrinter(printVersion);

  auto Options = CommonOptionsParser::create(argc, argv, AsynccCategory, cl::OneOrMore, Overview);
  if (!Options) {
    errs() << toString(Options.takeError());
    return ExitUsageError;
  }
  int Actions = !OutputPath.empty() + !OutDir.empty() + InPlace + List + (Dump != DumpFormat::None);
  if (Actions == 0) {
    errs() << "asyncc: error: no action given: pass -o <file>, --out-dir <dir>, -i, --list or --dump\n"
              "Run 'asyncc --help' for usage.\n";
    return ExitUsageError;
  }
  if (Actions > 1) {
    errs() << "asyncc: error: -o, --out-dir, -i, --list and --dump exclude each other\n";
    return ExitUsageError;
  }
  if (!DepFile.empty() && (List || Dump != DumpFormat::None)) {
    errs() << "asyncc: error: --depfile goes with -o, --out-dir or -i\n";
    return ExitUsageError;
  }
  if (!OutputPath.empty() && Options->getSourcePathList().size() != 1) {
    errs() << "asyncc: error: -o takes exactly one input file (use --out-dir or -i for several)\n";
    return ExitUsageError;
  }
  const CompilationDatabase &Compilations = Options->getCompilations();
  const std::vector<std::string> &Inputs = Options->getSourcePathList();
  if (List)
    return listFunctions(Compilations, Inputs);
  DriverOptions Driver;
  Driver.OutputPath = OutputPath;
  Driver.OutDir = OutDir;
  Driver.InPlace = InPlace;
  Driver.DepFile = DepFile;
  Driver.Format = Format;
  Driver.LineDirectives = LineDirectives;
  Driver.Dump = Dump;
  if (Dump != DumpFormat::None)
    return dumpStateMachines(Compilations, Inputs, Driver);
  return rewriteFiles(Compilations, Inputs, Driver);
}
