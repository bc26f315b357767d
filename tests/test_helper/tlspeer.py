"""python3 tlspeer.py PORTFILE|@UNIXPATH CERT KEY [LATE]: a TLS server on
Python's ssl module, on a free loopback port written to PORTFILE once it
listens (or on the Unix socket UNIXPATH, which appears when it does).
Each client gets a handshake, then what it sends is read until it ends
(close_notify or end of file), then close_notify.  With LATE (seconds),
connections in the first LATE seconds are accepted and closed at once,
as by a server whose TLS is not up yet.  TLSPEER_MODE=count: once the
client's end has come, "got N bytes" is sent back first; echo: each byte
is sent back as it comes."""
import os
import socket
import ssl
import sys
import threading
import time

where, cert, key = sys.argv[1:4]
late = float(sys.argv[4]) if len(sys.argv) > 4 else 0
mode = os.environ.get("TLSPEER_MODE", "drain")

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)

if where.startswith("@"):
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(where[1:])
else:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
srv.listen(64)
if not where.startswith("@"):
    with open(where + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(where + ".tmp", where)
start = time.monotonic()


def serve(conn):
    conn.settimeout(10)
    try:
        with ctx.wrap_socket(conn, server_side=True) as tls:
            got = 0
            while data := tls.recv(65536):
                got += len(data)
                if mode == "echo":
                    tls.sendall(data)
            if mode == "count":
                tls.sendall(b"got %d bytes\n" % got)
            tls.unwrap()
    except (OSError, ssl.SSLError):
        pass


while True:
    conn, _ = srv.accept()
    if time.monotonic() - start < late:
        conn.close()
        continue
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
