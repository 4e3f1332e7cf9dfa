// Child processes: Command builds one, spawn() starts it, Child awaits its
// exit; its stdin, stdout and stderr may be pipes read and written as async
// streams on the reactor.
//
//   asyncc::Command cmd("sort");
//   cmd.arg("-r").set_stdin(asyncc::Stdio::piped).set_stdout(asyncc::Stdio::piped);
//   Result<asyncc::Child> child = cmd.spawn();
//   co_await child->stdin_pipe()->write_all(text.data(), text.size());
//   ...
//   Result<asyncc::ExitStatus> status = co_await child->wait();
//
// (The stdio methods are not named stdin/stdout/stderr: the C library may
// define those names as macros.)
//
// Spawning is posix_spawn: the child starts with the default signal mask
// and SIGPIPE at its default action (whatever the parent blocked or
// ignored), and inherits only the descriptors the Command gives it as
// stdio: the runtime opens every descriptor close-on-exec. A program that
// cannot be run (ENOENT, EACCES, ENOEXEC) is the error value of spawn().
// The program is looked up in the parent's PATH when it has no '/'.
//
// Waiting is on a pidfd (Linux 5.3 and later) registered with the reactor,
// so a task awaiting an exit holds no thread; the pidfd also makes kill()
// safe against pid reuse. Where pidfd_open is missing (ENOSYS, or refused by
// a seccomp filter), wait() falls back to waitpid on the blocking pool, one
// pool thread per child being waited for (and a Runtime shutting down waits
// for those calls, as for any running blocking call).
//
// A Child dropped before its exit was seen is not killed (unless the Command
// asked for kill_on_drop) and is not left a zombie: it is reaped by a later
// spawn() or Child drop, whichever first finds it exited.
//
// Writing to a child's stdin after the child closed it (exited early) is
// EPIPE as an error value: the runtime keeps the SIGPIPE of that write from
// being delivered, without touching the process's signal dispositions.
#pragma once

#include <asyncc/async_fd.hpp>
#include <asyncc/file_descriptor.hpp>
#include <asyncc/future.hpp>
#include <asyncc/io.hpp>
#include <asyncc/pipe.hpp>
#include <asyncc/result.hpp>
#include <asyncc/runtime.hpp>

#include <sys/types.h>

#include <csignal>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace asyncc {

// What a child's stdin, stdout or stderr is connected to.
enum class Stdio : std::uint8_t {
  inherit,  // the parent's own
  null,     // /dev/null
  piped,    // a pipe to the parent, an async stream of the Child
};

// How a child ended: an exit code, or the signal that killed it.
class ExitStatus {
 public:
  static ExitStatus exited(int code) noexcept { return ExitStatus(code, 0); }
  static ExitStatus signaled(int signal) noexcept { return ExitStatus(0, signal); }

  // True for exit code 0.
  bool success() const noexcept { return signal_ == 0 && code_ == 0; }
  // The exit code, unless a signal ended the child.
  std::optional<int> code() const noexcept { return signal_ == 0 ? std::optional<int>(code_) : std::nullopt; }
  // The signal that ended the child, if one did.
  std::optional<int> signal() const noexcept { return signal_ != 0 ? std::optional<int>(signal_) : std::nullopt; }

  friend bool operator==(const ExitStatus& a, const ExitStatus& b) noexcept {
    return a.code_ == b.code_ && a.signal_ == b.signal_;
  }
  friend bool operator!=(const ExitStatus& a, const ExitStatus& b) noexcept { return !(a == b); }

 private:
  ExitStatus(int code, int signal) noexcept : code_(code), signal_(signal) {}
  int code_;
  int signal_;
};

// A child's stdout and stderr are the read ends of pipes.
using ChildStdout = PipeReader;
using ChildStderr = PipeReader;

// The write end of the pipe to a child's stdin.
class ChildStdin {
 public:
  // Adopts the write end of a pipe; it is made non-blocking.
  explicit ChildStdin(FileDescriptor fd) noexcept : pipe_(std::move(fd)) {}

  // Writes what fits, up to `size` bytes, returning how many; EPIPE once the
  // child closed its end.
  io::Write<ChildStdin> write(const void* buffer, std::size_t size) noexcept { return {*this, buffer, size}; }
  // Writes all `size` bytes.
  io::WriteAll<ChildStdin> write_all(const void* buffer, std::size_t size) noexcept { return {*this, buffer, size}; }
  // Closes the pipe: the child reads the end of its input. Writes after it
  // fail with EBADF.
  io::Shutdown<ChildStdin> shutdown() noexcept { return io::Shutdown<ChildStdin>(*this); }

  Poll<Result<std::size_t>> poll_write(Context& cx, const void* buffer, std::size_t size) {
    if (native_handle() < 0) return Poll<Result<std::size_t>>::ready(std::make_error_code(std::errc::bad_file_descriptor));
    return pipe_.poll_write(cx, buffer, size);
  }
  Poll<Result<void>> poll_shutdown(Context& cx) { return pipe_.poll_shutdown(cx); }
  int native_handle() const noexcept { return pipe_.native_handle(); }

 private:
  PipeWriter pipe_;
};

class Child;

// A child and what it printed: Command::output() and Child::wait_with_output().
struct CommandOutput {
  ExitStatus status = ExitStatus::exited(0);
  std::string stdout_bytes;
  std::string stderr_bytes;
};

class Command {
 public:
  class OutputFuture;
  class StatusFuture;

  // Runs `program`: a path, or a name looked up in PATH. It is also the
  // child's argv[0].
  explicit Command(std::string program);

  Command& arg(std::string argument);
  Command& args(const std::vector<std::string>& arguments);
  // Sets a variable of the child's environment (the parent's by default).
  Command& env(std::string key, std::string value);
  Command& env_remove(const std::string& key);
  // Starts the child with no environment but what env() adds.
  Command& env_clear();
  // The child's working directory.
  Command& current_dir(std::string path);
  // Default: inherit for spawn() and status(); for output(), stdin is null
  // and stdout and stderr are piped unless set.
  Command& set_stdin(Stdio how);
  Command& set_stdout(Stdio how);
  Command& set_stderr(Stdio how);
  // Whether dropping the Child before its exit was seen kills it (SIGKILL).
  Command& kill_on_drop(bool kill);

  // Starts the child now.
  Result<Child> spawn() const;
  // Spawns at the first poll, then waits for the exit.
  StatusFuture status() const;
  // Spawns at the first poll with stdout and stderr piped, collects both and
  // the exit status.
  OutputFuture output() const;

  const std::string& program() const noexcept { return program_; }

 private:
  std::string program_;
  std::vector<std::string> args_;
  // Changes to the environment, in order; nullopt value: removed.
  std::vector<std::pair<std::string, std::optional<std::string>>> env_changes_;
  bool env_cleared_ = false;
  std::optional<std::string> cwd_;
  std::optional<Stdio> stdin_, stdout_, stderr_;
  bool kill_on_drop_ = false;
};

class Child {
 public:
  class Wait;
  class WaitWithOutput;

  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  // Kills the child if kill_on_drop asked for it; reaps it later if it is
  // still running (see the top of this file).
  ~Child();

  // The process id. Once the exit has been seen the id is free for reuse.
  pid_t id() const noexcept { return pid_; }

  // The pipes, for the streams that are piped (null otherwise, or once taken).
  ChildStdin* stdin_pipe() noexcept { return stdin_ ? &*stdin_ : nullptr; }
  ChildStdout* stdout_pipe() noexcept { return stdout_ ? &*stdout_ : nullptr; }
  ChildStderr* stderr_pipe() noexcept { return stderr_ ? &*stderr_ : nullptr; }
  std::optional<ChildStdin> take_stdin() noexcept { return std::exchange(stdin_, std::nullopt); }
  std::optional<ChildStdout> take_stdout() noexcept { return std::exchange(stdout_, std::nullopt); }
  std::optional<ChildStderr> take_stderr() noexcept { return std::exchange(stderr_, std::nullopt); }

  // Closes stdin (so a child reading it sees its end), then waits for the
  // exit. Several waits may follow one another; each gives the same status.
  Wait wait() noexcept;
  // The status if the child has exited, without waiting; nullopt if not.
  Result<std::optional<ExitStatus>> try_wait();
  // Sends SIGKILL (a no-op once the exit has been seen).
  Result<void> kill() { return send_signal(SIGKILL); }
  Result<void> send_signal(int signal);
  // Closes stdin, reads stdout and stderr to their end (those piped and not
  // taken) while waiting for the exit.
  WaitWithOutput wait_with_output() &&;

  Poll<Result<ExitStatus>> poll_wait(Context& cx);

 private:
  friend class Command;
  Child(pid_t pid, FileDescriptor pidfd, bool kill_on_drop) noexcept;
  void release() noexcept;
  Result<void> send_signal_to(pid_t pid, int signal) noexcept;

  pid_t pid_ = -1;
  AsyncFd pidfd_;  // closed when pidfd_open is unavailable
  std::optional<JoinHandle<Result<ExitStatus>>> blocking_wait_;  // the fallback
  std::optional<ExitStatus> status_;
  bool kill_on_drop_ = false;
  std::optional<ChildStdin> stdin_;
  std::optional<ChildStdout> stdout_;
  std::optional<ChildStderr> stderr_;
};

class Child::Wait {
 public:
  using Output = Result<ExitStatus>;
  explicit Wait(Child& child) noexcept : child_(&child) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("a Child::Wait was polled after it completed");
    Poll<Output> p = child_->poll_wait(cx);
    done_ = p.is_ready();
    return p;
  }

 private:
  Child* child_;
  bool done_ = false;
};

class Child::WaitWithOutput {
 public:
  using Output = Result<CommandOutput>;
  explicit WaitWithOutput(Child child) noexcept;
  Poll<Output> poll(Context& cx);

 private:
  // One pipe being read to its end.
  struct Drain {
    std::optional<PipeReader> pipe;
    std::string bytes;
    std::error_code error;
    Poll<bool> poll(Context& cx);  // ready(true) at the end
  };
  Child child_;
  Drain out_;
  Drain err_;
  std::optional<ExitStatus> status_;
  bool done_ = false;
};

class Command::StatusFuture {
 public:
  using Output = Result<ExitStatus>;
  explicit StatusFuture(Command command) : command_(std::move(command)) {}
  Poll<Output> poll(Context& cx);

 private:
  Command command_;
  std::optional<Child> child_;
  bool done_ = false;
};

class Command::OutputFuture {
 public:
  using Output = Result<CommandOutput>;
  explicit OutputFuture(Command command) : command_(std::move(command)) {}
  Poll<Output> poll(Context& cx);

 private:
  Command command_;
  std::optional<Child::WaitWithOutput> waiting_;
  bool done_ = false;
};

namespace detail {
// For tests: makes wait() use the fallback (waitpid on the blocking pool) for
// children spawned from now on, as on kernels without pidfd_open.
void set_pidfd_disabled(bool disabled) noexcept;
}  // namespace detail

inline Child::Wait Child::wait() noexcept { return Wait(*this); }
inline Child::WaitWithOutput Child::wait_with_output() && { return WaitWithOutput(std::move(*this)); }
inline Command::StatusFuture Command::status() const { return StatusFuture(*this); }
inline Command::OutputFuture Command::output() const { return OutputFuture(*this); }

}  // namespace asyncc
