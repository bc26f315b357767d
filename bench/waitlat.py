#!/usr/bin/python3
"""waitlat.py LIMIT CMD...: the latency of a port waiter, in milliseconds.

Picks a free port on 127.0.0.1, starts CMD (every "{port}" in it replaced
by the port) while nothing listens there, and after a random 100-300 ms
binds and listens on the port. Prints the time from listen() returning to
CMD's exit, seen through a pidfd. Fails if CMD exits early, exits non-zero
or is still running LIMIT seconds after the port opened (then it is killed).
"""
import os
import random
import select
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: waitlat.py LIMIT CMD...")
    limit = float(sys.argv[1])
    port = free_port()
    argv = [a.replace("{port}", str(port)) for a in sys.argv[2:]]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL)
    pidfd = os.pidfd_open(proc.pid)
    try:
        time.sleep(random.uniform(0.1, 0.3))
        if proc.poll() is not None:
            sys.exit(f"waitlat: waiter exited ({proc.returncode}) "
                     "before the port opened")
        with socket.socket() as srv:
            srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            srv.bind(("127.0.0.1", port))
            srv.listen(64)
            opened = time.monotonic()
            ready, _, _ = select.select([pidfd], [], [], limit)
            exited = time.monotonic()
        if not ready:
            sys.exit(f"waitlat: waiter still running {limit:g} s "
                     "after the port opened")
        if proc.wait() != 0:
            sys.exit(f"waitlat: waiter exited {proc.returncode}")
        print(f"{(exited - opened) * 1e3:.2f}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(pidfd)


if __name__ == "__main__":
    main()
