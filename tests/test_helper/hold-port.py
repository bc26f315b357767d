"""unshare -n python3 hold-port.py tcp|udp ADDR CMD...: in the new network
namespace, brings up lo, leaves PORT (40000) as the only ephemeral port,
holds ADDR PORT with a socket of ours and runs CMD, which inherits the
socket: the port stays taken as long as CMD runs, without a race."""
import os
import socket
import subprocess
import sys

PORT = 40000

kind, addr = sys.argv[1], sys.argv[2]
subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
with open("/proc/sys/net/ipv4/ip_local_port_range", "w") as f:
    f.write("%d %d\n" % (PORT, PORT))
family = socket.AF_INET6 if ":" in addr else socket.AF_INET
held = socket.socket(family, socket.SOCK_STREAM if kind == "tcp"
                     else socket.SOCK_DGRAM)
held.bind((addr, PORT))
if kind == "tcp":
    held.listen(1)
held.set_inheritable(True)
os.execvp(sys.argv[3], sys.argv[3:])
