#include <asyncc/fs.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace asyncc::fs {

namespace {

Metadata from_stat(const struct stat& st) {
  Metadata m;
  m.size = static_cast<std::uint64_t>(st.st_size);
  m.is_file = S_ISREG(st.st_mode);
  m.is_dir = S_ISDIR(st.st_mode);
  m.permissions = st.st_mode & 07777;
  return m;
}

Result<FileDescriptor> open_fd(const std::string& path, int flags, mode_t mode) {
  for (;;) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd >= 0) return FileDescriptor(fd);
    if (errno != EINTR) return last_os_error();
  }
}

// read(2) or write(2), retried on EINTR.
ssize_t read_some(int fd, void* buffer, std::size_t size) {
  for (;;) {
    ssize_t n = ::read(fd, buffer, size);
    if (n >= 0 || errno != EINTR) return n;
  }
}
ssize_t write_some(int fd, const void* buffer, std::size_t size) {
  for (;;) {
    ssize_t n = ::write(fd, buffer, size);
    if (n >= 0 || errno != EINTR) return n;
  }
}

}  // namespace

namespace detail {

Result<std::string> ReadCall::operator()() const {
  Result<FileDescriptor> fd = open_fd(path, O_RDONLY, 0);
  if (!fd) return fd.error();
  struct stat st{};
  if (::fstat(fd->get(), &st) < 0) return last_os_error();
  if (S_ISDIR(st.st_mode)) return os_error(EISDIR);
  std::string data;
  // The size is a hint: /proc files say 0, and a file may grow meanwhile.
  std::size_t capacity = st.st_size > 0 ? static_cast<std::size_t>(st.st_size) + 1 : 4096;
  data.resize(capacity);
  std::size_t length = 0;
  for (;;) {
    if (length == data.size()) data.resize(data.size() * 2);
    ssize_t n = read_some(fd->get(), data.data() + length, data.size() - length);
    if (n < 0) return last_os_error();
    if (n == 0) break;
    length += static_cast<std::size_t>(n);
  }
  data.resize(length);
  return data;
}

Result<void> WriteCall::operator()() const {
  Result<FileDescriptor> fd = open_fd(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (!fd) return fd.error();
  std::size_t offset = 0;
  while (offset < data.size()) {
    ssize_t n = write_some(fd->get(), data.data() + offset, data.size() - offset);
    if (n < 0) return last_os_error();
    if (n == 0) return make_error_code(io_errc::write_zero);
    offset += static_cast<std::size_t>(n);
  }
  // close(2) is where some file systems (NFS) report a failed write.
  if (::close(fd->release()) < 0 && errno != EINTR) return last_os_error();
  return {};
}

Result<Metadata> MetadataCall::operator()() const {
  struct stat st{};
  if (::stat(path.c_str(), &st) < 0) return last_os_error();
  return from_stat(st);
}

Result<File> OpenCall::operator()() const {
  Result<FileDescriptor> fd = open_fd(path, flags, mode);
  if (!fd) return fd.error();
  return File(std::move(*fd));
}

}  // namespace detail

// One call of a File on the pool. It owns the descriptor (shared) and the
// buffer, so the File or the operation may be dropped while it runs.
struct File::Call {
  Done::Kind kind;
  detail::SharedFd fd;
  std::vector<char> buffer;
  std::size_t size = 0;      // read: how many bytes to read into the buffer
  std::uint64_t rewind = 0;  // bytes read ahead, to step back over first
  std::int64_t offset = 0;
  SeekFrom from = SeekFrom::start;

  Done operator()() {
    Done done;
    done.kind = kind;
    const int f = fd->get();
    auto fail = [&] { done.error = last_os_error(); };
    switch (kind) {
      case Done::Kind::read: {
        buffer.resize(size);
        ssize_t n = read_some(f, buffer.data(), size);
        if (n < 0) fail(); else done.value = static_cast<std::uint64_t>(n);
        break;
      }
      case Done::Kind::write: {
        if (rewind > 0 && ::lseek(f, -static_cast<off_t>(rewind), SEEK_CUR) < 0) {
          fail();
          break;
        }
        ssize_t n = write_some(f, buffer.data(), buffer.size());
        if (n < 0) fail(); else done.value = static_cast<std::uint64_t>(n);
        break;
      }
      case Done::Kind::seek: {
        int whence = from == SeekFrom::start ? SEEK_SET : from == SeekFrom::current ? SEEK_CUR : SEEK_END;
        // Relative to where the reader is, not to the bytes read ahead.
        off_t target = static_cast<off_t>(offset) - (from == SeekFrom::current ? static_cast<off_t>(rewind) : 0);
        off_t position = ::lseek(f, target, whence);
        if (position < 0) fail(); else done.value = static_cast<std::uint64_t>(position);
        break;
      }
      case Done::Kind::sync:
        if (::fsync(f) < 0) fail();
        break;
      case Done::Kind::stat: {
        struct stat st{};
        if (::fstat(f, &st) < 0) fail(); else done.metadata = from_stat(st);
        break;
      }
    }
    done.buffer = std::move(buffer);
    return done;
  }
};

File::File(FileDescriptor fd) : fd_(std::make_shared<FileDescriptor>(std::move(fd))) {}

Poll<std::optional<File::Done>> File::poll_own(Context& cx, Done::Kind kind) {
  using P = Poll<std::optional<Done>>;
  while (in_flight_) {
    std::optional<Done> done;
    try {
      Poll<Done> p = in_flight_->poll(cx);
      if (p.is_pending()) return P::pending();
      done.emplace(std::move(p).value());
    } catch (const task_cancelled&) {
      // The pool dropped the call (its Runtime is shutting down).
      done.emplace();
      done->kind = in_flight_kind_;
      done->error = os_error(ECANCELED);
    }
    in_flight_.reset();
    buffer_ = std::move(done->buffer);
    const bool mine = claimed_ && done->kind == kind;
    claimed_ = false;
    if (mine) return P::ready(std::move(done));
    // Absorbs what an abandoned operation left behind.
    if (done->kind == Done::Kind::read && !done->error) {
      unread_begin_ = 0;
      unread_end_ = static_cast<std::size_t>(done->value);
    } else if (done->kind == Done::Kind::write && done->error) {
      deferred_error_ = done->error;
    }
  }
  return P::ready(std::nullopt);
}

void File::start(Call call) {
  in_flight_kind_ = call.kind;
  in_flight_.emplace(spawn_blocking(std::move(call)));
  claimed_ = true;
}

std::size_t File::take_unread(void* buffer, std::size_t size) noexcept {
  std::size_t n = std::min(size, unread_end_ - unread_begin_);
  if (n > 0) std::memcpy(buffer, buffer_.data() + unread_begin_, n);
  unread_begin_ += n;
  if (unread_begin_ == unread_end_) unread_begin_ = unread_end_ = 0;
  return n;
}

Poll<Result<std::size_t>> File::poll_read(Context& cx, void* buffer, std::size_t size) {
  using P = Poll<Result<std::size_t>>;
  for (;;) {
    Poll<std::optional<Done>> own = poll_own(cx, Done::Kind::read);
    if (own.is_pending()) return P::pending();
    if (std::optional<Done>& done = own.value()) {
      if (done->error) return P::ready(done->error);
      unread_begin_ = 0;
      unread_end_ = static_cast<std::size_t>(done->value);
      return P::ready(take_unread(buffer, size));
    }
    if (unread_end_ > unread_begin_ || size == 0) return P::ready(take_unread(buffer, size));
    start(Call{Done::Kind::read, fd_, std::move(buffer_), std::min(size, kMaxChunk)});
  }
}

Poll<Result<std::size_t>> File::poll_write(Context& cx, const void* buffer, std::size_t size) {
  using P = Poll<Result<std::size_t>>;
  for (;;) {
    Poll<std::optional<Done>> own = poll_own(cx, Done::Kind::write);
    if (own.is_pending()) return P::pending();
    if (std::optional<Done>& done = own.value()) {
      if (done->error) return P::ready(done->error);
      return P::ready(static_cast<std::size_t>(done->value));
    }
    if (deferred_error_) return P::ready(std::exchange(deferred_error_, std::error_code()));
    if (size == 0) return P::ready(std::size_t{0});
    Call call{Done::Kind::write, fd_, std::move(buffer_)};
    const char* bytes = static_cast<const char*>(buffer);
    call.buffer.assign(bytes, bytes + std::min(size, kMaxChunk));
    call.rewind = unread_end_ - unread_begin_;
    unread_begin_ = unread_end_ = 0;
    start(std::move(call));
  }
}

Poll<Result<std::uint64_t>> File::poll_seek(Context& cx, std::int64_t offset, SeekFrom from) {
  using P = Poll<Result<std::uint64_t>>;
  for (;;) {
    Poll<std::optional<Done>> own = poll_own(cx, Done::Kind::seek);
    if (own.is_pending()) return P::pending();
    if (std::optional<Done>& done = own.value()) {
      if (done->error) return P::ready(done->error);
      return P::ready(done->value);
    }
    Call call{Done::Kind::seek, fd_, std::move(buffer_)};
    call.offset = offset;
    call.from = from;
    call.rewind = unread_end_ - unread_begin_;
    unread_begin_ = unread_end_ = 0;
    start(std::move(call));
  }
}

Poll<Result<void>> File::poll_sync_all(Context& cx) {
  using P = Poll<Result<void>>;
  for (;;) {
    Poll<std::optional<Done>> own = poll_own(cx, Done::Kind::sync);
    if (own.is_pending()) return P::pending();
    if (std::optional<Done>& done = own.value()) {
      if (done->error) return P::ready(done->error);
      return P::ready(Result<void>());
    }
    if (deferred_error_) return P::ready(std::exchange(deferred_error_, std::error_code()));
    start(Call{Done::Kind::sync, fd_, std::move(buffer_)});
  }
}

Poll<Result<Metadata>> File::poll_metadata(Context& cx) {
  using P = Poll<Result<Metadata>>;
  for (;;) {
    Poll<std::optional<Done>> own = poll_own(cx, Done::Kind::stat);
    if (own.is_pending()) return P::pending();
    if (std::optional<Done>& done = own.value()) {
      if (done->error) return P::ready(done->error);
      return P::ready(done->metadata);
    }
    start(Call{Done::Kind::stat, fd_, std::move(buffer_)});
  }
}

Poll<Result<void>> File::ReadExact::step(Context& cx) {
  using P = Poll<Result<void>>;
  while (remaining_ > 0) {
    Poll<Result<std::size_t>> read = file_->poll_read(cx, buffer_, remaining_);
    if (read.is_pending()) return P::pending();
    if (!read.value()) return P::ready(read.value().error());
    std::size_t n = *read.value();
    if (n == 0) return P::ready(make_error_code(io_errc::unexpected_eof));
    buffer_ += n;
    remaining_ -= n;
  }
  return P::ready(Result<void>());
}

Poll<Result<void>> File::WriteAll::step(Context& cx) {
  using P = Poll<Result<void>>;
  while (remaining_ > 0) {
    Poll<Result<std::size_t>> written = file_->poll_write(cx, buffer_, remaining_);
    if (written.is_pending()) return P::pending();
    if (!written.value()) return P::ready(written.value().error());
    std::size_t n = *written.value();
    if (n == 0) return P::ready(make_error_code(io_errc::write_zero));
    buffer_ += n;
    remaining_ -= n;
  }
  return P::ready(Result<void>());
}

}  // namespace asyncc::fs
