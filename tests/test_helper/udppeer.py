#!/usr/bin/env python3
"""A UDP peer for the tests, written with Python's socket module, so
that the tools are checked against code that is not ours.

  udppeer.py recv 4|6 PORTFILE OUT    one datagram into OUT (sender in OUT.from)
  udppeer.py echo 4|6 PORTFILE OUT    the same, and sends it back to the sender
  udppeer.py send HOST PORT IN        the bytes of IN as one datagram;
                                      writes "ADDR PORT" it sent from
  udppeer.py ask HOST PORT IN         sends IN, writes the reply to stdout
                                      and "ADDR PORT" of its sender to stderr

Listening peers bind the loopback address to port 0 and write the port
to PORTFILE atomically once bound.  Every wait ends after 10 seconds.
"""
import os
import socket
import sys

WAIT = 10
LOOPBACK = {"4": (socket.AF_INET, "127.0.0.1"), "6": (socket.AF_INET6, "::1")}


def bound(family):
    af, addr = LOOPBACK[family]
    s = socket.socket(af, socket.SOCK_DGRAM)
    s.bind((addr, 0))
    return s


def write_atomically(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def serve(family, portfile, out, echo):
    s = bound(family)
    s.settimeout(WAIT)
    write_atomically(portfile, "%d\n" % s.getsockname()[1])
    data, addr = s.recvfrom(65536)
    with open(out + ".from", "w") as f:
        f.write("%s %d\n" % addr[:2])
    with open(out, "wb") as f:
        f.write(data)
    if echo:
        s.sendto(data, addr)


def peer_socket(host, port):
    af, _, _, _, sa = socket.getaddrinfo(host, int(port), 0,
                                         socket.SOCK_DGRAM)[0]
    return socket.socket(af, socket.SOCK_DGRAM), sa


def main(argv):
    mode = argv[1]
    if mode in ("recv", "echo"):
        serve(argv[2], argv[3], argv[4], mode == "echo")
    elif mode in ("send", "ask"):
        s, sa = peer_socket(argv[2], argv[3])
        with open(argv[4], "rb") as f:
            s.sendto(f.read(), sa)
        if mode == "send":
            print("%s %d" % s.getsockname()[:2])
        else:
            s.settimeout(WAIT)
            data, addr = s.recvfrom(65536)
            sys.stdout.buffer.write(data)
            sys.stderr.write("from %s %d\n" % addr[:2])
    else:
        sys.exit("udppeer.py: unknown mode " + mode)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
