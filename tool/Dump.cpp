#include "Dump.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <algorithm>
#include <functional>

namespace asyncc::tool {
namespace {

struct Stored {
  std::string Name;  // as the emitted struct names it: await1
  std::string Path;  // of its value: await1.value
  std::string Type;
  std::string Comment;
};

// What the frame stores, by the path of its value: the slots and the
// parameters.
llvm::StringMap<Stored> storedByPath(const LoweredFunction &F) {
  llvm::StringMap<Stored> Out;
  for (const Parameter &P : F.Params)
    Out[P.Name] = {P.Name, P.Name, P.Type, "parameter"};
  for (const FrameSlot &Slot : F.Frame)
    Out[Slot.Name + ".value"] = {Slot.Name, Slot.Name + ".value", Slot.Type, Slot.Comment};
  return Out;
}

// "4 bytes", with Offset "4 bytes at 8", once measured; else empty.
std::string measured(const LoweredFunction &F, const std::string &Path, bool Offset) {
  auto It = F.MemberSizes.find(Path);
  if (It == F.MemberSizes.end())
    return "";
  auto At = F.MemberOffsets.find(Path);
  return std::to_string(It->second) + " bytes" +
         (Offset && At != F.MemberOffsets.end() ? " at " + std::to_string(At->second) : "");
}

std::string sizeText(const LoweredFunction &F, const std::string &Path, bool Offset = false) {
  std::string Text = measured(F, Path, Offset);
  return Text.empty() ? "" : " (" + Text + ")";
}

using Transitions = std::map<std::string, std::vector<std::string>>;

// Where a poll resuming at each state can leave the future: read from poll's
// tree.
Transitions transitionsOf(const LoweredFunction &F) {
  std::vector<std::string> StateNames;
  for (const SuspendState &State : F.States)
    StateNames.push_back(State.Name);
  return transitionsOf(F.Body, StateNames);
}

// Where a poll resuming at State can leave the future.
std::string nextText(const Transitions &Next, const std::string &State) {
  std::string Out;
  if (auto It = Next.find(State); It != Next.end())
    for (const std::string &N : It->second)
      Out += (Out.empty() ? "" : ", ") + N;
  return (State == "Start" ? "" : "pending -> " + State + "; ready -> ") + Out;
}

// What is alive in live set At, outermost first.
std::vector<Stored> alive(const LoweredFunction &F, unsigned At, const llvm::StringMap<Stored> &ByPath) {
  std::vector<Stored> Out;
  for (; At != 0; At = F.Live[At].Parent) {
    auto It = ByPath.find(F.Live[At].Path);
    Out.push_back(It != ByPath.end() ? It->second : Stored{F.Live[At].Path, F.Live[At].Path, "", ""});
  }
  std::reverse(Out.begin(), Out.end());
  return Out;
}

// F's struct as code outside it names it: a method's in its class, a
// specialization with its arguments (Client::echo_future<int>).
std::string spelledFuture(const LoweredFunction &F) {
  return (F.ClassName.empty() ? "" : F.ClassName + "::") + F.FutureName + (F.Specialization ? F.TemplateArgs : "");
}

void printStates(llvm::raw_ostream &OS, const DumpedFile &File, const LoweredFunction &F) {
  auto ByPath = storedByPath(F);
  Transitions Next = transitionsOf(F);
  OS << F.Name << " (" << File.File << ':' << F.Line << "): struct " << spelledFuture(F) << ", Output = "
     << F.OutputType << ", " << F.States.size() + 2 << " states";
  if (F.FutureSize)
    OS << ", sizeof " << *F.FutureSize << " bytes";
  OS << '\n';
  auto printAlive = [&](unsigned Live) {
    std::vector<Stored> A = alive(F, Live, ByPath);
    if (A.empty())
      OS << "    alive: nothing with a destructor\n";
    for (const Stored &S : A)
      OS << "    alive: " << S.Name << " : " << S.Type << sizeText(F, S.Path) << '\n';
  };
  OS << "  Start: before the first poll\n";
  printAlive(F.StartLive);
  OS << "    next: " << nextText(Next, "Start") << '\n';
  for (const SuspendState &St : F.States) {
    OS << "  " << St.Name << ": " << St.SourceText << "   " << File.File << ':' << St.Line << '\n';
    printAlive(St.Live);
    OS << "    next: " << nextText(Next, St.Name) << '\n';
  }
  OS << "  Done: finished; nothing alive\n";
  OS << "  frame:\n";
  for (const Parameter &P : F.Params)
    OS << "    " << P.Name << " : " << P.Type << sizeText(F, P.Name, true) << "  // parameter\n";
  for (const FrameSlot &Slot : F.Frame) {
    std::string Size = measured(F, Slot.Name + ".value", true);
    OS << "    " << Slot.Name << " : " << Slot.Type << " (" << (Size.empty() ? "" : Size + ", ") << "alive "
       << Slot.From << "-" << Slot.To << ")";
    if (!Slot.Comment.empty())
      OS << "  // " << Slot.Comment;
    OS << '\n';
  }
}

void printJson(llvm::raw_ostream &OS, llvm::ArrayRef<DumpedFile> Files) {
  llvm::json::OStream J(OS, 2);
  auto size = [&](const LoweredFunction &F, const std::string &Path) {
    auto It = F.MemberSizes.find(Path);
    if (It != F.MemberSizes.end())
      J.attribute("size", static_cast<int64_t>(It->second));
  };
  auto offset = [&](const LoweredFunction &F, const std::string &Path) {
    auto It = F.MemberOffsets.find(Path);
    if (It != F.MemberOffsets.end())
      J.attribute("offset", static_cast<int64_t>(It->second));
  };
  J.object([&] {
    J.attribute("version", 2);
    J.attributeArray("files", [&] {
      for (const DumpedFile &File : Files)
        J.object([&] {
          J.attribute("file", File.File);
          J.attributeArray("functions", [&] {
            for (const LoweredFunction &F : File.Functions) {
              auto ByPath = storedByPath(F);
              Transitions Next = transitionsOf(F);
              auto stateDetails = [&](const std::string &Name, unsigned Live) {
                J.attributeArray("alive", [&] {
                  for (const Stored &S : alive(F, Live, ByPath))
                    J.object([&] {
                      J.attribute("name", S.Name);
                      J.attribute("type", S.Type);
                      size(F, S.Path);
                    });
                });
                if (auto It = Next.find(Name); It != Next.end())
                  J.attributeArray("next", [&] {
                    for (const std::string &N : It->second)
                      J.value(N);
                  });
              };
              J.object([&] {
                J.attribute("name", F.Name);
                J.attribute("future", spelledFuture(F));
                J.attribute("output", F.OutputType);
                J.attribute("line", F.Line);
                if (F.FutureSize)
                  J.attribute("size", static_cast<int64_t>(*F.FutureSize));
                J.attributeArray("parameters", [&] {
                  for (const Parameter &P : F.Params)
                    J.object([&] {
                      J.attribute("name", P.Name);
                      J.attribute("type", P.Type);
                      J.attribute("reference", P.IsReference);
                      size(F, P.Name);
                      offset(F, P.Name);
                    });
                });
                J.attributeArray("states", [&] {
                  J.object([&] {
                    J.attribute("name", "Start");
                    stateDetails("Start", F.StartLive);
                  });
                  for (const SuspendState &St : F.States)
                    J.object([&] {
                      J.attribute("name", St.Name);
                      J.attribute("await", St.SourceText);
                      J.attribute("line", St.Line);
                      stateDetails(St.Name, St.Live);
                    });
                  J.object([&] {
                    J.attribute("name", "Done");
                    J.attributeArray("alive", [] {});
                  });
                });
                J.attributeArray("frame", [&] {
                  for (const FrameSlot &Slot : F.Frame)
                    J.object([&] {
                      J.attribute("name", Slot.Name);
                      J.attribute("type", Slot.Type);
                      J.attribute("comment", Slot.Comment);
                      J.attribute("from", Slot.From);
                      J.attribute("to", Slot.To);
                      size(F, Slot.Name + ".value");
                      offset(F, Slot.Name + ".value");
                    });
                });
              });
            }
          });
        });
    });
  });
  OS << '\n';
}

std::string dotEscape(llvm::StringRef S) {
  std::string Out;
  for (char C : S) {
    if (C == '"' || C == '\\')
      Out += '\\';
    Out += C;
  }
  return Out;
}

// One cluster per function: a node per state with what it keeps alive, an
// edge per transition.
void printDot(llvm::raw_ostream &OS, llvm::ArrayRef<DumpedFile> Files) {
  OS << "digraph asyncc {\n  node [shape=box, fontname=monospace];\n";
  unsigned Cluster = 0;
  for (const DumpedFile &File : Files)
    for (const LoweredFunction &F : File.Functions) {
      std::string P = F.Name + "_";
      auto ByPath = storedByPath(F);
      auto label = [&](const std::string &Name, const std::string &Text, unsigned Live) {
        std::string L = Name + (Text.empty() ? "" : "\\n" + dotEscape(Text));
        for (const Stored &S : alive(F, Live, ByPath))
          L += "\\l  " + dotEscape(S.Name + " : " + S.Type + sizeText(F, S.Name));
        return L + "\\l";
      };
      OS << "  subgraph cluster_" << Cluster++ << " {\n    label=\"" << dotEscape(F.FutureName) << " ("
         << dotEscape(File.File) << ':' << F.Line << ")"
         << (F.FutureSize ? ", " + std::to_string(*F.FutureSize) + " bytes" : "") << "\";\n";
      OS << "    \"" << P << "Start\" [label=\"" << label("Start", "", F.StartLive) << "\"];\n";
      for (const SuspendState &St : F.States)
        OS << "    \"" << P << St.Name << "\" [label=\""
           << label(St.Name, St.SourceText + "  line " + std::to_string(St.Line), St.Live) << "\"];\n";
      OS << "    \"" << P << "Done\" [label=\"Done\"];\n";
      for (const auto &[From, To] : transitionsOf(F)) {
        if (From != "Start")
          OS << "    \"" << P << From << "\" -> \"" << P << From << "\" [label=\"pending\", style=dotted];\n";
        for (const std::string &N : To)
          OS << "    \"" << P << From << "\" -> \"" << P << N << "\";\n";
      }
      OS << "  }\n";
    }
  OS << "}\n";
}

} // namespace

void printDump(llvm::raw_ostream &OS, DumpFormat Format, llvm::ArrayRef<DumpedFile> Files) {
  switch (Format) {
  case DumpFormat::None:
    return;
  case DumpFormat::States:
    for (const DumpedFile &File : Files)
      for (const LoweredFunction &F : File.Functions)
        printStates(OS, File, F);
    return;
  case DumpFormat::Json:
    printJson(OS, Files);
    return;
  case DumpFormat::Dot:
    printDot(OS, Files);
    return;
  }
}

} // namespace asyncc::tool
