"""python3 hold-port.py tcp|udp ADDR PORT CMD...: CMD, run while a socket
of ours holds ADDR PORT (inherited by CMD, so held as long as it runs),
to make a port taken without a race."""
import os
import socket
import sys

kind, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
held = socket.socket(family, socket.SOCK_STREAM if kind == "tcp"
                     else socket.SOCK_DGRAM)
held.bind((addr, port))
if kind == "tcp":
    held.listen(1)
held.set_inheritable(True)
os.execvp(sys.argv[4], sys.argv[4:])
