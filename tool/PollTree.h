// The poll tree: what the lowering decided poll's body does, before it is
// C++ text. Code keeps the input's statements as (renamed) text; the rest
// is structure that emission prints and the transitions are read from.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace asyncc::tool {

struct PollNode {
  enum Kind {
    Code,      // a statement: Text (may span lines)
    Block,     // Children in braces; Text is the opening line ("{", "{  // comment"), empty for none
    Label,     // Text ("resume3:", "retry:"); Outdent: printed one level out
    Await,     // the suspension of state State: `state_ = State::AwaitN;` then its resume label
    Return,    // Text: the return of the ready result; the future is done
    Break,     // Text: "break;"
    Continue,  // Text: "continue;"
    Goto,      // Text: the drops of what it leaves, then `goto L;`, one per line; Tail: L;
               // State: its index among the lowering's gotos until they are resolved
    If,        // Text: the head; Children: then, and else if any
    Loop,      // Text: the head; Children: the body; Tail: `while (c);` of a do loop
    Switch,    // Text: the head; Children: the body, whose Case nodes are its labels
    Case,      // Text: "case 1:", "default:", or an input statement with its label (flags as Code)
    Try,       // Children: the try block, then one Catch per handler
    Catch,     // Text: the head; Children: the handler's block
    Dispatch,  // a try block's resumption switch: Targets
    Poll,      // the poll of await State's future, placed once the function is lowered
               // (Lowerer::placePolls): where the await is, or at a site shared with others
  };
  Kind K = Code;
  std::string Text;
  std::string Tail;
  unsigned Line = 0;     // of the input, for #line: the first printed line
  unsigned EndLine = 0;  // the closing brace, `else` or `while (c);`
  bool Outdent = false;
  unsigned State = 0;  // Await: 1-based index of its state
  // Code that is the input's text: whether it may leave the innermost loop
  // or switch (`if (x) break;`), and whether control goes on after it.
  bool Breaks = false, Continues = false, FallsThrough = true;
  // If and Loop: the condition's constant value, -1 when not known.
  int Known = -1;
  bool MayExit = true;  // Loop: whether its head can end it
  std::vector<std::pair<std::string, std::string>> Targets;  // Dispatch: state, label
  std::vector<PollNode> Children;
};

// poll's body as lines, each with the input line it comes from (0: none).
// Body is the top: its children stand at the outermost level of poll.
void printPollTree(const PollNode &Body, std::vector<std::string> &Lines, std::vector<unsigned> &SourceLines);

// For Start and each suspension state (State names: Await1, ...): the
// states a poll that runs from there can leave the future in, besides
// staying where an awaited future is pending; Done when it returns.
std::map<std::string, std::vector<std::string>> transitionsOf(const PollNode &Body,
                                                              const std::vector<std::string> &StateNames);

} // namespace asyncc::tool
