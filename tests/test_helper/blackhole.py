"""A port that never answers: python3 blackhole.py ADDR PORT PORTFILE

Listens on ADDR PORT (0: any free port) with a backlog of 0, never
accepts, and fills the accept queue with its own connections, so that
the kernel drops every further SYN and a connect there times out.  Writes
the port to PORTFILE once that is so, then sleeps until killed.
"""
import os
import select
import socket
import sys
import time

addr, port, portfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
srv = socket.socket(family, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((addr, port))
srv.listen(0)
port = srv.getsockname()[1]

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
