#!/usr/bin/env python3
"""Checks an http_hello binary as an HTTP client would: starts it on an
ephemeral port with a short idle timeout, runs each check on fresh
connections, and stops it.  Usage: test_http_hello.py SERVER_BINARY [SERVER_ARGS...]
(e.g. --threads 2)"""
import re
import socket
import subprocess
import sys
import time

IDLE_TIMEOUT_MS = 300
HELLO = b"Hello world!"
GET = b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"


def read_response(sock, buffer):
    """Reads one response from `sock` (bytes already read are in `buffer`).
    Returns (status, headers dict, body, rest of the buffer), or None at end of stream."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            if buffer:
                raise AssertionError(f"stream ended inside a response head: {buffer!r}")
            return None
        buffer += chunk
    head, buffer = buffer.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    match = re.match(r"HTTP/1\.1 (\d{3}) ", lines[0])
    assert match, f"bad status line {lines[0]!r}"
    headers = {}
    for line in lines[1:]:
        name, value = line.split(":", 1)
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(buffer) < length:
        chunk = sock.recv(65536)
        assert chunk, "stream ended inside a body"
        buffer += chunk
    return int(match.group(1)), headers, buffer[:length], buffer[length:]


def expect_closed(sock, buffer=b"", within=2.0):
    """The server closes the connection (end of stream or reset) within `within` seconds."""
    assert not buffer, f"unexpected bytes after the last response: {buffer!r}"
    sock.settimeout(within)
    try:
        data = sock.recv(65536)
    except ConnectionResetError:
        return
    except socket.timeout:
        raise AssertionError("the server did not close the connection")
    assert data == b"", f"expected the connection closed, got {data!r}"


class Server:
    def __init__(self, binary, extra_args=()):
        self.process = subprocess.Popen([binary, "0", "--idle-timeout-ms", str(IDLE_TIMEOUT_MS), *extra_args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.process.stdout.readline().decode()
        match = re.match(r"listening on ([\d.]+):(\d+)", line)
        if not match:
            self.stop()
            raise AssertionError(f"no listening line from the server: {line!r}")
        self.address = (match.group(1), int(match.group(2)))

    def connect(self):
        sock = socket.create_connection(self.address, timeout=5)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def stop(self):
        """Kills the server; returns what it wrote on stderr."""
        if self.process.poll() is None:
            self.process.kill()
        _, stderr = self.process.communicate(timeout=5)
        return stderr.decode(errors="replace")


def check_simple_get(server):
    with server.connect() as sock:
        sock.sendall(GET)
        status, headers, body, rest = read_response(sock, b"")
        assert (status, body, rest) == (200, HELLO, b""), (status, body, rest)
        assert headers.get("content-type") == "text/plain"


def check_pipelined(server):
    with server.connect() as sock:
        requests = b"".join(b"GET /%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(15))
        sock.sendall(requests + b"GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        buffer = b""
        for i in range(16):
            response = read_response(sock, buffer)
            assert response, f"only {i} of 16 pipelined responses"
            status, headers, body, buffer = response
            assert (status, body) == (200, HELLO)
            # Only the last request asked to close: the answers come in order.
            assert (headers.get("connection") == "close") == (i == 15), (i, headers)
        expect_closed(sock, buffer)


def check_many_pipelined(server):
    """More requests than the input buffer holds, and more answers than one write: none is lost."""
    with server.connect() as sock:
        count = 2000
        sock.sendall(b"".join(b"GET /%d HTTP/1.1\r\nHost: x\r\n\r\n" % i for i in range(count)))
        buffer = b""
        for i in range(count):
            response = read_response(sock, buffer)
            assert response, f"only {i} of {count} pipelined responses"
            status, _, body, buffer = response
            assert (status, body) == (200, HELLO)


def check_keep_alive(server):
    with server.connect() as sock:
        buffer = b""
        for _ in range(5):
            sock.sendall(GET)
            status, _, body, buffer = read_response(sock, buffer)
            assert (status, body) == (200, HELLO)
            time.sleep(0.02)
        # A body announced with Content-Length is skipped, not taken for a request.
        sock.sendall(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello" + GET)
        for _ in range(2):
            status, _, body, buffer = read_response(sock, buffer)
            assert (status, body) == (200, HELLO)
        # HTTP/1.0 keeps the connection only when asked to.
        sock.sendall(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        status, headers, body, buffer = read_response(sock, buffer)
        assert (status, body, headers.get("connection")) == (200, HELLO, "keep-alive")
        sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
        status, _, body, buffer = read_response(sock, buffer)
        assert (status, body) == (200, HELLO)
        expect_closed(sock, buffer)


def check_malformed(server):
    for garbage in [b"GARBAGE\r\n\r\n", b"GET / HTTP/2.0\r\n\r\n", b"GET /\r\n\r\n",
                    b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n", b"GET / HTTP/1.1\r\nBad\x01: x\r\n\r\n",
                    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"]:
        with server.connect() as sock:
            # A good request first: the bad one is answered after it, then the connection closes.
            sock.sendall(GET + garbage + GET)
            status, _, body, buffer = read_response(sock, b"")
            assert (status, body) == (200, HELLO)
            status, headers, _, buffer = read_response(sock, buffer)
            assert status == 400, (garbage, status)
            assert headers.get("connection") == "close"
            expect_closed(sock, buffer)


def check_slow_client(server):
    with server.connect() as sock:
        request = b"GET /slow HTTP/1.1\r\nHost: localhost\r\nUser-Agent: one byte at a time\r\n\r\n"
        for byte in request:
            sock.sendall(bytes([byte]))
            time.sleep(0.002)
        status, _, body, rest = read_response(sock, b"")
        assert (status, body, rest) == (200, HELLO, b"")


def check_dropped_connection(server):
    with server.connect() as bystander:
        bystander.sendall(GET)
        status, _, _, buffer = read_response(bystander, b"")
        assert status == 200
        for partial in [b"GET / HT", b"GET / HTTP/1.1\r\nHost: loc", b"GET / HTTP/1.1\r\n\r\n" * 3 + b"GET"]:
            dropped = server.connect()
            dropped.sendall(partial)
            time.sleep(0.02)
            # A reset rather than a clean close: the worst case for the server.
            dropped.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            dropped.close()
        time.sleep(0.05)
        bystander.sendall(GET)
        status, _, body, buffer = read_response(bystander, buffer)
        assert (status, body) == (200, HELLO)
        with server.connect() as newcomer:
            newcomer.sendall(GET)
            assert read_response(newcomer, b"")[0] == 200


def check_idle_timeout(server):
    with server.connect() as sock:
        sock.sendall(GET)
        status, _, _, buffer = read_response(sock, b"")
        assert status == 200
        started = time.monotonic()
        expect_closed(sock, buffer, within=3.0)
        waited = time.monotonic() - started
        assert IDLE_TIMEOUT_MS / 1000 * 0.8 <= waited < 2.0, f"closed after {waited:.3f} s"
    with server.connect() as sock:
        # Idle in the middle of a request counts as idle too.
        sock.sendall(b"GET / HTTP/1.1\r\n")
        expect_closed(sock, within=3.0)
    with server.connect() as sock:
        # A client that sends requests but never reads the answers: once the
        # socket buffers are full the server cannot write, and gives up.
        sock.setblocking(False)
        request = GET * 1000
        try:
            while True:
                sock.send(request)
        except BlockingIOError:
            pass
        time.sleep(IDLE_TIMEOUT_MS / 1000 * 3)
        sock.settimeout(3.0)
        try:
            while sock.recv(1 << 20):
                pass  # the answers the server managed to write, then the end
        except ConnectionResetError:
            pass
        except socket.timeout:
            raise AssertionError("the server kept a connection whose client does not read")


def check_oversized_header(server):
    with server.connect() as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nX-Filler: " + b"a" * 16384 + b"\r\n\r\n")
        status, headers, _, buffer = read_response(sock, b"")
        assert status in (400, 431), status
        assert headers.get("connection") == "close"
        expect_closed(sock, buffer)
    with server.connect() as sock:
        # A head that keeps growing, never finished, is refused as soon as it fills the buffer.
        sock.sendall(b"GET / HTTP/1.1\r\n" + b"X-Many: headers\r\n" * 600)
        status, _, _, buffer = read_response(sock, b"")
        assert status in (400, 431), status
        expect_closed(sock, buffer)


CHECKS = [check_simple_get, check_pipelined, check_many_pipelined, check_keep_alive, check_malformed, check_slow_client,
          check_dropped_connection, check_idle_timeout, check_oversized_header]


def main():
    server = Server(sys.argv[1], sys.argv[2:])
    failures = 0
    try:
        for check in CHECKS:
            started = time.monotonic()
            try:
                check(server)
                print(f"ok   {check.__name__} ({time.monotonic() - started:.2f} s)")
            except Exception as error:  # report every check, not only the first failure
                failures += 1
                print(f"FAIL {check.__name__}: {type(error).__name__}: {error}")
            if server.process.poll() is not None:
                print(f"FAIL the server exited with status {server.process.returncode}")
                failures += 1
                break
    finally:
        stderr = server.stop()
    if failures and stderr:
        print("server stderr:\n" + stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
