// copy and copy_bidirectional: move bytes from readers to writers until the
// end of the stream, returning how many were moved.
//
//   Result<std::uint64_t> n = co_await asyncc::copy(reader, writer);
//   auto moved = co_await asyncc::copy_bidirectional(client, server);  // a proxy
//
// The futures borrow the streams, which must outlive them. Each holds its
// buffers on the heap, so it may be moved until its first poll.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/io.hpp>
#include <asyncc/result.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <utility>

namespace asyncc {

namespace detail {
// One direction of a copy: read into the buffer, write it all out, again
// until the reader ends, then flush the writer.
class CopyBuffer {
 public:
  static constexpr std::size_t kSize = 8192;

  template <class R, class W>
  Poll<Result<std::uint64_t>> poll_copy(Context& cx, R& reader, W& writer) {
    using P = Poll<Result<std::uint64_t>>;
    if (!buffer_) buffer_.reset(new char[kSize]);
    for (;;) {
      if (pos_ == end_ && !read_done_) {
        Poll<Result<std::size_t>> read = reader.poll_read(cx, buffer_.get(), kSize);
        if (read.is_pending()) {
          // Nothing to write meanwhile: push out what the writer holds, so
          // that a slow reader does not leave bytes stuck in a buffer.
          if (need_flush_) {
            Poll<Result<void>> flushed = poll_flush(writer, cx);
            if (flushed.is_ready()) {
              if (!flushed.value()) return P::ready(flushed.value().error());
              need_flush_ = false;
            }
          }
          return P::pending();
        }
        if (!read.value()) return P::ready(read.value().error());
        if (*read.value() == 0) {
          read_done_ = true;
        } else {
          pos_ = 0;
          end_ = *read.value();
        }
      }
      while (pos_ < end_) {
        Poll<Result<std::size_t>> written = writer.poll_write(cx, buffer_.get() + pos_, end_ - pos_);
        if (written.is_pending()) return P::pending();
        if (!written.value()) return P::ready(written.value().error());
        if (*written.value() == 0) return P::ready(make_error_code(io_errc::write_zero));
        pos_ += *written.value();
        amount_ += *written.value();
        need_flush_ = true;
      }
      if (read_done_) {
        Poll<Result<void>> flushed = poll_flush(writer, cx);
        if (flushed.is_pending()) return P::pending();
        if (!flushed.value()) return P::ready(flushed.value().error());
        return P::ready(amount_);
      }
    }
  }

 private:
  std::unique_ptr<char[]> buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::uint64_t amount_ = 0;
  bool read_done_ = false;
  bool need_flush_ = false;
};
}  // namespace detail

namespace io {

// Ready with the bytes copied once the reader has ended and the writer is
// flushed; the first error otherwise.
template <class R, class W>
class Copy {
 public:
  using Output = Result<std::uint64_t>;
  Copy(R& reader, W& writer) noexcept : reader_(&reader), writer_(&writer) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("an asyncc::copy was polled after it completed");
    Poll<Output> copied = buffer_.poll_copy(cx, *reader_, *writer_);
    done_ = copied.is_ready();
    return copied;
  }

 private:
  R* reader_;
  W* writer_;
  detail::CopyBuffer buffer_;
  bool done_ = false;
};

// Both directions at once. When one side ends its stream, the other side's
// writing direction is shut down (the half-close is passed on) while the
// other direction goes on. Ready with (bytes a -> b, bytes b -> a) once both
// have ended; the first error otherwise.
template <class A, class B>
class CopyBidirectional {
 public:
  using Output = Result<std::pair<std::uint64_t, std::uint64_t>>;
  CopyBidirectional(A& a, B& b) noexcept : a_(&a), b_(&b) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("an asyncc::copy_bidirectional was polled after it completed");
    std::error_code ec;
    const bool a_to_b = a_to_b_.poll(cx, *a_, *b_, ec);
    if (!ec) {
      const bool b_to_a = b_to_a_.poll(cx, *b_, *a_, ec);
      if (!ec && !(a_to_b && b_to_a)) return Poll<Output>::pending();
    }
    done_ = true;
    if (ec) return Poll<Output>::ready(ec);
    return Poll<Output>::ready(std::make_pair(a_to_b_.amount, b_to_a_.amount));
  }

 private:
  struct Direction {
    enum class State : std::uint8_t { copying, shutting_down, done };
    detail::CopyBuffer buffer;
    std::uint64_t amount = 0;
    State state = State::copying;

    // True once done; sets `ec` on an error.
    template <class R, class W>
    bool poll(Context& cx, R& reader, W& writer, std::error_code& ec) {
      if (state == State::copying) {
        Poll<Result<std::uint64_t>> copied = buffer.poll_copy(cx, reader, writer);
        if (copied.is_pending()) return false;
        if (!copied.value()) {
          ec = copied.value().error();
          return true;
        }
        amount = *copied.value();
        state = State::shutting_down;
      }
      if (state == State::shutting_down) {
        Poll<Result<void>> shut = poll_shutdown(writer, cx);
        if (shut.is_pending()) return false;
        if (!shut.value()) {
          ec = shut.value().error();
          return true;
        }
        state = State::done;
      }
      return true;
    }
  };

  A* a_;
  B* b_;
  Direction a_to_b_;
  Direction b_to_a_;
  bool done_ = false;
};

}  // namespace io

template <class R, class W, std::enable_if_t<is_async_read_v<R> && is_async_write_v<W>, int> = 0>
io::Copy<R, W> copy(R& reader, W& writer) noexcept {
  return io::Copy<R, W>(reader, writer);
}

template <class A, class B,
          std::enable_if_t<is_async_read_v<A> && is_async_write_v<A> && is_async_read_v<B> && is_async_write_v<B>,
                           int> = 0>
io::CopyBidirectional<A, B> copy_bidirectional(A& a, B& b) noexcept {
  return io::CopyBidirectional<A, B>(a, b);
}

}  // namespace asyncc
