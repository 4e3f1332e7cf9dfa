#include "PollTree.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <set>

namespace asyncc::tool {
namespace {

class Printer {
public:
  Printer(std::vector<std::string> &Lines, std::vector<unsigned> &SourceLines)
      : Lines(Lines), SourceLines(SourceLines) {}

  // Text's first line indented by Depth; the lines after it are the
  // input's, kept as they are, each one line further in the input.
  void text(const std::string &Text, unsigned Depth, unsigned Line) {
    llvm::SmallVector<llvm::StringRef, 8> Parts;
    llvm::StringRef(Text).split(Parts, '\n');
    for (size_t I = 0; I != Parts.size(); ++I) {
      SourceLines.push_back(Line ? Line + I : 0);
      Lines.push_back(I == 0 ? std::string(Depth * 2, ' ') + Parts[I].str() : Parts[I].str());
    }
  }

  // A statement nested under a head: a block stands at the head's depth,
  // anything else one level in.
  void nested(const PollNode &N, unsigned Depth) { print(N, N.K == PollNode::Block ? Depth : Depth + 1); }

  void print(const PollNode &N, unsigned Depth) {
    switch (N.K) {
    case PollNode::Code:
    case PollNode::Return:
    case PollNode::Break:
    case PollNode::Continue:
    case PollNode::Case:
    case PollNode::Poll:  // placed before printing
      text(N.Text, Depth, N.Line);
      return;
    case PollNode::Block:
      if (!N.Text.empty())
        text(N.Text, Depth, N.Line);
      for (const PollNode &C : N.Children)
        print(C, Depth + 1);
      if (!N.Text.empty())
        text("}", Depth, N.EndLine);
      return;
    case PollNode::Label:
      text(N.Text, N.Outdent ? Depth - 1 : Depth, N.Line);
      return;
    case PollNode::Goto: {
      llvm::SmallVector<llvm::StringRef, 4> Parts;
      llvm::StringRef(N.Text).split(Parts, '\n');
      for (llvm::StringRef Part : Parts)
        text(Part.str(), Depth, N.Line);
      return;
    }
    case PollNode::Await:
      text("\037state_ = \037State::Await" + std::to_string(N.State) + ";", Depth, N.Line);
      text(N.Text + ":", Depth - 1, N.Line);  // the resume label
      return;
    case PollNode::If:
      text(N.Text, Depth, N.Line);
      nested(N.Children[0], Depth);
      if (N.Children.size() > 1) {
        text("else", Depth, N.EndLine);
        nested(N.Children[1], Depth);
      }
      return;
    case PollNode::Loop:
    case PollNode::Switch:
      text(N.Text, Depth, N.Line);
      nested(N.Children[0], Depth);
      if (!N.Tail.empty())
        text(N.Tail, Depth, N.EndLine);
      return;
    case PollNode::Try:
      text("try", Depth, N.Line);
      for (const PollNode &C : N.Children)
        print(C, Depth);
      return;
    case PollNode::Catch:
      text(N.Text, Depth, N.Line);
      print(N.Children[0], Depth);
      return;
    case PollNode::Dispatch:
      text("switch (\037resuming)", Depth, 0);
      text("{", Depth, 0);
      for (const auto &[State, Target] : N.Targets)
        text("case \037State::" + State + ":" +
                 (llvm::StringRef(Target).starts_with("resume") ? " \037resuming = \037State::Start;" : "") + " goto " +
                 Target + ";",
             Depth, 0);
      text("default: break;", Depth, 0);
      text("}", Depth, 0);
      return;
    }
  }

private:
  std::vector<std::string> &Lines;
  std::vector<unsigned> &SourceLines;
};

// The control flow of the tree as a graph whose nodes are its statements:
// enough to follow a poll from where it starts to where it leaves.
class FlowGraph {
public:
  struct Node {
    unsigned Await = 0;  // reaching it leaves the future in this state
    bool Return = false;
    std::vector<int> Succ;
  };
  std::vector<Node> Nodes;
  std::map<unsigned, int> ResumeAt;  // state -> where its resumption goes on
  std::map<std::string, int> Labels;  // the input's labels, and the tool's
  std::vector<std::pair<int, std::string>> Gotos;

  // A goto's edge, once its label is known.
  void resolveGotos() {
    for (const auto &[Id, Label] : Gotos)
      if (auto It = Labels.find(Label); It != Labels.end())
        edge(Id, It->second);
  }

  int add() {
    Nodes.emplace_back();
    return static_cast<int>(Nodes.size()) - 1;
  }
  void edge(int From, int To) {
    if (To >= 0)
      Nodes[From].Succ.push_back(To);
  }

  struct Switch {
    std::vector<int> Cases;
    bool HasDefault = false;
  };

  // Returns the entry of N, which goes on to Next.
  int build(const PollNode &N, int Next, int BreakTo, int ContinueTo, Switch *Sw) {
    switch (N.K) {
    case PollNode::Code:
    case PollNode::Case:
    case PollNode::Poll: {
      // A case label, or an input statement that begins with one, is where
      // the switch's head leads.
      int Id = add();
      if (N.FallsThrough)
        edge(Id, Next);
      if (N.Breaks)
        edge(Id, BreakTo);
      if (N.Continues)
        edge(Id, ContinueTo);
      if (N.K == PollNode::Case && Sw) {
        Sw->Cases.push_back(Id);
        Sw->HasDefault |= llvm::StringRef(N.Text).starts_with("default");
      }
      return Id;
    }
    case PollNode::Return: {
      int Id = add();
      Nodes[Id].Return = true;
      return Id;
    }
    case PollNode::Break:
    case PollNode::Continue: {
      int Id = add();
      edge(Id, N.K == PollNode::Break ? BreakTo : ContinueTo);
      return Id;
    }
    case PollNode::Label:
    case PollNode::Dispatch: {
      int Id = add();
      edge(Id, Next);
      if (N.K == PollNode::Label)
        Labels[llvm::StringRef(N.Text).drop_back().str()] = Id;
      return Id;
    }
    case PollNode::Goto: {
      int Id = add();
      Gotos.push_back({Id, N.Tail});
      return Id;
    }
    case PollNode::Await: {
      int Id = add();
      Nodes[Id].Await = N.State;
      ResumeAt[N.State] = Next;
      return Id;
    }
    case PollNode::Block: {
      int Entry = Next;
      for (auto It = N.Children.rbegin(); It != N.Children.rend(); ++It)
        Entry = build(*It, Entry, BreakTo, ContinueTo, Sw);
      return Entry;
    }
    case PollNode::If: {
      int Id = add();
      int Then = build(N.Children[0], Next, BreakTo, ContinueTo, Sw);
      int Else = N.Children.size() > 1 ? build(N.Children[1], Next, BreakTo, ContinueTo, Sw) : Next;
      if (N.Known != 0)
        edge(Id, Then);
      if (N.Known != 1)
        edge(Id, Else);
      return Id;
    }
    case PollNode::Loop: {
      int Head = add();
      int Body = build(N.Children[0], Head, Next, Head, Sw);
      if (!N.Tail.empty()) {  // do ... while: the body first, the condition after it
        if (N.Known != 0)
          edge(Head, Body);
        if (N.Known != 1)
          edge(Head, Next);
        return Body;
      }
      if (N.Known != 0)
        edge(Head, Body);
      if (N.MayExit && N.Known != 1)
        edge(Head, Next);
      return Head;
    }
    case PollNode::Switch: {
      int Id = add();
      Switch Own;
      build(N.Children[0], Next, Next, ContinueTo, &Own);
      for (int Case : Own.Cases)
        edge(Id, Case);
      if (!Own.HasDefault)
        edge(Id, Next);
      return Id;
    }
    case PollNode::Try: {
      // Whatever the try block runs may throw (a constructor, a poll, the
      // input's code): each of its nodes may lead to each handler.
      std::vector<int> Handlers;
      for (size_t I = 1; I < N.Children.size(); ++I)
        Handlers.push_back(build(N.Children[I], Next, BreakTo, ContinueTo, Sw));
      int Entry = add();
      int First = Entry;
      edge(Entry, build(N.Children[0], Next, BreakTo, ContinueTo, Sw));
      for (int Id = First; Id != static_cast<int>(Nodes.size()); ++Id)
        for (int Handler : Handlers)
          edge(Id, Handler);
      return Entry;
    }
    case PollNode::Catch:
      return build(N.Children[0], Next, BreakTo, ContinueTo, Sw);
    }
    return Next;
  }

  std::vector<std::string> reached(int From, const std::vector<std::string> &StateNames) const {
    std::set<std::string> Out;
    std::vector<bool> Seen(Nodes.size());
    std::vector<int> Work{From};
    while (!Work.empty()) {
      int Id = Work.back();
      Work.pop_back();
      if (Id < 0 || Seen[Id])
        continue;
      Seen[Id] = true;
      const Node &N = Nodes[Id];
      if (N.Await) {
        Out.insert(StateNames[N.Await - 1]);
        continue;
      }
      if (N.Return) {
        Out.insert("Done");
        continue;
      }
      Work.insert(Work.end(), N.Succ.begin(), N.Succ.end());
    }
    return std::vector<std::string>(Out.begin(), Out.end());
  }
};

} // namespace

void printPollTree(const PollNode &Body, std::vector<std::string> &Lines, std::vector<unsigned> &SourceLines) {
  Printer P(Lines, SourceLines);
  for (const PollNode &N : Body.Children)
    P.print(N, 0);
}

std::map<std::string, std::vector<std::string>> transitionsOf(const PollNode &Body,
                                                              const std::vector<std::string> &StateNames) {
  FlowGraph G;
  int Entry = G.build(Body, -1, -1, -1, nullptr);
  G.resolveGotos();
  std::map<std::string, std::vector<std::string>> Out;
  Out["Start"] = G.reached(Entry, StateNames);
  for (const auto &[State, At] : G.ResumeAt)
    Out[StateNames[State - 1]] = G.reached(At, StateNames);
  return Out;
}

} // namespace asyncc::tool
