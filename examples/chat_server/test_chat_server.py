#!/usr/bin/env python3
"""Checks a chat_server binary as its users would: three clients chat while a
fourth, with a small receive buffer, never reads; the server drops that one
and the others get every line.  Then SIGINT (or SIGTERM): every client gets
the shutdown notice and the end of its stream, and the server exits with
status 0.
Usage: test_chat_server.py SERVER_BINARY [--signal INT|TERM] [SERVER_ARGS...] (e.g. --threads 2)"""
import re
import signal
import socket
import subprocess
import sys
import threading
import time

PROMPT = "Please enter your username:"
SHUTDOWN = "server shutting down"
READERS = ["alice", "bob", "carol"]
# A round is fewer lines than the server lets a client fall behind (256), and
# the next round waits for every reader to have had the last: however busy
# the machine, no reading client can lag.
LINES_PER_ROUND = 60
MAX_ROUNDS = 60
PADDING = "x" * 100  # long lines fill the slow client's buffers sooner

# One lock for everything the threads share; waiters are woken on every change.
changed = threading.Condition()


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    with changed:
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            changed.wait(left)


class Server:
    def __init__(self, binary, extra_args):
        self.process = subprocess.Popen([binary, "--port", "0", *extra_args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.process.stdout.readline().decode()
        match = re.match(r"listening on ([\d.]+):(\d+)", line)
        if not match:
            self.process.kill()
            raise AssertionError(f"no listening line from the server: {line!r}")
        self.address = (match.group(1), int(match.group(2)))
        self.log = []
        self.log_thread = threading.Thread(target=self._read_log, daemon=True)
        self.log_thread.start()

    def _read_log(self):
        for raw in self.process.stderr:
            with changed:
                self.log.append(raw.decode(errors="replace").rstrip("\n"))
                changed.notify_all()

    def logged(self, pattern):
        return any(re.search(pattern, line) for line in self.log)

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=5)
        self.log_thread.join(timeout=5)


class Client:
    """A client whose thread reads everything the server sends, line by line."""

    def __init__(self, address, name, receive_buffer=None):
        self.name = name
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer:
            # Set before connecting, so that the window the server sees is small too.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.connect(address)
        self.lines = []
        self.ended = None  # "eof" or the error that ended the stream

    def start_reading(self):
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        pending = b""
        while True:
            try:
                chunk = self.sock.recv(65536)
            except OSError as error:
                chunk, end = b"", type(error).__name__
            else:
                end = "eof"
            with changed:
                if not chunk:
                    self.ended = end
                    changed.notify_all()
                    return
                pending += chunk
                *complete, pending = pending.split(b"\n")
                self.lines.extend(line.decode() for line in complete)
                changed.notify_all()

    def send(self, text):
        self.sock.sendall(text.encode())


def chat_line(name, round_number, i):
    return f"{name} {round_number:02d}-{i:03d} {PADDING}"


def main():
    binary, args = sys.argv[1], sys.argv[2:]
    stop_signal = signal.SIGINT
    if args[:1] == ["--signal"]:
        stop_signal = getattr(signal, "SIG" + args[1])
        args = args[2:]
    server = Server(binary, args)
    clients = []
    step = "joining"
    try:
        started = time.monotonic()
        for name in READERS:
            client = Client(server.address, name)
            client.start_reading()
            clients.append(client)
            wait_until(lambda: PROMPT in client.lines, 5, f"{name}'s prompt")
            client.send(name + "\n")
            # Logged once its task receives the chat: from here it misses nothing.
            wait_until(lambda: server.logged(rf"^{name} joined from "), 5, f"{name} to join")
        slow = Client(server.address, "slow", receive_buffer=4096)
        slow.send("slow\n")  # and never reads
        wait_until(lambda: server.logged(r"^slow joined from "), 5, "the slow client to join")
        print(f"ok   four clients joined ({time.monotonic() - started:.2f} s)")

        step = "chatting"
        started = time.monotonic()
        sent = {name: [] for name in READERS}

        def send_round(round_number):
            for client in clients:
                batch = [chat_line(client.name, round_number, i) for i in range(LINES_PER_ROUND)]
                sent[client.name].extend(batch)
                client.send("".join(line + "\n" for line in batch))

        def received_from(client, sender):
            prefix = sender + ": "
            return [line[len(prefix):] for line in client.lines if line.startswith(prefix)]

        def complete(client):
            return all(len(received_from(client, other)) >= len(sent[other])
                       for other in READERS if other != client.name)

        # Chat until the slow client, whose buffers fill, falls behind and is dropped.
        dropped = lambda: server.logged(r"^dropping slow \(.*\): lagged \d+ messages behind")
        rounds = 0
        while rounds < MAX_ROUNDS and not dropped():
            send_round(rounds)
            rounds += 1
            for client in clients:
                wait_until(lambda: complete(client) or client.ended is not None, 10,
                           f"{client.name} to get round {rounds}")
        wait_until(dropped, 5, f"the slow client to be dropped (after {rounds} rounds of chat)")
        print(f"ok   the slow client was dropped after {rounds} rounds of {LINES_PER_ROUND} lines each "
              f"({time.monotonic() - started:.2f} s)")
        # Its connection is closed: what it had buffered, then the end.
        slow.start_reading()
        wait_until(lambda: slow.ended is not None, 5, "the slow client's connection to close")
        # The others chat on.
        send_round(rounds)

        for client in clients:
            wait_until(lambda: complete(client) or client.ended is not None, 10, f"{client.name} to get every line")
            with changed:
                assert client.ended is None, f"{client.name}'s connection ended: {client.ended}"
                for other in READERS:
                    got = received_from(client, other)
                    if other == client.name:
                        assert not got, f"{client.name} got its own lines back"
                    else:
                        assert got == sent[other], f"{client.name} got {other}'s lines wrong: " \
                            f"{len(got)} of {len(sent[other])}, first difference at " \
                            f"{next((i for i, (a, b) in enumerate(zip(got, sent[other])) if a != b), min(len(got), len(sent[other])))}"
        assert not server.logged(r"^dropping (alice|bob|carol) "), "a reading client was dropped"
        total = sum(len(lines) for lines in sent.values())
        print(f"ok   every reader got every other reader's {total * 2 // 3} lines in order "
              f"({time.monotonic() - started:.2f} s)")

        step = "shutting down"
        started = time.monotonic()
        server.process.send_signal(stop_signal)
        for client in clients:
            wait_until(lambda: client.ended is not None, 5, f"{client.name}'s connection to end")
            with changed:
                assert client.ended == "eof", f"{client.name}'s connection ended with {client.ended}"
                assert client.lines and client.lines[-1] == SHUTDOWN, \
                    f"{client.name}'s last line: {client.lines[-1:]!r}"
        status = server.process.wait(timeout=5)
        assert status == 0, f"the server exited with status {status}"
        print(f"ok   {stop_signal.name}: every client got the notice and the end, the server exited with 0 "
              f"({time.monotonic() - started:.2f} s)")
        return 0
    except Exception as error:
        print(f"FAIL {step}: {type(error).__name__}: {error}")
        server.stop()
        print("server stderr:\n" + "\n".join(server.log[-30:]))
        return 1
    finally:
        server.stop()
        for client in clients:
            client.sock.close()


if __name__ == "__main__":
    sys.exit(main())
