#include <asyncc/process.hpp>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

extern char** environ;

namespace asyncc {

namespace {

std::atomic<bool> pidfd_disabled{false};

int pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  errno = ENOSYS;
  return -1;
#endif
}

int pidfd_send_signal(int pidfd, int signal) {
#ifdef SYS_pidfd_send_signal
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0));
#else
  errno = ENOSYS;
  return -1;
#endif
}

ExitStatus status_of(int wait_status) {
  if (WIFSIGNALED(wait_status)) return ExitStatus::signaled(WTERMSIG(wait_status));
  return ExitStatus::exited(WEXITSTATUS(wait_status));
}

// waitpid(pid, WNOHANG): the status, nullopt while the child runs.
Result<std::optional<ExitStatus>> reap_if_exited(pid_t pid) {
  for (;;) {
    int wait_status = 0;
    pid_t r = ::waitpid(pid, &wait_status, WNOHANG);
    if (r == pid) return std::optional<ExitStatus>(status_of(wait_status));
    if (r == 0) return std::optional<ExitStatus>();
    if (errno != EINTR) return last_os_error();
  }
}

// Children dropped while running: reaped by whichever later spawn or drop
// finds them exited, so none stays a zombie for long.
struct Orphans {
  std::mutex mutex;
  std::vector<pid_t> pids;

  void add(pid_t pid) {
    std::lock_guard<std::mutex> lock(mutex);
    pids.push_back(pid);
  }
  void reap() {
    std::lock_guard<std::mutex> lock(mutex);
    for (std::size_t i = 0; i < pids.size();) {
      Result<std::optional<ExitStatus>> r = reap_if_exited(pids[i]);
      if (r && !*r) {
        ++i;
        continue;
      }
      pids[i] = pids.back();  // exited, or not ours any more (ECHILD)
      pids.pop_back();
    }
  }
};

Orphans& orphans() {
  static Orphans* list = new Orphans();  // never destroyed: drops may run at exit
  return *list;
}

// A pipe whose ends are close-on-exec (the child gets its end by dup2).
Result<std::pair<FileDescriptor, FileDescriptor>> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return last_os_error();
  return std::make_pair(FileDescriptor(fds[0]), FileDescriptor(fds[1]));
}

// posix_spawn's structures, destroyed on every path.
struct SpawnActions {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  SpawnActions() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attributes);
  }
  ~SpawnActions() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
};

}  // namespace

namespace detail {
void set_pidfd_disabled(bool disabled) noexcept { pidfd_disabled.store(disabled); }
}  // namespace detail

// Command

Command::Command(std::string program) : program_(std::move(program)) {}

Command& Command::arg(std::string argument) {
  args_.push_back(std::move(argument));
  return *this;
}
Command& Command::args(const std::vector<std::string>& arguments) {
  args_.insert(args_.end(), arguments.begin(), arguments.end());
  return *this;
}
Command& Command::env(std::string key, std::string value) {
  env_changes_.emplace_back(std::move(key), std::move(value));
  return *this;
}
Command& Command::env_remove(const std::string& key) {
  env_changes_.emplace_back(key, std::nullopt);
  return *this;
}
Command& Command::env_clear() {
  env_changes_.clear();
  env_cleared_ = true;
  return *this;
}
Command& Command::current_dir(std::string path) {
  cwd_ = std::move(path);
  return *this;
}
Command& Command::set_stdin(Stdio how) {
  stdin_ = how;
  return *this;
}
Command& Command::set_stdout(Stdio how) {
  stdout_ = how;
  return *this;
}
Command& Command::set_stderr(Stdio how) {
  stderr_ = how;
  return *this;
}
Command& Command::kill_on_drop(bool kill) {
  kill_on_drop_ = kill;
  return *this;
}

Result<Child> Command::spawn() const {
  orphans().reap();

  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program_.c_str()));
  for (const std::string& a : args_) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  // The environment: the parent's (or none), with the changes in order.
  std::vector<std::string> env_storage;
  char** envp = environ;
  if (env_cleared_ || !env_changes_.empty()) {
    if (!env_cleared_)
      for (char** e = environ; e && *e; ++e) env_storage.emplace_back(*e);
    for (const auto& [key, value] : env_changes_) {
      const std::string prefix = key + "=";
      for (std::size_t i = 0; i < env_storage.size();) {
        if (env_storage[i].compare(0, prefix.size(), prefix) == 0) {
          env_storage.erase(env_storage.begin() + static_cast<std::ptrdiff_t>(i));
        } else {
          ++i;
        }
      }
      if (value) env_storage.push_back(prefix + *value);
    }
  }
  std::vector<char*> env_pointers;
  if (env_cleared_ || !env_changes_.empty()) {
    for (std::string& e : env_storage) env_pointers.push_back(e.data());
    env_pointers.push_back(nullptr);
    envp = env_pointers.data();
  }

  SpawnActions spawn;
  // The child's ends of the pipes, closed here once it has them.
  FileDescriptor child_ends[3];
  FileDescriptor parent_ends[3];
  const Stdio modes[3] = {stdin_.value_or(Stdio::inherit), stdout_.value_or(Stdio::inherit),
                          stderr_.value_or(Stdio::inherit)};
  for (int target = 0; target < 3; ++target) {
    int rc = 0;
    if (modes[target] == Stdio::null) {
      rc = posix_spawn_file_actions_addopen(&spawn.actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY,
                                            0);
    } else if (modes[target] == Stdio::piped) {
      Result<std::pair<FileDescriptor, FileDescriptor>> pipe = make_pipe();
      if (!pipe) return pipe.error();
      // stdin: the child reads; stdout and stderr: the child writes.
      FileDescriptor& child_end = target == 0 ? pipe->first : pipe->second;
      FileDescriptor& parent_end = target == 0 ? pipe->second : pipe->first;
      // dup2 onto the same number (a parent with 0-2 closed) keeps
      // close-on-exec set; glibc clears it in that case, as POSIX asks.
      rc = posix_spawn_file_actions_adddup2(&spawn.actions, child_end.get(), target);
      child_ends[target] = std::move(child_end);
      parent_ends[target] = std::move(parent_end);
    }
    if (rc != 0) return os_error(rc);
  }
  if (cwd_) {
    if (int rc = posix_spawn_file_actions_addchdir_np(&spawn.actions, cwd_->c_str()); rc != 0) return os_error(rc);
  }
  // The child starts with no signal blocked and SIGPIPE at its default,
  // whatever this thread blocks (a signalfd) or the process ignores.
  sigset_t empty;
  sigemptyset(&empty);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&spawn.attributes, &empty);
  posix_spawnattr_setsigdefault(&spawn.attributes, &defaults);
  posix_spawnattr_setflags(&spawn.attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  // A program that cannot be executed is posix_spawnp's result: glibc's
  // child reports exec's errno to the parent before it returns.
  if (int rc = ::posix_spawnp(&pid, program_.c_str(), &spawn.actions, &spawn.attributes, argv.data(), envp); rc != 0)
    return os_error(rc);

  FileDescriptor pidfd;
  if (!pidfd_disabled.load(std::memory_order_relaxed)) {
    int fd = pidfd_open(pid);
    if (fd >= 0) pidfd.reset(fd);
    // Otherwise (ENOSYS, or a seccomp filter's EPERM): wait() falls back to
    // waitpid on the blocking pool.
  }
  Child child(pid, std::move(pidfd), kill_on_drop_);
  if (parent_ends[0]) child.stdin_.emplace(std::move(parent_ends[0]));
  if (parent_ends[1]) child.stdout_.emplace(std::move(parent_ends[1]));
  if (parent_ends[2]) child.stderr_.emplace(std::move(parent_ends[2]));
  return child;
}

Poll<Result<ExitStatus>> Command::StatusFuture::poll(Context& cx) {
  using P = Poll<Output>;
  if (done_) detail::contract_violation("a Command::StatusFuture was polled after it completed");
  if (!child_) {
    Result<Child> spawned = command_.spawn();
    if (!spawned) {
      done_ = true;
      return P::ready(spawned.error());
    }
    child_.emplace(std::move(*spawned));
  }
  P p = child_->poll_wait(cx);
  done_ = p.is_ready();
  return p;
}

Poll<Result<CommandOutput>> Command::OutputFuture::poll(Context& cx) {
  using P = Poll<Output>;
  if (done_) detail::contract_violation("a Command::OutputFuture was polled after it completed");
  if (!waiting_) {
    Command command = command_;
    if (!command.stdin_) command.stdin_ = Stdio::null;
    if (!command.stdout_) command.stdout_ = Stdio::piped;
    if (!command.stderr_) command.stderr_ = Stdio::piped;
    Result<Child> spawned = command.spawn();
    if (!spawned) {
      done_ = true;
      return P::ready(spawned.error());
    }
    waiting_.emplace(std::move(*spawned));
  }
  P p = waiting_->poll(cx);
  done_ = p.is_ready();
  return p;
}

// Child

Child::Child(pid_t pid, FileDescriptor pidfd, bool kill_on_drop) noexcept
    : pid_(pid), pidfd_(std::move(pidfd)), kill_on_drop_(kill_on_drop) {}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::move(other.pidfd_)),
      blocking_wait_(std::move(other.blocking_wait_)),
      status_(other.status_),
      kill_on_drop_(other.kill_on_drop_),
      stdin_(std::move(other.stdin_)),
      stdout_(std::move(other.stdout_)),
      stderr_(std::move(other.stderr_)) {
  other.blocking_wait_.reset();
}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    release();
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::move(other.pidfd_);
    blocking_wait_ = std::move(other.blocking_wait_);
    other.blocking_wait_.reset();
    status_ = other.status_;
    kill_on_drop_ = other.kill_on_drop_;
    stdin_ = std::move(other.stdin_);
    stdout_ = std::move(other.stdout_);
    stderr_ = std::move(other.stderr_);
  }
  return *this;
}

Child::~Child() { release(); }

void Child::release() noexcept {
  if (pid_ < 0) return;
  const pid_t pid = std::exchange(pid_, -1);
  if (status_) return;
  if (blocking_wait_) return;  // the pool's waitpid reaps it
  if (kill_on_drop_) (void)send_signal_to(pid, SIGKILL);
  Result<std::optional<ExitStatus>> exited = reap_if_exited(pid);
  if (exited && !*exited) orphans().add(pid);
  orphans().reap();
}

Result<void> Child::send_signal_to(pid_t pid, int signal) noexcept {
  if (pidfd_.is_open()) {
    if (pidfd_send_signal(pidfd_.fd(), signal) == 0) return {};
    if (errno != ENOSYS) return last_os_error();
  }
  if (::kill(pid, signal) < 0) return last_os_error();
  return {};
}

Result<void> Child::send_signal(int signal) {
  if (status_ || pid_ < 0) return {};  // reaped: the pid may be someone else's now
  if (blocking_wait_ && blocking_wait_->is_finished()) return {};
  return send_signal_to(pid_, signal);
}

Result<std::optional<ExitStatus>> Child::try_wait() {
  if (status_) return status_;
  if (blocking_wait_) {
    // The pool's waitpid owns the reaping: ask it, without waiting.
    Context cx(noop_waker());
    Poll<Result<ExitStatus>> p = poll_wait(cx);
    if (p.is_pending()) return std::optional<ExitStatus>();
    if (!p.value()) return p.value().error();
    return std::optional<ExitStatus>(*p.value());
  }
  Result<std::optional<ExitStatus>> r = reap_if_exited(pid_);
  if (r && *r) status_ = **r;
  return r;
}

Poll<Result<ExitStatus>> Child::poll_wait(Context& cx) {
  using P = Poll<Result<ExitStatus>>;
  if (status_) return P::ready(*status_);
  stdin_.reset();  // a child reading its input to the end would wait for us
  if (pidfd_.is_open()) {
    const pid_t pid = pid_;
    // The pidfd turns readable when the child exits; waitpid reaps it.
    P p = pidfd_.poll_io(Interest::readable, cx, [pid]() -> Result<ExitStatus> {
      Result<std::optional<ExitStatus>> r = reap_if_exited(pid);
      if (!r) return r.error();
      if (!*r) return os_error(EAGAIN);
      return **r;
    });
    if (p.is_ready() && p.value()) {
      status_ = *p.value();
      pidfd_ = AsyncFd();
    }
    return p;
  }
  if (!blocking_wait_) {
    const pid_t pid = pid_;
    blocking_wait_.emplace(spawn_blocking([pid]() -> Result<ExitStatus> {
      for (;;) {
        int wait_status = 0;
        if (::waitpid(pid, &wait_status, 0) == pid) return status_of(wait_status);
        if (errno != EINTR) return last_os_error();
      }
    }));
  }
  try {
    P p = blocking_wait_->poll(cx);
    if (p.is_pending()) return p;
    blocking_wait_.reset();
    if (p.value()) status_ = *p.value();
    return p;
  } catch (const task_cancelled&) {
    blocking_wait_.reset();
    return P::ready(os_error(ECANCELED));
  }
}

Child::WaitWithOutput::WaitWithOutput(Child child) noexcept : child_(std::move(child)) {
  child_.stdin_.reset();
  out_.pipe = child_.take_stdout();
  err_.pipe = child_.take_stderr();
}

Poll<bool> Child::WaitWithOutput::Drain::poll(Context& cx) {
  constexpr std::size_t kChunk = 16384;
  while (pipe) {
    const std::size_t length = bytes.size();
    bytes.resize(length + kChunk);
    Poll<Result<std::size_t>> read = pipe->poll_read(cx, bytes.data() + length, kChunk);
    const std::size_t n = read.is_ready() && read.value() ? *read.value() : 0;
    bytes.resize(length + n);
    if (read.is_pending()) return Poll<bool>::pending();
    if (!read.value()) error = read.value().error();
    if (!read.value() || n == 0) pipe.reset();
  }
  return Poll<bool>::ready(true);
}

Poll<Result<CommandOutput>> Child::WaitWithOutput::poll(Context& cx) {
  using P = Poll<Output>;
  if (done_) detail::contract_violation("a Child::WaitWithOutput was polled after it completed");
  // All three are polled every time: a child blocked writing a full stderr
  // pipe would never close stdout.
  const bool out_done = out_.poll(cx).is_ready();
  const bool err_done = err_.poll(cx).is_ready();
  if (!status_) {
    Poll<Result<ExitStatus>> waited = child_.poll_wait(cx);
    if (waited.is_ready()) {
      if (!waited.value()) {
        done_ = true;
        return P::ready(waited.value().error());
      }
      status_ = *waited.value();
    }
  }
  if (!out_done || !err_done || !status_) return P::pending();
  done_ = true;
  if (out_.error) return P::ready(out_.error);
  if (err_.error) return P::ready(err_.error);
  return P::ready(CommandOutput{*status_, std::move(out_.bytes), std::move(err_.bytes)});
}

}  // namespace asyncc
