#!/usr/bin/env python3
"""Silent UDP "DNS server" for tests/hermetic: receives and never answers.

Usage: silent.py PORTFILE
Binds 127.0.0.1 on a free port, writes the port number to PORTFILE (atomically,
once the socket is bound), then reads and discards datagrams until killed.
"""
import os
import socket
import sys


def main():
    portfile = sys.argv[1]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % sock.getsockname()[1])
    os.rename(tmp, portfile)
    while True:
        sock.recv(65535)


if __name__ == "__main__":
    main()
