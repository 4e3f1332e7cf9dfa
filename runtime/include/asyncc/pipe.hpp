// An anonymous pipe on the reactor: pipe() gives its reading and writing
// ends, an AsyncRead and an AsyncWrite.
//
//   Result<std::pair<PipeReader, PipeWriter>> ends = asyncc::pipe();
//
// Writing to a pipe whose reader is gone is an EPIPE value, never a SIGPIPE.
// Shutting the writer down closes it: the reader then reads the end.
// Each end belongs to the thread of its first operation (on a Runtime, to
// all its workers), like a TcpStream.
#pragma once

#include <asyncc/async_fd.hpp>
#include <asyncc/file_descriptor.hpp>
#include <asyncc/future.hpp>
#include <asyncc/io.hpp>
#include <asyncc/result.hpp>

#include <cstddef>
#include <optional>
#include <utility>

namespace asyncc {

class PipeReader {
 public:
  // Adopts the reading end of a pipe (or a FIFO), making it non-blocking.
  explicit PipeReader(FileDescriptor fd) noexcept;

  Poll<Result<std::size_t>> poll_read(Context& cx, void* buffer, std::size_t size);
  io::Read<PipeReader> read(void* buffer, std::size_t size) noexcept { return io::Read<PipeReader>(*this, buffer, size); }
  io::ReadExact<PipeReader> read_exact(void* buffer, std::size_t size) noexcept {
    return io::ReadExact<PipeReader>(*this, buffer, size);
  }
  int native_handle() const noexcept { return io_.fd(); }

 private:
  AsyncFd io_;
};

class PipeWriter {
 public:
  // Adopts the writing end of a pipe (or a FIFO), making it non-blocking.
  explicit PipeWriter(FileDescriptor fd) noexcept;

  Poll<Result<std::size_t>> poll_write(Context& cx, const void* buffer, std::size_t size);
  // Closes the writing end, so the reader sees the end of the stream; writes
  // after it are EPIPE.
  Poll<Result<void>> poll_shutdown(Context& cx);
  io::Write<PipeWriter> write(const void* buffer, std::size_t size) noexcept {
    return io::Write<PipeWriter>(*this, buffer, size);
  }
  io::WriteAll<PipeWriter> write_all(const void* buffer, std::size_t size) noexcept {
    return io::WriteAll<PipeWriter>(*this, buffer, size);
  }
  io::Shutdown<PipeWriter> shutdown() noexcept { return io::Shutdown<PipeWriter>(*this); }
  // -1 once shut down.
  int native_handle() const noexcept { return io_ ? io_->fd() : -1; }

 private:
  // Empty once shut down; the registration leaves epoll before the close.
  std::optional<AsyncFd> io_;
};

// A new pipe, both ends non-blocking and close-on-exec.
Result<std::pair<PipeReader, PipeWriter>> pipe();

}  // namespace asyncc
