// AsyncRead and AsyncWrite: what a byte stream offers (TcpStream, the ends of
// a pipe, the halves of a split stream, BufReader and BufWriter), and the
// futures that read and write any of them.
//
// A type is AsyncRead when it has
//   Poll<Result<std::size_t>> poll_read(Context&, void* buffer, std::size_t size);
// (ready with the bytes read, 0 at the end of the stream), and AsyncWrite
// when it has
//   Poll<Result<std::size_t>> poll_write(Context&, const void* buffer, std::size_t size);
// (ready with the bytes taken). An AsyncWrite may also have
//   Poll<Result<void>> poll_flush(Context&);     // pushes buffered bytes down
//   Poll<Result<void>> poll_shutdown(Context&);  // flushes, then ends the stream
// which flush() and shutdown() use when present; without them flushing and
// shutting down succeed at once.
//
// The futures borrow the stream and the buffer, which must outlive them.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/result.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>

namespace asyncc {

namespace detail {
template <class T, class = void>
struct has_poll_read : std::false_type {};
template <class T>
struct has_poll_read<T, std::void_t<decltype(std::declval<T&>().poll_read(
                            std::declval<Context&>(), std::declval<void*>(), std::size_t{}))>>
    : std::is_same<decltype(std::declval<T&>().poll_read(std::declval<Context&>(), std::declval<void*>(),
                                                         std::size_t{})),
                   Poll<Result<std::size_t>>> {};

template <class T, class = void>
struct has_poll_write : std::false_type {};
template <class T>
struct has_poll_write<T, std::void_t<decltype(std::declval<T&>().poll_write(
                             std::declval<Context&>(), std::declval<const void*>(), std::size_t{}))>>
    : std::is_same<decltype(std::declval<T&>().poll_write(std::declval<Context&>(), std::declval<const void*>(),
                                                          std::size_t{})),
                   Poll<Result<std::size_t>>> {};

template <class T, class = void>
struct has_poll_flush : std::false_type {};
template <class T>
struct has_poll_flush<T, std::void_t<decltype(std::declval<T&>().poll_flush(std::declval<Context&>()))>>
    : std::is_same<decltype(std::declval<T&>().poll_flush(std::declval<Context&>())), Poll<Result<void>>> {};

template <class T, class = void>
struct has_poll_shutdown : std::false_type {};
template <class T>
struct has_poll_shutdown<T, std::void_t<decltype(std::declval<T&>().poll_shutdown(std::declval<Context&>()))>>
    : std::is_same<decltype(std::declval<T&>().poll_shutdown(std::declval<Context&>())), Poll<Result<void>>> {};

template <class T>
using stream_t = std::remove_cv_t<std::remove_reference_t<T>>;
}  // namespace detail

template <class T>
inline constexpr bool is_async_read_v = detail::has_poll_read<detail::stream_t<T>>::value;
template <class T>
inline constexpr bool is_async_write_v = detail::has_poll_write<detail::stream_t<T>>::value;

#if defined(__cpp_concepts)
template <class T>
concept AsyncRead = is_async_read_v<T>;
template <class T>
concept AsyncWrite = is_async_write_v<T>;
#endif

// The optional steps, for hand-written futures: the writer's own when it has
// them, otherwise success at once (shutting down then only flushes).
template <class W>
Poll<Result<void>> poll_flush(W& writer, Context& cx) {
  static_assert(is_async_write_v<W>, "poll_flush needs an AsyncWrite");
  if constexpr (detail::has_poll_flush<W>::value)
    return writer.poll_flush(cx);
  else
    return Poll<Result<void>>::ready(Result<void>());
}

template <class W>
Poll<Result<void>> poll_shutdown(W& writer, Context& cx) {
  static_assert(is_async_write_v<W>, "poll_shutdown needs an AsyncWrite");
  if constexpr (detail::has_poll_shutdown<W>::value)
    return writer.poll_shutdown(cx);
  else
    return poll_flush(writer, cx);
}

namespace io {

// Reads what is available, up to `size` bytes; 0 at the end of the stream.
template <class R>
class Read {
 public:
  using Output = Result<std::size_t>;
  Read(R& reader, void* buffer, std::size_t size) noexcept : reader_(&reader), buffer_(buffer), size_(size) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("an asyncc::read was polled after it completed");
    Poll<Output> read = reader_->poll_read(cx, buffer_, size_);
    done_ = read.is_ready();
    return read;
  }

 private:
  R* reader_;
  void* buffer_;
  std::size_t size_;
  bool done_ = false;
};

// Writes what fits, up to `size` bytes, returning how many.
template <class W>
class Write {
 public:
  using Output = Result<std::size_t>;
  Write(W& writer, const void* buffer, std::size_t size) noexcept : writer_(&writer), buffer_(buffer), size_(size) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("an asyncc::write was polled after it completed");
    Poll<Output> written = writer_->poll_write(cx, buffer_, size_);
    done_ = written.is_ready();
    return written;
  }

 private:
  W* writer_;
  const void* buffer_;
  std::size_t size_;
  bool done_ = false;
};

// Reads exactly `size` bytes: io_errc::unexpected_eof if the stream ends
// first (the bytes read so far are in the buffer).
template <class R>
class ReadExact {
 public:
  using Output = Result<void>;
  ReadExact(R& reader, void* buffer, std::size_t size) noexcept
      : reader_(&reader), buffer_(static_cast<char*>(buffer)), remaining_(size) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("an asyncc::read_exact was polled after it completed");
    while (remaining_ > 0) {
      Poll<Result<std::size_t>> read = reader_->poll_read(cx, buffer_, remaining_);
      if (read.is_pending()) return Poll<Output>::pending();
      if (!read.value()) return finish(read.value().error());
      if (*read.value() == 0) return finish(make_error_code(io_errc::unexpected_eof));
      buffer_ += *read.value();
      remaining_ -= *read.value();
    }
    return finish(std::error_code());
  }

 private:
  Poll<Output> finish(std::error_code ec) {
    done_ = true;
    return Poll<Output>::ready(Result<void>(ec));
  }
  R* reader_;
  char* buffer_;
  std::size_t remaining_;
  bool done_ = false;
};

// Writes all `size` bytes, however many writes that takes:
// io_errc::write_zero if the writer takes none.
template <class W>
class WriteAll {
 public:
  using Output = Result<void>;
  WriteAll(W& writer, const void* buffer, std::size_t size) noexcept
      : writer_(&writer), buffer_(static_cast<const char*>(buffer)), remaining_(size) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("an asyncc::write_all was polled after it completed");
    while (remaining_ > 0) {
      Poll<Result<std::size_t>> written = writer_->poll_write(cx, buffer_, remaining_);
      if (written.is_pending()) return Poll<Output>::pending();
      if (!written.value()) return finish(written.value().error());
      if (*written.value() == 0) return finish(make_error_code(io_errc::write_zero));
      buffer_ += *written.value();
      remaining_ -= *written.value();
    }
    return finish(std::error_code());
  }

 private:
  Poll<Output> finish(std::error_code ec) {
    done_ = true;
    return Poll<Output>::ready(Result<void>(ec));
  }
  W* writer_;
  const char* buffer_;
  std::size_t remaining_;
  bool done_ = false;
};

// Pushes buffered bytes down to the underlying stream.
template <class W>
class Flush {
 public:
  using Output = Result<void>;
  explicit Flush(W& writer) noexcept : writer_(&writer) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("an asyncc::flush was polled after it completed");
    Poll<Output> flushed = poll_flush(*writer_, cx);
    done_ = flushed.is_ready();
    return flushed;
  }

 private:
  W* writer_;
  bool done_ = false;
};

// Flushes, then ends the writing direction: the peer reads the end of the
// stream.
template <class W>
class Shutdown {
 public:
  using Output = Result<void>;
  explicit Shutdown(W& writer) noexcept : writer_(&writer) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("an asyncc::shutdown was polled after it completed");
    Poll<Output> shut = poll_shutdown(*writer_, cx);
    done_ = shut.is_ready();
    return shut;
  }

 private:
  W* writer_;
  bool done_ = false;
};

}  // namespace io

template <class R, std::enable_if_t<is_async_read_v<R>, int> = 0>
io::Read<R> read(R& reader, void* buffer, std::size_t size) noexcept {
  return io::Read<R>(reader, buffer, size);
}

template <class W, std::enable_if_t<is_async_write_v<W>, int> = 0>
io::Write<W> write(W& writer, const void* buffer, std::size_t size) noexcept {
  return io::Write<W>(writer, buffer, size);
}

template <class R, std::enable_if_t<is_async_read_v<R>, int> = 0>
io::ReadExact<R> read_exact(R& reader, void* buffer, std::size_t size) noexcept {
  return io::ReadExact<R>(reader, buffer, size);
}

template <class W, std::enable_if_t<is_async_write_v<W>, int> = 0>
io::WriteAll<W> write_all(W& writer, const void* buffer, std::size_t size) noexcept {
  return io::WriteAll<W>(writer, buffer, size);
}

template <class W, std::enable_if_t<is_async_write_v<W>, int> = 0>
io::Flush<W> flush(W& writer) noexcept {
  return io::Flush<W>(writer);
}

template <class W, std::enable_if_t<is_async_write_v<W>, int> = 0>
io::Shutdown<W> shutdown(W& writer) noexcept {
  return io::Shutdown<W>(writer);
}

}  // namespace asyncc
