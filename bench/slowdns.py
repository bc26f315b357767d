#!/usr/bin/python3
"""slowdns.py ADDRESS DELAY_MS READY_FILE [FILL]: a DNS server that takes its time.

Answers every UDP query on ADDRESS port 53 after DELAY_MS milliseconds, all
queries concurrently: an A question with 192.0.2.1 (a documentation
address, TTL 0), any other question with NOERROR and no answer. With FILL,
the first answers wait until FILL queries are in (1 s at most): a client
with a window of FILL lookups has them all in flight at once, however slow
it starts them. Writes READY_FILE once it listens. For bench/batch.sh and
tests/resolve.bats, inside a private network namespace.
"""
import collections
import select
import socket
import struct
import sys
import time

ANSWER_A = bytes([192, 0, 2, 1])
# Room for a full window of queries arriving at once (512 from resolve -,
# about 1 KiB each with the kernel's overhead): the default drops some,
# and each drop costs the resolver its 5 s retry.
RCVBUF_BYTES = 8 << 20
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)  # Linux's number


def reply(query):
    """The response to one query, or None for a malformed one."""
    if len(query) < 12:
        return None
    qid, flags, qdcount = struct.unpack("!HHH", query[:6])
    if flags & 0x8000 or qdcount != 1:
        return None
    end = 12
    while end < len(query) and query[end] != 0:
        end += 1 + query[end]
    end += 5  # the root label, QTYPE, QCLASS
    if end > len(query):
        return None
    question = query[12:end]
    qtype, qclass = struct.unpack("!HH", question[-4:])
    answers = b""
    if qtype == 1 and qclass == 1:
        answers = struct.pack("!HHHIH", 0xC00C, 1, 1, 0, 4) + ANSWER_A
    # QR, the query's RD, RA; rcode NOERROR
    rflags = 0x8000 | (flags & 0x0100) | 0x0080
    header = struct.pack("!HHHHHH", qid, rflags, 1, 1 if answers else 0,
                         0, 0)
    return header + question + answers


# How long the first answers wait for FILL queries at most.
FILL_WAIT_S = 1.0


def serve(address, delay, ready, fill):
    """Answers each query delay seconds after it came: one delay for all,
    so that the answers due are a queue in the order the queries came.
    The first fill queries' answers are due once the last of them came."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # past net.core.rmem_max: we are root in our namespace
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE,
                        RCVBUF_BYTES)
    except PermissionError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF_BYTES)
    sock.bind((address, 53))
    sock.setblocking(False)
    due = collections.deque()   # (when, response, address)
    with open(ready, "w") as f:
        f.write("ready\n")
    while True:
        wait = max(0, due[0][0] - time.monotonic()) if due else None
        if select.select([sock], [], [], wait)[0]:
            came = time.monotonic()
            # every query queued now: a select each would cost more
            while True:
                try:
                    query, addr = sock.recvfrom(4096)
                except BlockingIOError:
                    break
                resp = reply(query)
                if resp is not None:
                    due.append((came + (FILL_WAIT_S if fill else delay),
                                resp, addr))
            if fill and len(due) >= fill:
                due = collections.deque((came + delay, resp, addr)
                                        for _, resp, addr in due)
                fill = 0
        now = time.monotonic()
        while due and due[0][0] <= now:
            fill = 0    # FILL_WAIT_S passed: the rest as they come
            _, resp, addr = due.popleft()
            try:
                sock.sendto(resp, addr)
            except OSError:
                pass    # lost, as a datagram may be: the resolver asks again


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: slowdns.py ADDRESS DELAY_MS READY_FILE [FILL]")
    serve(sys.argv[1], float(sys.argv[2]) / 1e3, sys.argv[3],
          int(sys.argv[4]) if len(sys.argv) == 5 else 0)


if __name__ == "__main__":
    main()
