// Child processes: Command, Child, piped stdio on the reactor, exit on a pidfd.
#include <asyncc/asyncc.hpp>
#include <asyncc/process.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using asyncc::Child;
using asyncc::Command;
using asyncc::CommandOutput;
using asyncc::Context;
using asyncc::ExitStatus;
using asyncc::LocalExecutor;
using asyncc::Poll;
using asyncc::Result;
using asyncc::Runtime;
using asyncc::Stdio;

Command shell(const std::string& script) {
  Command command("sh");
  command.arg("-c").arg(script);
  return command;
}

std::string pseudo_random_bytes(std::size_t size, std::uint32_t seed) {
  std::string data(size, '\0');
  for (char& c : data) c = static_cast<char>((seed = seed * 1103515245 + 12345) >> 24);
  return data;
}

TEST(Process, EchoOutputIsCollected) {
  Command echo("echo");
  echo.arg("hi");
  Result<CommandOutput> out = asyncc::block_on(echo.output());
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->stdout_bytes, "hi\n");
  EXPECT_EQ(out->stderr_bytes, "");
  EXPECT_TRUE(out->status.success());
  EXPECT_EQ(out->status.code(), 0);
}

TEST(Process, StdoutAndStderrAreKeptApartAndTheExitCodeReported) {
  Result<CommandOutput> out = LocalExecutor().block_on(shell("echo out; echo err >&2; exit 3").output());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->stdout_bytes, "out\n");
  EXPECT_EQ(out->stderr_bytes, "err\n");
  EXPECT_FALSE(out->status.success());
  EXPECT_EQ(out->status.code(), 3);
  EXPECT_EQ(out->status.signal(), std::nullopt);
}

TEST(Process, OutputCollectsMoreThanAPipeHoldsOnBothStreams) {
  // 1 MiB on each stream, far more than a pipe buffer: reading one stream
  // to its end before the other would deadlock with the child.
  Result<CommandOutput> out =
      asyncc::block_on(shell("head -c 1048576 /dev/zero; head -c 1048576 /dev/zero >&2; "
                             "head -c 1048576 /dev/zero; echo done >&2")
                           .output());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->stdout_bytes, std::string(2 << 20, '\0'));
  EXPECT_EQ(out->stderr_bytes, std::string(1 << 20, '\0') + "done\n");
}

TEST(Process, ExitCodes) {
  for (int code : {0, 1, 42, 255}) {
    Result<ExitStatus> status = asyncc::block_on(shell("exit " + std::to_string(code)).status());
    ASSERT_TRUE(status);
    EXPECT_EQ(status->code(), code);
    EXPECT_EQ(status->success(), code == 0);
  }
}

TEST(Process, AChildKilledBySignalReportsTheSignal) {
  Command sleeper("sleep");
  sleeper.arg("30");
  Result<Child> child = sleeper.spawn();
  ASSERT_TRUE(child);
  EXPECT_GT(child->id(), 0);
  Result<std::optional<ExitStatus>> running = child->try_wait();
  ASSERT_TRUE(running);
  EXPECT_EQ(*running, std::nullopt);
  ASSERT_TRUE(child->kill());
  auto started = std::chrono::steady_clock::now();
  Result<ExitStatus> status = asyncc::block_on(child->wait());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->signal(), SIGKILL);
  EXPECT_EQ(status->code(), std::nullopt);
  EXPECT_FALSE(status->success());
  // Once reaped, kill is a no-op and wait gives the same status again.
  EXPECT_TRUE(child->kill());
  EXPECT_EQ(*asyncc::block_on(child->wait()), *status);

  Result<ExitStatus> terminated = asyncc::block_on(shell("kill -TERM $$").status());
  ASSERT_TRUE(terminated);
  EXPECT_EQ(terminated->signal(), SIGTERM);
}

TEST(Process, ANonexistentProgramIsAnErrorValue) {
  Result<Child> by_path = Command("/nonexistent/asyncc-no-such-program").spawn();
  ASSERT_FALSE(by_path);
  EXPECT_EQ(by_path.error(), std::errc::no_such_file_or_directory);
  Result<Child> by_name = Command("asyncc-no-such-program").spawn();
  ASSERT_FALSE(by_name);
  EXPECT_EQ(by_name.error(), std::errc::no_such_file_or_directory);
  Result<CommandOutput> out = asyncc::block_on(Command("asyncc-no-such-program").output());
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error(), std::errc::no_such_file_or_directory);
  Result<ExitStatus> status = asyncc::block_on(Command("asyncc-no-such-program").status());
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error(), std::errc::no_such_file_or_directory);

  // A file without execute permission: EACCES, even for root.
  std::string path = (std::filesystem::temp_directory_path() / "asyncc-not-executable-XXXXXX").string();
  int fd = ::mkstemp(path.data());
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "#!/bin/sh\n", 10), 10);
  ::close(fd);
  ::chmod(path.c_str(), 0644);
  Result<Child> not_executable = Command(path).spawn();
  ::unlink(path.c_str());
  ASSERT_FALSE(not_executable);
  EXPECT_EQ(not_executable.error(), std::errc::permission_denied);
}

// Writes `data` to the child's stdin (then closes it) while reading its
// stdout to the end, in one task: neither side can fill a pipe and stall.
class FeedAndCollect {
 public:
  using Output = Result<std::string>;
  FeedAndCollect(Child& child, const std::string& data) : child_(&child), data_(&data) {}
  Poll<Output> poll(Context& cx) {
    while (child_->stdin_pipe()) {
      if (written_ == data_->size()) {
        (void)child_->stdin_pipe()->poll_shutdown(cx);
        child_->take_stdin();
        break;
      }
      auto w = child_->stdin_pipe()->poll_write(cx, data_->data() + written_, data_->size() - written_);
      if (w.is_pending()) break;
      if (!w.value()) return Poll<Output>::ready(w.value().error());
      written_ += *w.value();
    }
    char buffer[65536];
    for (;;) {
      auto r = child_->stdout_pipe()->poll_read(cx, buffer, sizeof buffer);
      if (r.is_pending()) return Poll<Output>::pending();
      if (!r.value()) return Poll<Output>::ready(r.value().error());
      if (*r.value() == 0) return Poll<Output>::ready(std::move(collected_));
      collected_.append(buffer, *r.value());
      ++reads;
    }
  }
  int reads = 0;

 private:
  Child* child_;
  const std::string* data_;
  std::size_t written_ = 0;
  std::string collected_;
};

Child spawn_cat() {
  Command cat("cat");
  cat.set_stdin(Stdio::piped).set_stdout(Stdio::piped);
  Result<Child> child = cat.spawn();
  if (!child) std::abort();
  return std::move(*child);
}

TEST(Process, CatEchoesALargePayloadThroughBothPipes) {
  const std::string data = pseudo_random_bytes(4 << 20, 9);
  {
    LocalExecutor executor;
    Child cat = spawn_cat();
    Result<std::string> echoed = executor.block_on(FeedAndCollect(cat, data));
    ASSERT_TRUE(echoed) << echoed.error().message();
    EXPECT_EQ(echoed->size(), data.size());
    EXPECT_TRUE(*echoed == data);
    EXPECT_TRUE(executor.block_on(cat.wait())->success());
  }
  {
    Runtime rt = Runtime::builder().worker_threads(2).build();
    Child cat = spawn_cat();
    auto handle = rt.spawn(FeedAndCollect(cat, data));
    Result<std::string> echoed = rt.block_on(std::move(handle));
    ASSERT_TRUE(echoed) << echoed.error().message();
    EXPECT_TRUE(*echoed == data);
    EXPECT_TRUE(rt.block_on(cat.wait())->success());
  }
}

TEST(Process, WaitClosesStdinSoAChildReadingItCanExit) {
  Result<Child> cat = Command("cat").set_stdin(Stdio::piped).spawn();
  ASSERT_TRUE(cat);
  ASSERT_NE(cat->stdin_pipe(), nullptr);
  // cat exits only at the end of its input: a wait that kept stdin open
  // would wait for ever.
  auto status = asyncc::block_on(asyncc::timeout(cat->wait(), 10s));
  ASSERT_TRUE(status.has_value());
  ASSERT_TRUE(*status);
  EXPECT_TRUE((*status)->success());
  EXPECT_EQ(cat->stdin_pipe(), nullptr);
}

TEST(Process, StdoutPipeReadsExactlyAndEndsWithUnexpectedEof) {
  Result<Child> child = shell("printf abcdef").set_stdout(Stdio::piped).spawn();
  ASSERT_TRUE(child);
  char buffer[8] = {};
  ASSERT_TRUE(asyncc::block_on(child->stdout_pipe()->read_exact(buffer, 4)));
  EXPECT_EQ(std::string(buffer, 4), "abcd");
  Result<void> more = asyncc::block_on(child->stdout_pipe()->read_exact(buffer, 4));
  ASSERT_FALSE(more);
  EXPECT_EQ(more.error(), asyncc::make_error_code(asyncc::io_errc::unexpected_eof));
  EXPECT_TRUE(asyncc::block_on(child->wait())->success());
}

TEST(Process, WritingToAChildThatExitedIsEpipeNotSigpipe) {
  // SIGPIPE at its default action: delivered, it would end this process.
  struct sigaction previous {};
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &default_action, &previous);

  Result<Child> child = Command("true").set_stdin(Stdio::piped).spawn();
  ASSERT_TRUE(child);
  std::optional<asyncc::ChildStdin> in = child->take_stdin();  // wait() would close it
  ASSERT_TRUE(in);
  EXPECT_TRUE(asyncc::block_on(child->wait())->success());
  const std::string data(1 << 20, 'x');
  Result<void> written = asyncc::block_on(in->write_all(data.data(), data.size()));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(), std::errc::broken_pipe);
  // Nothing left pending for later either.
  sigset_t pending;
  sigemptyset(&pending);
  ::sigpending(&pending);
  EXPECT_FALSE(sigismember(&pending, SIGPIPE));

  // After shutdown, writes fail with EBADF.
  ASSERT_TRUE(asyncc::block_on(in->shutdown()));
  Result<std::size_t> after = asyncc::block_on(in->write("x", 1));
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error(), std::errc::bad_file_descriptor);
  ::sigaction(SIGPIPE, &previous, nullptr);
}

TEST(Process, AChildExitingWhileWeWriteItsStdinEndsTheWriteWithEpipe) {
  struct sigaction previous {};
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &default_action, &previous);
  // The child reads a little, then exits while the write is still going.
  Result<Child> child = shell("head -c 1000 >/dev/null").set_stdin(Stdio::piped).spawn();
  ASSERT_TRUE(child);
  std::optional<asyncc::ChildStdin> in = child->take_stdin();
  const std::string data(8 << 20, 'y');
  Result<void> written = LocalExecutor().block_on(in->write_all(data.data(), data.size()));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(), std::errc::broken_pipe);
  EXPECT_TRUE(asyncc::block_on(child->wait())->success());
  ::sigaction(SIGPIPE, &previous, nullptr);
}

TEST(Process, WaitsOnManyChildrenAtOnce) {
  constexpr int kChildren = 40;
  {
    Runtime rt = Runtime::builder().worker_threads(3).build();
    std::vector<asyncc::JoinHandle<Result<ExitStatus>>> waits;
    // Later children exit first: each wait must get its own child's status.
    for (int i = 0; i < kChildren; ++i)
      waits.push_back(rt.spawn(shell("sleep 0." + std::to_string((kChildren - i) % 4) + "; exit " +
                                     std::to_string(i))
                                   .status()));
    for (int i = 0; i < kChildren; ++i) {
      Result<ExitStatus> status = rt.block_on(std::move(waits[i]));
      ASSERT_TRUE(status) << status.error().message();
      EXPECT_EQ(status->code(), i);
    }
  }
  {
    LocalExecutor executor;
    std::vector<asyncc::JoinHandle<Result<ExitStatus>>> waits;
    for (int i = 0; i < kChildren; ++i) waits.push_back(executor.spawn(shell("exit " + std::to_string(i)).status()));
    executor.run();
    for (int i = 0; i < kChildren; ++i) EXPECT_EQ(executor.block_on(std::move(waits[i]))->code(), i);
  }
}

TEST(Process, EnvironmentWorkingDirectoryAndNullStdin) {
  std::string dir = std::filesystem::canonical(std::filesystem::temp_directory_path()).string();
  Command command = shell("echo \"$ASYNCC_TEST_VAR|${HOME-unset}\"; pwd; cat");  // cat: stdin is null
  command.env("ASYNCC_TEST_VAR", "forty two").env_remove("HOME").current_dir(dir);
  Result<CommandOutput> out = asyncc::block_on(command.output());
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->stdout_bytes, "forty two|unset\n" + dir + "\n");

  Command cleared("env");
  cleared.env_clear().env("ONLY", "this");
  Result<CommandOutput> env = asyncc::block_on(cleared.output());
  ASSERT_TRUE(env);
  EXPECT_EQ(env->stdout_bytes, "ONLY=this\n");

  Result<CommandOutput> bad_dir = asyncc::block_on(Command("true").current_dir("/nonexistent/dir").output());
  ASSERT_FALSE(bad_dir);
  EXPECT_EQ(bad_dir.error(), std::errc::no_such_file_or_directory);
}

TEST(Process, TheChildStartsWithNoSignalBlocked) {
  // Block SIGTERM here, as a signalfd user would; the child must not inherit it.
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigset_t previous;
  ::pthread_sigmask(SIG_BLOCK, &term, &previous);
  Result<ExitStatus> status = asyncc::block_on(shell("kill -TERM $$; exit 0").status());
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->signal(), SIGTERM);
}

bool is_reaped(pid_t pid) {
  // Gone, not a zombie (which kill(pid, 0) still finds); asked without
  // waitpid, which would reap it itself.
  return ::kill(pid, 0) < 0 && errno == ESRCH;
}

TEST(Process, ADroppedChildIsReapedAndKilledOnDropIfAsked) {
  pid_t quick;
  {
    Result<Child> child = Command("true").spawn();
    ASSERT_TRUE(child);
    quick = child->id();
  }  // dropped before (or just as) it exits
  pid_t sleeper;
  {
    Command command("sleep");
    command.arg("30").kill_on_drop(true);
    Result<Child> child = command.spawn();
    ASSERT_TRUE(child);
    sleeper = child->id();
  }
  // A later spawn reaps what has exited since.
  bool both = false;
  for (int i = 0; i < 100 && !both; ++i) {
    std::this_thread::sleep_for(20ms);
    ASSERT_TRUE(asyncc::block_on(Command("true").status()));
    both = is_reaped(quick) && is_reaped(sleeper);
  }
  EXPECT_TRUE(both);
}

TEST(Process, WaitFallsBackToTheBlockingPoolWithoutPidfd) {
  asyncc::detail::set_pidfd_disabled(true);
  Result<ExitStatus> status = asyncc::block_on(shell("exit 7").status());
  Command sleeper("sleep");
  sleeper.arg("30");
  Result<Child> child = sleeper.spawn();
  asyncc::detail::set_pidfd_disabled(false);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code(), 7);
  ASSERT_TRUE(child);
  Result<std::optional<ExitStatus>> running = child->try_wait();
  ASSERT_TRUE(running);
  EXPECT_EQ(*running, std::nullopt);
  ASSERT_TRUE(child->kill());
  Result<ExitStatus> killed = Runtime::builder().worker_threads(1).build().block_on(child->wait());
  ASSERT_TRUE(killed);
  EXPECT_EQ(killed->signal(), SIGKILL);
}

#if defined(__cpp_impl_coroutine)

using asyncc::Async;

ASYNC Async<Result<std::string>> sort_lines(std::string text) {
  Command sort("sort");
  sort.set_stdin(Stdio::piped).set_stdout(Stdio::piped);
  Result<Child> child = sort.spawn();
  if (!child) co_return child.error();
  // sort reads all its input before it writes: writing first cannot deadlock.
  if (Result<void> w = co_await child->stdin_pipe()->write_all(text.data(), text.size()); !w) co_return w.error();
  Result<CommandOutput> out = co_await std::move(*child).wait_with_output();
  if (!out) co_return out.error();
  if (!out->status.success()) co_return std::make_error_code(std::errc::io_error);
  co_return out->stdout_bytes;
}

TEST(ProcessAsync, PipesTextThroughSortOnBothExecutors) {
  Result<std::string> local = LocalExecutor().block_on(sort_lines("pear\napple\nfig\n"));
  ASSERT_TRUE(local) << local.error().message();
  EXPECT_EQ(*local, "apple\nfig\npear\n");
  Runtime rt = Runtime::builder().worker_threads(2).build();
  auto handle = rt.spawn(sort_lines("b\nc\na\n"));
  Result<std::string> pooled = rt.block_on(std::move(handle));
  ASSERT_TRUE(pooled);
  EXPECT_EQ(*pooled, "a\nb\nc\n");
}

#endif

}  // namespace
