#!/usr/bin/env python3
"""A DNS server that loses queries: a UDP proxy for the tests and bench/.

Usage: lossydns.py ADDRESS UPSTREAM DROP_PERCENT READY_FILE
Listens on ADDRESS port 53 and passes each query on to UPSTREAM port 53
(the tests' dnsmasq: 127.0.0.1) and its answer back, but drops
DROP_PERCENT of the queries, chosen at random, as a server that cannot
keep up with a burst does, saying so on stdout. Writes READY_FILE once
it listens. Each query
goes upstream from a socket of its own, so that concurrent queries with
the same ID never mix; one without an answer is forgotten after 10 s.
Inside a private network namespace (tests/hermetic/enter).
"""
import random
import resource
import selectors
import socket
import sys
import time

# Room for a full window of queries arriving at once: the share dropped
# is the one asked for, not what the kernel's default buffer loses too.
RCVBUF_BYTES = 8 << 20
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)  # Linux's number
FORGET_S = 10


def listener(address):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        # past net.core.rmem_max: we are root in our namespace
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF_BYTES)
    except PermissionError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF_BYTES)
    sock.bind((address, 53))
    return sock


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: lossydns.py ADDRESS UPSTREAM DROP_PERCENT READY_FILE")
    address, upstream = sys.argv[1], (sys.argv[2], 53)
    drop = float(sys.argv[3]) / 100
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sock = listener(address)
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_READ, None)
    with open(sys.argv[4], "w") as f:
        f.write("ready\n")
    while True:
        for key, _ in sel.select(1):
            if key.data is None:
                query, client = sock.recvfrom(65535)
                if random.random() < drop:
                    print("dropped a query", flush=True)
                    continue
                up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                up.connect(upstream)
                up.send(query)
                sel.register(up, selectors.EVENT_READ,
                             (client, time.monotonic()))
            else:
                up = key.fileobj
                try:
                    sock.sendto(up.recv(65535), key.data[0])
                except OSError:
                    pass
                sel.unregister(up)
                up.close()
        now = time.monotonic()
        for key in list(sel.get_map().values()):
            if key.data is not None and now - key.data[1] > FORGET_S:
                sel.unregister(key.fileobj)
                key.fileobj.close()


if __name__ == "__main__":
    main()
