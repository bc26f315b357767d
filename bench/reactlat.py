#!/usr/bin/python3
"""reactlat.py port|health LIMIT CMD...: how soon a waiter sees what it waits for.

Starts CMD (every "{port}" in it replaced by a free port of 127.0.0.1)
and, a random 100-300 ms later, makes the event it waits for happen:
  port    nothing listens on the port until then; then bind() and listen()
  health  an HTTP server on the port whose /health answers 503 until
          then, 200 from then on
Prints the time from the event to CMD's exit (seen through a pidfd), in
milliseconds. Fails if CMD exits before the event, exits non-zero, or is
still running LIMIT seconds after it (then it is killed).
"""
import http.server
import os
import random
import select
import socket
import subprocess
import sys
import threading
import time

SWITCHED = []


class Health(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        ok = bool(SWITCHED) and self.path == "/health"
        body = b"ok\n" if ok else b"warming up\n"
        self.send_response(200 if ok else 503)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self):
        ok = bool(SWITCHED) and self.path == "/health"
        self.send_response(200 if ok else 503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class PortOpens:
    """A port of 127.0.0.1 that nothing listens on until happen()."""

    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = None

    def happen(self):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen(64)

    def close(self):
        if self.server is not None:
            self.server.close()


class HealthTurns:
    """An HTTP server whose /health turns from 503 to 200 at happen()."""

    def __init__(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Health)
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()
        self.port = self.server.server_address[1]

    def happen(self):
        SWITCHED.append(time.monotonic())

    def close(self):
        self.server.shutdown()


def main():
    events = {"port": PortOpens, "health": HealthTurns}
    if len(sys.argv) < 4 or sys.argv[1] not in events:
        sys.exit("usage: reactlat.py port|health LIMIT CMD...")
    limit = float(sys.argv[2])
    event = events[sys.argv[1]]()
    argv = [a.replace("{port}", str(event.port)) for a in sys.argv[3:]]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL)
    pidfd = os.pidfd_open(proc.pid)
    try:
        time.sleep(random.uniform(0.1, 0.3))
        if proc.poll() is not None:
            sys.exit(f"reactlat: waiter exited ({proc.returncode}) "
                     f"before the {sys.argv[1]} event")
        event.happen()
        happened = time.monotonic()
        ready, _, _ = select.select([pidfd], [], [], limit)
        exited = time.monotonic()
        if not ready:
            sys.exit(f"reactlat: waiter still running {limit:g} s "
                     f"after the {sys.argv[1]} event")
        if proc.wait() != 0:
            sys.exit(f"reactlat: waiter exited {proc.returncode}")
        print(f"{(exited - happened) * 1e3:.2f}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(pidfd)
        event.close()


if __name__ == "__main__":
    main()
