"""Half of a port range silent: python3 tarpit.py ADDR COUNT PORTFILE

Finds COUNT consecutive ports of ADDR, all free, below the ephemeral
range; makes every other one (the first, the third, ...) silent as
tests/test_helper/blackhole.py does (a listener with a backlog of 0
whose accept queue its own connections fill, so the kernel drops every
further SYN) and leaves the rest unbound, so that they refuse.  Writes
"LO-HI" to PORTFILE once every silent port is checked silent, then
sleeps until killed.
"""
import os
import resource
import select
import socket
import sys
import time

addr, count, portfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
FIRST_BASE = 10000       # below any ephemeral range (32768 up by default)
FILLERS = 3              # connections per listener: the queue holds one

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def bindable(port):
    s = socket.socket(family, socket.SOCK_STREAM)
    try:
        s.bind((addr, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


base = FIRST_BASE
while not all(bindable(p) for p in range(base, base + count)):
    base += count
    if base + count > 32768:
        sys.exit("tarpit.py: no %d free ports in a row on %s" % (count, addr))

listeners, fillers = [], []
for port in range(base, base + count, 2):
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.bind((addr, port))
    srv.listen(0)
    listeners.append(srv)
    for _ in range(FILLERS):
        c = socket.socket(family, socket.SOCK_STREAM)
        c.setblocking(False)
        try:
            c.connect((addr, port))
        except BlockingIOError:
            pass
        fillers.append((port, c))

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
