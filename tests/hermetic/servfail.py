#!/usr/bin/env python3
"""UDP DNS responder for tests/hermetic: answers every query with SERVFAIL.

Usage: servfail.py PORTFILE
Binds 127.0.0.1 on a free port, writes the port number to PORTFILE (atomically,
once the socket is bound) and answers each query with rcode 2, copying the ID,
opcode, RD bit and the question section. Runs until killed.
"""
import os
import socket
import struct
import sys


def question_end(msg):
    """Offset just past the first question, or None if malformed."""
    if len(msg) < 12 or struct.unpack("!H", msg[4:6])[0] < 1:
        return None
    i = 12
    while i < len(msg):
        n = msg[i]
        if n == 0:
            i += 1 + 4  # root label, QTYPE, QCLASS
            return i if i <= len(msg) else None
        if n & 0xC0:  # no compression in a question we accept
            return None
        i += 1 + n
    return None


def reply(msg):
    qid, flags = struct.unpack("!HH", msg[:4])
    end = question_end(msg)
    opcode_rd = flags & 0x7900  # opcode (bits 11-14) and RD (bit 8)
    rflags = 0x8000 | opcode_rd | 0x0080 | 2  # QR, RA, rcode SERVFAIL
    if end is None:
        return struct.pack("!HHHHHH", qid, rflags, 0, 0, 0, 0)
    return struct.pack("!HHHHHH", qid, rflags, 1, 0, 0, 0) + msg[12:end]


def main():
    portfile = sys.argv[1]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % sock.getsockname()[1])
    os.rename(tmp, portfile)
    while True:
        msg, peer = sock.recvfrom(65535)
        if len(msg) >= 12 and not msg[2] & 0x80:  # queries only
            sock.sendto(reply(msg), peer)


if __name__ == "__main__":
    main()
