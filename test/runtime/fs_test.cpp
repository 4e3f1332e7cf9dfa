// Files on the blocking pool: fs::read, fs::write, fs::metadata, fs::File.
#include <asyncc/asyncc.hpp>
#include <asyncc/fs.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <type_traits>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using asyncc::Context;
using asyncc::LocalExecutor;
using asyncc::Poll;
using asyncc::Result;
using asyncc::Runtime;
namespace fs = asyncc::fs;

// A fresh directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "asyncc-fs-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string pseudo_random_bytes(std::size_t size, std::uint32_t seed) {
  std::string data(size, '\0');
  for (char& c : data) c = static_cast<char>((seed = seed * 1103515245 + 12345) >> 24);
  return data;
}

TEST(Fs, WriteThenReadRoundTripsBinaryData) {
  TempDir dir;
  LocalExecutor executor;
  // NULs and every byte value, larger than one pool chunk.
  const std::string data = pseudo_random_bytes(3 << 20, 7);
  ASSERT_TRUE(executor.block_on(fs::write(dir / "a.bin", data)));
  Result<std::string> back = executor.block_on(fs::read(dir / "a.bin"));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(back->size(), data.size());
  EXPECT_TRUE(*back == data);
  Result<fs::Metadata> meta = executor.block_on(fs::metadata(dir / "a.bin"));
  ASSERT_TRUE(meta);
  EXPECT_EQ(meta->size, data.size());
  EXPECT_TRUE(meta->is_file);
  EXPECT_FALSE(meta->is_dir);

  // write truncates: a shorter second write leaves nothing of the first.
  ASSERT_TRUE(asyncc::block_on(fs::write(dir / "a.bin", "short")));
  EXPECT_EQ(*asyncc::block_on(fs::read(dir / "a.bin")), "short");
}

TEST(Fs, ReadsFilesWhoseSizeStatDoesNotKnow) {
  // /proc files report size 0 yet have content.
  Result<std::string> status = asyncc::block_on(fs::read("/proc/self/status"));
  ASSERT_TRUE(status) << status.error().message();
  EXPECT_NE(status->find("Pid:"), std::string::npos);
}

TEST(Fs, MissingFileIsAnErrorValue) {
  TempDir dir;
  Result<std::string> read = asyncc::block_on(fs::read(dir / "missing"));
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error(), std::errc::no_such_file_or_directory);
  Result<fs::File> file = asyncc::block_on(fs::File::open(dir / "missing"));
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error(), std::errc::no_such_file_or_directory);
  Result<fs::Metadata> meta = asyncc::block_on(fs::metadata(dir / "missing"));
  ASSERT_FALSE(meta);
  EXPECT_EQ(meta.error(), std::errc::no_such_file_or_directory);
}

TEST(Fs, ReadingADirectoryIsEisdir) {
  TempDir dir;
  Result<std::string> read = asyncc::block_on(fs::read(dir.path()));
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error(), std::errc::is_a_directory);
  // A directory opens read-only, but read(2) on it fails.
  Result<fs::File> file = asyncc::block_on(fs::File::open(dir.path()));
  ASSERT_TRUE(file) << file.error().message();
  char buffer[16];
  Result<std::size_t> n = asyncc::block_on(file->read(buffer, sizeof buffer));
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error(), std::errc::is_a_directory);
  Result<fs::Metadata> meta = asyncc::block_on(file->metadata());
  ASSERT_TRUE(meta);
  EXPECT_TRUE(meta->is_dir);
}

TEST(Fs, UnwritablePathsAreErrorValues) {
  TempDir dir;
  ASSERT_TRUE(asyncc::block_on(fs::write(dir / "plain", "x")));
  // A regular file as a directory (holds for root too, unlike permissions).
  Result<void> under_file = asyncc::block_on(fs::write(dir / "plain/child", "x"));
  ASSERT_FALSE(under_file);
  EXPECT_EQ(under_file.error(), std::errc::not_a_directory);
  Result<void> into_dir = asyncc::block_on(fs::write(dir.path(), "x"));
  ASSERT_FALSE(into_dir);
  EXPECT_EQ(into_dir.error(), std::errc::is_a_directory);
  Result<fs::File> created = asyncc::block_on(fs::File::create(dir / "no/such/dir"));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error(), std::errc::no_such_file_or_directory);
  // Writing to a file opened read-only.
  Result<fs::File> read_only = asyncc::block_on(fs::File::open(dir / "plain"));
  ASSERT_TRUE(read_only);
  Result<std::size_t> written = asyncc::block_on(read_only->write("y", 1));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(), std::errc::bad_file_descriptor);
}

TEST(Fs, SeekMovesWhereReadsStart) {
  TempDir dir;
  LocalExecutor executor;
  ASSERT_TRUE(executor.block_on(fs::write(dir / "digits", "0123456789")));
  Result<fs::File> file = executor.block_on(fs::File::open(dir / "digits"));
  ASSERT_TRUE(file);
  EXPECT_EQ(*executor.block_on(file->seek(3)), 3u);
  char buffer[16] = {};
  ASSERT_EQ(*executor.block_on(file->read(buffer, 4)), 4u);
  EXPECT_EQ(std::string(buffer, 4), "3456");
  EXPECT_EQ(*executor.block_on(file->seek(-2, fs::SeekFrom::current)), 5u);
  ASSERT_TRUE(executor.block_on(file->read_exact(buffer, 3)));
  EXPECT_EQ(std::string(buffer, 3), "567");
  EXPECT_EQ(*executor.block_on(file->seek(-1, fs::SeekFrom::end)), 9u);
  ASSERT_EQ(*executor.block_on(file->read(buffer, sizeof buffer)), 1u);
  EXPECT_EQ(buffer[0], '9');
  EXPECT_EQ(*executor.block_on(file->read(buffer, sizeof buffer)), 0u);  // end of file
  Result<void> past = executor.block_on(file->read_exact(buffer, 1));
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error(), asyncc::make_error_code(asyncc::io_errc::unexpected_eof));
  Result<std::uint64_t> before_start = executor.block_on(file->seek(-1));
  ASSERT_FALSE(before_start);
  EXPECT_EQ(before_start.error(), std::errc::invalid_argument);
  Result<fs::Metadata> meta = executor.block_on(file->metadata());
  ASSERT_TRUE(meta);
  EXPECT_EQ(meta->size, 10u);
}

TEST(Fs, WriteAllSpansChunksAndWriteReportsAPartialCount) {
  TempDir dir;
  const std::string data = pseudo_random_bytes(2 * fs::File::kMaxChunk + 12345, 3);
  Result<fs::File> file = asyncc::block_on(fs::File::create(dir / "big"));
  ASSERT_TRUE(file);
  Result<std::size_t> first = asyncc::block_on(file->write(data.data(), data.size()));
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, fs::File::kMaxChunk);  // one chunk per call
  ASSERT_TRUE(asyncc::block_on(file->write_all(data.data() + *first, data.size() - *first)));
  ASSERT_TRUE(asyncc::block_on(file->sync_all()));
  Result<std::string> back = asyncc::block_on(fs::read(dir / "big"));
  ASSERT_TRUE(back);
  EXPECT_TRUE(*back == data);
}

// Ready at its first poll with fn(cx): runs code in the context of a
// Runtime's block_on (spawn_blocking then goes to that Runtime's pool).
template <class Fn>
class RunOnce {
 public:
  using Output = std::invoke_result_t<Fn&, Context&>;
  explicit RunOnce(Fn fn) : fn_(std::move(fn)) {}
  Poll<Output> poll(Context& cx) { return Poll<Output>::ready(fn_(cx)); }

 private:
  Fn fn_;
};

// Blocks the calls of a blocking pool behind it until opened (at the latest
// when it is destroyed).
class Gate {
 public:
  ~Gate() { open(); }
  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait(lock, [&] { return open_; });
  }
  void open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

// A Runtime with one blocking thread, and a gate holding it: calls submitted
// meanwhile stay in flight until the gate opens.
struct HeldRuntime {
  Runtime rt = Runtime::builder().worker_threads(1).max_blocking_threads(1).build();
  Gate gate;  // destroyed (opened) before the Runtime joins its threads
  asyncc::JoinHandle<void> held = rt.block_on(RunOnce([this](Context&) {
    return asyncc::spawn_blocking([this] { gate.wait(); });
  }));

  // Polls the operation `make()` returns once, then drops it; whether it was
  // pending.
  template <class Make>
  bool poll_once_then_drop(Make make) {
    return rt.block_on(RunOnce([&](Context& cx) {
      auto operation = make();
      return operation.poll(cx).is_pending();
    }));
  }
};

TEST(Fs, ADroppedReadGivesItsBytesToTheNextReadAndIsRewoundByAWrite) {
  TempDir dir;
  ASSERT_TRUE(asyncc::block_on(fs::write(dir / "f", "abcdefgh")));
  {
    HeldRuntime held;
    Result<fs::File> file = asyncc::block_on(fs::File::open(dir / "f"));
    ASSERT_TRUE(file);
    char dropped_buffer[4];
    ASSERT_TRUE(held.poll_once_then_drop([&] { return file->read(dropped_buffer, 4); }));
    held.gate.open();
    char buffer[8] = {};
    // The next read gets what the dropped one read, from the start.
    ASSERT_EQ(*asyncc::block_on(file->read(buffer, 2)), 2u);
    EXPECT_EQ(std::string(buffer, 2), "ab");
    ASSERT_EQ(*asyncc::block_on(file->read(buffer, 8)), 2u);
    EXPECT_EQ(std::string(buffer, 2), "cd");
    ASSERT_EQ(*asyncc::block_on(file->read(buffer, 8)), 4u);
    EXPECT_EQ(std::string(buffer, 4), "efgh");
  }
  {
    HeldRuntime held;
    Result<fs::File> file = asyncc::block_on(fs::File::open_with(dir / "f", O_RDWR));
    ASSERT_TRUE(file);
    char dropped_buffer[4];
    ASSERT_TRUE(held.poll_once_then_drop([&] { return file->read(dropped_buffer, 4); }));
    held.gate.open();
    // The write lands where the reader was (the start), not after the 4 bytes
    // read ahead.
    ASSERT_TRUE(asyncc::block_on(file->write_all("XY", 2)));
    EXPECT_EQ(*asyncc::block_on(file->seek(0, fs::SeekFrom::current)), 2u);
  }
  EXPECT_EQ(*asyncc::block_on(fs::read(dir / "f")), "XYcdefgh");
}

TEST(Fs, ADroppedSeekRelativeToTheReaderCountsTheBytesReadAhead) {
  TempDir dir;
  ASSERT_TRUE(asyncc::block_on(fs::write(dir / "f", "0123456789")));
  HeldRuntime held;
  Result<fs::File> file = asyncc::block_on(fs::File::open(dir / "f"));
  ASSERT_TRUE(file);
  char buffer[8];
  ASSERT_TRUE(held.poll_once_then_drop([&] { return file->read(buffer, 8); }));
  held.gate.open();
  ASSERT_EQ(*asyncc::block_on(file->read(buffer, 1)), 1u);  // "0"; 7 more read ahead
  EXPECT_EQ(*asyncc::block_on(file->seek(2, fs::SeekFrom::current)), 3u);
  ASSERT_EQ(*asyncc::block_on(file->read(buffer, 1)), 1u);
  EXPECT_EQ(buffer[0], '3');
}

TEST(Fs, DroppingAFileWithAWriteInFlightStillWritesIt) {
  TempDir dir;
  const std::string data = pseudo_random_bytes(1 << 20, 11);
  {
    HeldRuntime held;
    {
      Result<fs::File> file = asyncc::block_on(fs::File::create(dir / "f"));
      ASSERT_TRUE(file);
      ASSERT_TRUE(held.poll_once_then_drop([&] { return file->write(data.data(), data.size()); }));
    }  // the File is dropped too: the call owns a copy of the bytes and the descriptor
    held.gate.open();
    std::string back;
    for (int i = 0; i < 400 && back.size() < data.size(); ++i) {
      std::this_thread::sleep_for(5ms);
      back = *asyncc::block_on(fs::read(dir / "f"));
    }
    EXPECT_TRUE(back == data);
  }
}

TEST(Fs, WorksOnTheMultiThreadedRuntime) {
  TempDir dir;
  Runtime rt = Runtime::builder().worker_threads(3).build();
  constexpr int kFiles = 40;
  std::vector<asyncc::JoinHandle<Result<void>>> writes;
  for (int i = 0; i < kFiles; ++i)
    writes.push_back(rt.spawn(fs::write(dir / std::to_string(i), "file " + std::to_string(i))));
  for (auto& w : writes) ASSERT_TRUE(rt.block_on(std::move(w)));
  std::vector<asyncc::JoinHandle<Result<std::string>>> reads;
  for (int i = 0; i < kFiles; ++i) reads.push_back(rt.spawn(fs::read(dir / std::to_string(i))));
  for (int i = 0; i < kFiles; ++i) {
    Result<std::string> text = rt.block_on(std::move(reads[i]));
    ASSERT_TRUE(text);
    EXPECT_EQ(*text, "file " + std::to_string(i));
  }
}

#if defined(__cpp_impl_coroutine)

using asyncc::Async;

ASYNC Async<Result<std::string>> copy_in_pieces(std::string from, std::string to, std::size_t piece) {
  Result<fs::File> in = co_await fs::File::open(from);
  if (!in) co_return in.error();
  Result<fs::File> out = co_await fs::File::create(to);
  if (!out) co_return out.error();
  std::vector<char> buffer(piece);
  for (;;) {
    Result<std::size_t> n = co_await in->read(buffer.data(), buffer.size());
    if (!n) co_return n.error();
    if (*n == 0) break;
    if (Result<void> w = co_await out->write_all(buffer.data(), *n); !w) co_return w.error();
  }
  co_return co_await fs::read(to);
}

TEST(FsAsync, CopiesAFileInPiecesOnBothExecutors) {
  TempDir dir;
  const std::string data = pseudo_random_bytes(300000, 5);
  ASSERT_TRUE(asyncc::block_on(fs::write(dir / "src", data)));
  LocalExecutor executor;
  Result<std::string> local = executor.block_on(copy_in_pieces(dir / "src", dir / "dst1", 4093));
  ASSERT_TRUE(local) << local.error().message();
  EXPECT_TRUE(*local == data);
  Runtime rt = Runtime::builder().worker_threads(2).build();
  auto handle = rt.spawn(copy_in_pieces(dir / "src", dir / "dst2", 65536));
  Result<std::string> pooled = rt.block_on(std::move(handle));
  ASSERT_TRUE(pooled) << pooled.error().message();
  EXPECT_TRUE(*pooled == data);
}

#endif

}  // namespace
