#!/usr/bin/python3
"""healthlat.py LIMIT CMD...: how soon a health waiter sees a 200.

Serves HTTP on a free port of 127.0.0.1 whose /health answers 503 and,
from a random moment 100-300 ms after CMD starts (every "{port}" in it
replaced by the port), 200. Prints the time from that switch to CMD's
exit (seen through a pidfd), in milliseconds. Fails if CMD exits early,
exits non-zero, or is still running LIMIT seconds after the switch.
"""
import http.server
import os
import random
import select
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


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: healthlat.py LIMIT CMD...")
    limit = float(sys.argv[1])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    argv = [a.replace("{port}", str(port)) for a in sys.argv[2:]]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL)
    pidfd = os.pidfd_open(proc.pid)
    try:
        time.sleep(random.uniform(0.1, 0.3))
        if proc.poll() is not None:
            sys.exit(f"healthlat: waiter exited ({proc.returncode}) "
                     "before the switch")
        switched = time.monotonic()
        SWITCHED.append(switched)
        ready, _, _ = select.select([pidfd], [], [], limit)
        exited = time.monotonic()
        if not ready:
            sys.exit(f"healthlat: waiter still running {limit:g} s "
                     "after the switch")
        if proc.wait() != 0:
            sys.exit(f"healthlat: waiter exited {proc.returncode}")
        print(f"{(exited - switched) * 1e3:.2f}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(pidfd)
        server.shutdown()


if __name__ == "__main__":
    main()
