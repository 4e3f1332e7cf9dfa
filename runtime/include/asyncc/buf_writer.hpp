// BufWriter: gathers small writes to an AsyncWrite into one buffer, so that
// many small records cost one system call per buffer.
//
//   asyncc::BufWriter out(stream);   // borrows: BufWriter<TcpStream&>
//   co_await out.write_all("a", 1);  // buffered
//   co_await out.flush();            // written, then the stream's own flush
//   co_await out.shutdown();         // flushes, then shuts the stream down
//
// Dropping a BufWriter does not flush it (a destructor cannot wait): what
// is still buffered is lost, as with Tokio. Flush or shut down first.
// The futures borrow the writer and the bytes, which must outlive them.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/io.hpp>
#include <asyncc/result.hpp>

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

namespace asyncc {

template <class W>
class BufWriter {
  using Inner = std::remove_reference_t<W>;
  static_assert(is_async_write_v<Inner>, "BufWriter needs an AsyncWrite: poll_write(Context&, const void*, std::size_t)");

 public:
  static constexpr std::size_t kDefaultCapacity = 8192;

  explicit BufWriter(W inner, std::size_t capacity = kDefaultCapacity)
      : inner_(std::forward<W>(inner)),
        buffer_(new char[capacity > 0 ? capacity : 1]),
        capacity_(capacity > 0 ? capacity : 1) {}
  BufWriter(BufWriter&& other) noexcept
      : inner_(std::forward<W>(other.inner_)),
        buffer_(std::move(other.buffer_)),
        capacity_(other.capacity_),
        written_(std::exchange(other.written_, 0)),
        end_(std::exchange(other.end_, 0)) {}
  BufWriter& operator=(BufWriter&&) = delete;

  Inner& get_ref() noexcept { return inner_; }
  const Inner& get_ref() const noexcept { return inner_; }
  // The stream back; bytes still buffered are lost (flush first).
  W into_inner() && { return std::forward<W>(inner_); }

  std::size_t capacity() const noexcept { return capacity_; }
  // The bytes written to the writer and not yet to the stream.
  std::string_view buffer() const noexcept { return std::string_view(buffer_.get() + written_, end_ - written_); }

  // AsyncWrite: into the buffer, which is written out first if the bytes do
  // not fit; bytes at least as large as the buffer go straight through.
  Poll<Result<std::size_t>> poll_write(Context& cx, const void* data, std::size_t size) {
    using P = Poll<Result<std::size_t>>;
    if (end_ + size > capacity_) {
      Poll<Result<void>> flushed = poll_write_buffer(cx);
      if (flushed.is_pending()) return P::pending();
      if (!flushed.value()) return P::ready(flushed.value().error());
    }
    if (size >= capacity_) return inner_.poll_write(cx, data, size);
    if (size > 0) std::memcpy(buffer_.get() + end_, data, size);
    end_ += size;
    return P::ready(size);
  }

  // Writes the buffer out, then flushes the stream.
  Poll<Result<void>> poll_flush(Context& cx) {
    Poll<Result<void>> written = poll_write_buffer(cx);
    if (written.is_pending() || !written.value()) return written;
    return asyncc::poll_flush(inner_, cx);
  }

  // Writes the buffer out, then shuts the stream down.
  Poll<Result<void>> poll_shutdown(Context& cx) {
    Poll<Result<void>> written = poll_write_buffer(cx);
    if (written.is_pending() || !written.value()) return written;
    return asyncc::poll_shutdown(inner_, cx);
  }

  // A writer of a duplex stream still reads from it.
  template <class I = Inner, std::enable_if_t<is_async_read_v<I>, int> = 0>
  Poll<Result<std::size_t>> poll_read(Context& cx, void* out, std::size_t size) {
    return inner_.poll_read(cx, out, size);
  }

  io::Write<BufWriter> write(const void* data, std::size_t size) noexcept { return io::Write<BufWriter>(*this, data, size); }
  io::WriteAll<BufWriter> write_all(const void* data, std::size_t size) noexcept {
    return io::WriteAll<BufWriter>(*this, data, size);
  }
  io::Flush<BufWriter> flush() noexcept { return io::Flush<BufWriter>(*this); }
  io::Shutdown<BufWriter> shutdown() noexcept { return io::Shutdown<BufWriter>(*this); }

 private:
  // Writes what is buffered to the stream, across short writes.
  Poll<Result<void>> poll_write_buffer(Context& cx) {
    using P = Poll<Result<void>>;
    while (written_ < end_) {
      Poll<Result<std::size_t>> n = inner_.poll_write(cx, buffer_.get() + written_, end_ - written_);
      if (n.is_pending()) return P::pending();
      if (!n.value()) return P::ready(n.value().error());
      if (*n.value() == 0) return P::ready(make_error_code(io_errc::write_zero));
      written_ += *n.value();
    }
    written_ = end_ = 0;
    return P::ready(Result<void>());
  }

  W inner_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_;
  std::size_t written_ = 0;  // bytes of the buffer already written out
  std::size_t end_ = 0;      // end of the buffered bytes
};

template <class W>
BufWriter(W&&) -> BufWriter<W>;
template <class W>
BufWriter(W&&, std::size_t) -> BufWriter<W>;

}  // namespace asyncc
