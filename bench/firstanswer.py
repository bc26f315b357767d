#!/usr/bin/python3
"""firstanswer.py LIMIT COUNT CMD...: how soon a resolver reading names on
stdin answers a line, in milliseconds.

Starts CMD with pipes for stdin and stdout and writes it one name, which it
answers first (not counted: the process starting up). Then COUNT times,
after a random pause of 20-50 ms with nothing in flight, writes one new
name (fa<N>.bench.test) and times until a line of output naming it has
been read. Prints one time a line. Fails if an answer takes more than
LIMIT seconds, or CMD exits before stdin is closed or then non-zero.
"""
import os
import random
import select
import subprocess
import sys
import time


def await_line(proc, buf, name, limit):
    """Reads until a line with name arrives; returns the rest of buf."""
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + limit
    while True:
        lines = buf.split(b"\n")
        for i, line in enumerate(lines[:-1]):
            if name in line.split():
                return b"\n".join(lines[i + 1:])
        left = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(left, 0))
        if not ready:
            sys.exit(f"firstanswer: no answer for {name.decode()} "
                     f"within {limit:g} s")
        chunk = os.read(fd, 65536)
        if not chunk:
            sys.exit(f"firstanswer: exited ({proc.wait()}) "
                     f"before answering {name.decode()}")
        buf += chunk


def ask(proc, name):
    proc.stdin.write(name + b"\n")
    proc.stdin.flush()


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: firstanswer.py LIMIT COUNT CMD...")
    limit = float(sys.argv[1])
    count = int(sys.argv[2])
    proc = subprocess.Popen(sys.argv[3:], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, bufsize=0)
    try:
        ask(proc, b"warmup.bench.test")
        buf = await_line(proc, b"", b"warmup.bench.test", limit)
        for i in range(count):
            time.sleep(random.uniform(0.02, 0.05))
            name = b"fa%d.bench.test" % i
            start = time.monotonic()
            ask(proc, name)
            buf = await_line(proc, buf, name, limit)
            print(f"{(time.monotonic() - start) * 1e3:.2f}")
        proc.stdin.close()
        if proc.wait(timeout=limit) != 0:
            sys.exit(f"firstanswer: exited {proc.returncode}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main()
