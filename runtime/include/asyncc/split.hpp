// A duplex stream in two halves, one that reads and one that writes, for two
// tasks: one reading while the other writes.
//
//   auto [reader, writer] = asyncc::split(stream);            // borrow the stream
//   auto [rd, wr] = asyncc::into_split(std::move(stream));    // share ownership
//   std::optional<TcpStream> whole = asyncc::reunite(std::move(rd), std::move(wr));
//
// split() borrows: the stream must outlive both halves, and be used only
// through them while they exist (the lock is theirs). into_split() moves
// the stream into state the halves share; it is closed when both are gone.
// Either way the halves may be used by tasks on different threads of a
// Runtime: each step of either half runs under the pair's lock, so the
// stream never sees a read and a write at once (its registration with the
// reactor included). One allocation per split, one uncontended lock per poll.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/io.hpp>
#include <asyncc/result.hpp>

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

namespace asyncc {

namespace detail {
template <class S>
struct SplitState {
  explicit SplitState(S s) : stream(std::forward<S>(s)) {}
  std::mutex mutex;
  S stream;  // a reference for split(), the stream itself for into_split()
};
}  // namespace detail

template <class S>
class WriteHalf;

// The reading half: AsyncRead.
template <class S>
class ReadHalf {
 public:
  Poll<Result<std::size_t>> poll_read(Context& cx, void* buffer, std::size_t size) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->stream.poll_read(cx, buffer, size);
  }
  io::Read<ReadHalf> read(void* buffer, std::size_t size) noexcept { return io::Read<ReadHalf>(*this, buffer, size); }
  io::ReadExact<ReadHalf> read_exact(void* buffer, std::size_t size) noexcept {
    return io::ReadExact<ReadHalf>(*this, buffer, size);
  }
  bool is_pair_of(const WriteHalf<S>& other) const noexcept;

  // Made by split() and into_split().
  explicit ReadHalf(std::shared_ptr<detail::SplitState<S>> state) noexcept : state_(std::move(state)) {}
  // One of each: a copy would wait in the same direction as its original,
  // and the stream keeps one waker per direction.
  ReadHalf(ReadHalf&&) noexcept = default;
  ReadHalf& operator=(ReadHalf&&) noexcept = default;
  ReadHalf(const ReadHalf&) = delete;
  ReadHalf& operator=(const ReadHalf&) = delete;

 private:
  template <class T>
  friend class WriteHalf;
  template <class T>
  friend std::optional<T> reunite(ReadHalf<T>&& reader, WriteHalf<T>&& writer);
  std::shared_ptr<detail::SplitState<S>> state_;
};

// The writing half: AsyncWrite; shutting it down shuts the stream's
// writing direction down, so the peer reads the end of the stream.
template <class S>
class WriteHalf {
 public:
  Poll<Result<std::size_t>> poll_write(Context& cx, const void* buffer, std::size_t size) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->stream.poll_write(cx, buffer, size);
  }
  Poll<Result<void>> poll_flush(Context& cx) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return asyncc::poll_flush(state_->stream, cx);
  }
  Poll<Result<void>> poll_shutdown(Context& cx) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return asyncc::poll_shutdown(state_->stream, cx);
  }
  io::Write<WriteHalf> write(const void* buffer, std::size_t size) noexcept {
    return io::Write<WriteHalf>(*this, buffer, size);
  }
  io::WriteAll<WriteHalf> write_all(const void* buffer, std::size_t size) noexcept {
    return io::WriteAll<WriteHalf>(*this, buffer, size);
  }
  io::Shutdown<WriteHalf> shutdown() noexcept { return io::Shutdown<WriteHalf>(*this); }
  bool is_pair_of(const ReadHalf<S>& other) const noexcept { return state_ == other.state_; }

  // Made by split() and into_split().
  explicit WriteHalf(std::shared_ptr<detail::SplitState<S>> state) noexcept : state_(std::move(state)) {}
  // One of each: a copy would wait in the same direction as its original,
  // and the stream keeps one waker per direction.
  WriteHalf(WriteHalf&&) noexcept = default;
  WriteHalf& operator=(WriteHalf&&) noexcept = default;
  WriteHalf(const WriteHalf&) = delete;
  WriteHalf& operator=(const WriteHalf&) = delete;

 private:
  template <class T>
  friend class ReadHalf;
  template <class T>
  friend std::optional<T> reunite(ReadHalf<T>&& reader, WriteHalf<T>&& writer);
  std::shared_ptr<detail::SplitState<S>> state_;
};

template <class S>
bool ReadHalf<S>::is_pair_of(const WriteHalf<S>& other) const noexcept {
  return state_ == other.state_;
}

// Halves that borrow `stream`.
template <class S>
std::pair<ReadHalf<S&>, WriteHalf<S&>> split(S& stream) {
  static_assert(is_async_read_v<S> && is_async_write_v<S>, "split needs a stream that is AsyncRead and AsyncWrite");
  auto state = std::make_shared<detail::SplitState<S&>>(stream);
  return {ReadHalf<S&>(state), WriteHalf<S&>(state)};
}

// Halves that own `stream` together.
template <class S, std::enable_if_t<!std::is_reference_v<S>, int> = 0>
std::pair<ReadHalf<S>, WriteHalf<S>> into_split(S&& stream) {
  static_assert(is_async_read_v<S> && is_async_write_v<S>, "into_split needs a stream that is AsyncRead and AsyncWrite");
  auto state = std::make_shared<detail::SplitState<S>>(std::move(stream));
  return {ReadHalf<S>(state), WriteHalf<S>(state)};
}

// The stream back from the owned halves of one into_split(); nullopt, and
// the halves left as they were, if they are not a pair.
template <class S>
std::optional<S> reunite(ReadHalf<S>&& reader, WriteHalf<S>&& writer) {
  static_assert(!std::is_reference_v<S>, "reunite takes the halves of into_split(); split() borrowed its stream");
  if (!reader.is_pair_of(writer)) return std::nullopt;
  ReadHalf<S> r = std::move(reader);
  WriteHalf<S> w = std::move(writer);
  return std::optional<S>(std::move(r.state_->stream));
}

}  // namespace asyncc
