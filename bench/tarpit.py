"""Half of a port range silent: python3 tarpit.py ADDR COUNT PORTFILE

Finds COUNT consecutive ports of ADDR below the ephemeral range where
every other one (the first, the third, ...) can be made silent as
tests/test_helper/blackhole.py does (a listener with a backlog of 0
whose accept queue its own connections fill, so the kernel drops every
further SYN) and the rest refuse.  Writes
"LO-HI" to PORTFILE once every silent port is checked silent, then
sleeps until killed.
"""
import errno
import os
import resource
import select
import socket
import sys
import time

addr, count, portfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
EPHEMERAL_FIRST = 32768  # Linux's ip_local_port_range starts here
FIRST_BASE = 10000       # well below it
FILLERS = 3              # connections per listener: the queue holds one

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def refused(port):
    s = socket.socket(family, socket.SOCK_STREAM)
    try:
        return s.connect_ex((addr, port)) == errno.ECONNREFUSED
    finally:
        s.close()


def silence(port):
    """A listener on port whose queue its own connections fill, or None."""
    srv = socket.socket(family, socket.SOCK_STREAM)
    try:
        srv.bind((addr, port))
    except OSError:
        srv.close()
        return None
    srv.listen(0)
    for _ in range(FILLERS):
        c = socket.socket(family, socket.SOCK_STREAM)
        c.setblocking(False)
        c.connect_ex((addr, port))  # in progress: answered or not, seen below
        fillers.append((port, c))
    return srv


listeners, fillers = [], []
base = FIRST_BASE
while True:
    if base + count > EPHEMERAL_FIRST:
        sys.exit("tarpit.py: no %d free ports in a row on %s" % (count, addr))
    listeners = [silence(p) for p in range(base, base + count, 2)]
    if all(listeners) and all(refused(p)
                              for p in range(base + 1, base + count, 2)):
        break
    for srv in listeners:
        if srv is not None:
            srv.close()
    for _, c in fillers:
        c.close()
    fillers = []
    base += count

# a queue is full when one of its port's connections is left unanswered
# (poll, not select: there are more descriptors than select takes)
time.sleep(0.2)
poller = select.poll()
for _, c in fillers:
    poller.register(c, select.POLLOUT)
writable = {fd for fd, _ in poller.poll(0)}
answered = {}
for port, c in fillers:
    answered.setdefault(port, 0)
    if c.fileno() in writable:
        answered[port] += 1
full = [p for p, n in answered.items() if n < FILLERS]
if len(full) != len(listeners):
    sys.exit("tarpit.py: %d of %d accept queues did not fill"
             % (len(listeners) - len(full), len(listeners)))

tmp = portfile + ".tmp"
with open(tmp, "w") as f:
    f.write("%d-%d\n" % (base, base + count - 1))
os.rename(tmp, portfile)
while True:
    time.sleep(3600)
