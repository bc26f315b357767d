"""A small SMTP-style server: python3 smtp.py PORTFILE

Greets each connection with "220 mail.test ESMTP" and CRLF, answers each
line ending in CRLF ("HELO", "QUIT") with 250 (221 for QUIT, then
closes), and answers a line that ends in a bare LF with "500 bare LF"
as strict servers do.  Writes its port to PORTFILE (renamed into place)
once it listens; serves until killed.
"""
import os
import socket
import sys


def serve(conn):
    conn.sendall(b"220 mail.test ESMTP\r\n")
    buf = b""
    while True:
        data = conn.recv(4096)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            if not line.endswith(b"\r"):
                conn.sendall(b"500 bare LF\r\n")
                continue
            if line.upper().startswith(b"QUIT"):
                conn.sendall(b"221 bye\r\n")
                return
            conn.sendall(b"250 ok\r\n")


def main():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    while True:
        conn, _ = s.accept()
        with conn:
            try:
                serve(conn)
            except OSError:
                pass


main()
