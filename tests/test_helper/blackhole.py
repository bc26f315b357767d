"""A port that never answers: python3 blackhole.py ADDR PORTFILE [ALSO]

Listens on a free port of ADDR with a backlog of 0, never accepts, and
fills the accept queue with its own connections, so that the kernel
drops every further SYN and a connect there times out.  With ALSO, an
address of the other family, the port is one that is free on ALSO too,
so that a listener can open there later: the kernel picks a port for
ADDR alone, and a connection still open on ALSO may hold it.  Writes the
port to PORTFILE once the queue is full, then sleeps until killed.
"""
import os
import select
import socket
import sys
import time

addr, portfile = sys.argv[1], sys.argv[2]
also = sys.argv[3] if len(sys.argv) > 3 else None


def family_of(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def free_on(address, port):
    probe = socket.socket(family_of(address), socket.SOCK_STREAM)
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((address, port))
        return True
    except OSError:
        return False
    finally:
        probe.close()


family = family_of(addr)
for _ in range(100):
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, 0))
    port = srv.getsockname()[1]
    if also is None or free_on(also, port):
        break
    srv.close()
else:
    sys.exit("blackhole.py: no port free on both %s and %s" % (addr, also))
srv.listen(0)

# connect until one is not answered: the queue is full
clients = []
for _ in range(64):
    c = socket.socket(family, socket.SOCK_STREAM)
    c.setblocking(False)
    try:
        c.connect((addr, port))
    except BlockingIOError:
        pass
    clients.append(c)
    _, writable, _ = select.select([], [c], [], 0.2)
    if not writable:
        break
else:
    sys.exit("blackhole.py: the accept queue never filled")

tmp = portfile + ".tmp"
with open(tmp, "w") as f:
    f.write("%d\n" % port)
os.rename(tmp, portfile)
while True:
    time.sleep(3600)
