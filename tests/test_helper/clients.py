"""Many TCP clients at once, for a server that serves them concurrently:
python3 clients.py MODE PORT ARGS...

  lines PORT N LINES     N clients connect at once; each sends LINES lines
                         "peer I line J" in pieces cut at random places
                         (a line often in two sends), then closes
  random PORT N SIZE     N clients at once each send SIZE random bytes and
                         close; prints "LOCALPORT SHA256" for each
  hold PORT N READY      opens N connections, silent, writes READY once
                         all are connected, and holds them until killed
  partial PORT N READY   opens N connections, each sends "peer I partial"
                         without a newline, writes READY, and holds them
                         until killed
  wave PORT N            N clients at once each send "wave I\\n", wait for
                         the server to close, and print what it answered
  echoed PORT N SIZE     N clients at once each send SIZE random bytes
                         while reading, half-close, read until the server
                         closes, and check that they got their own bytes
                         back; prints how many did

Every client connects to 127.0.0.1; a socket that fails fails the run.
"""
import hashlib
import os
import random
import socket
import sys
import threading
import time

TIMEOUT = 30    # any one client; the test's own bound is larger


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    return s


def run_all(n, target):
    """Runs target(i) in n threads started together; fails if one did."""
    errors = []
    start = threading.Barrier(n)

    def wrap(i):
        try:
            start.wait()
            target(i)
        except Exception as e:     # reported below, the run fails
            errors.append("client %d: %r" % (i, e))

    threads = [threading.Thread(target=wrap, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit("\n".join(errors[:5]))


def lines(port, n, count):
    def client(i):
        data = b"".join(b"peer %d line %d\n" % (i, j) for j in range(count))
        rng = random.Random(i)
        with connect(port) as s:
            off = 0
            while off < len(data):
                cut = off + rng.randint(1, 40)
                s.sendall(data[off:cut])
                off = cut
                if rng.random() < 0.05:
                    time.sleep(0.001)   # a piece alone on the wire
            s.shutdown(socket.SHUT_WR)
            while s.recv(4096):
                pass
    run_all(n, client)


def random_bytes(port, n, size):
    results = {}

    def client(i):
        data = os.urandom(size)
        with connect(port) as s:
            results[i] = (s.getsockname()[1], hashlib.sha256(data).hexdigest())
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            while s.recv(4096):
                pass
    run_all(n, client)
    for i in range(n):
        print("%d %s" % results[i])


def hold(port, n, ready):
    socks = [connect(port) for _ in range(n)]
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % len(socks))
    os.rename(ready + ".tmp", ready)
    while True:
        time.sleep(60)


def partial(port, n, ready):
    socks = [connect(port) for _ in range(n)]
    for i, s in enumerate(socks):
        s.sendall(b"peer %d partial" % i)
    with open(ready + ".tmp", "w") as f:
        f.write("%d\n" % len(socks))
    os.rename(ready + ".tmp", ready)
    while True:
        time.sleep(60)


def wave(port, n):
    answers = {}

    def client(i):
        with connect(port) as s:
            s.sendall(b"wave %d\n" % i)
            got = b""
            while True:
                data = s.recv(4096)
                if not data:
                    break
                got += data
            answers[i] = got
    run_all(n, client)
    for i in range(n):
        sys.stdout.write(answers[i].decode(errors="replace"))


def echoed(port, n, size):
    def client(i):
        data = os.urandom(size)
        got = []
        with connect(port) as s:
            reader = threading.Thread(target=lambda: read_all(s, got))
            reader.start()
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            reader.join()
        if b"".join(got) != data:
            raise ValueError("got %d bytes back, not its own %d" %
                             (len(b"".join(got)), size))
    run_all(n, client)
    print(n)


def read_all(s, got):
    while True:
        data = s.recv(65536)
        if not data:
            return
        got.append(data)


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    args = sys.argv[3:]
    if mode == "lines":
        lines(port, int(args[0]), int(args[1]))
    elif mode == "random":
        random_bytes(port, int(args[0]), int(args[1]))
    elif mode == "hold":
        hold(port, int(args[0]), args[1])
    elif mode == "partial":
        partial(port, int(args[0]), args[1])
    elif mode == "wave":
        wave(port, int(args[0]))
    elif mode == "echoed":
        echoed(port, int(args[0]), int(args[1]))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
