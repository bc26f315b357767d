"""TCP peers the tests did not write in C: python3 peer.py MODE ARGS...

  echo PORTFILE [ADDR]       echo every connection until it half-closes,
                             then close; serve connections until killed
  sink PORTFILE OUT [ADDR]   write one connection's bytes to OUT, then exit
  send PORT IN [ADDR]        send the file IN to PORT, half-close, and read
                             until the peer closes
  reset PORTFILE [N]         read N bytes (default 1) of one connection,
                             then close it with a reset (SO_LINGER 0)
  answer PORTFILE DATA       send DATA at once, then read until the peer
                             half-closes; exit
  count PORTFILE             read one connection until it half-closes,
                             then answer "got N bytes" and close
  stall PORTFILE             accept one connection and never read it
  full PORTFILE              accept one connection with a 2 KiB receive
                             buffer and never read it: what does not fit
                             is never acknowledged
  hold PORTFILE              read one connection until it half-closes,
                             then keep it open, silent, until killed
  rstclient PORT DATA        connect, send DATA, then reset the connection
  stream PORTFILE            accept one connection and send it the pattern
                             until it goes
  streamto PORT              connect and send the pattern until the peer goes
  prefix FILE                exit 0 if FILE holds the start of the pattern
  burst PORT N               connect N clients at once, then each sends the
                             line "client I" and 4 KiB, and closes

A listener binds ADDR (default 127.0.0.1) port 0 and writes its port to
PORTFILE (renamed into place) once it listens.
"""
import os
import random
import socket
import string
import struct
import sys
import time


def listener(portfile, addr="127.0.0.1", rcvbuf=None):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    srv = socket.socket(family, socket.SOCK_STREAM)
    if rcvbuf is not None:  # before listen: accepted sockets inherit it
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    srv.bind((addr, 0))
    srv.listen(16)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(tmp, portfile)
    return srv


def echo(portfile, addr="127.0.0.1"):
    srv = listener(portfile, addr)
    while True:
        conn, _ = srv.accept()
        with conn:
            try:
                while True:
                    data = conn.recv(1 << 17)
                    if not data:
                        break
                    conn.sendall(data)
            except OSError:
                pass    # a client that stopped reading: the next one


def count(portfile):
    srv = listener(portfile)
    conn, _ = srv.accept()
    with conn:
        n = 0
        while True:
            data = conn.recv(1 << 17)
            if not data:
                break
            n += len(data)
        conn.sendall(b"got %d bytes\n" % n)


def stall(portfile, rcvbuf=None):
    srv = listener(portfile, rcvbuf=rcvbuf)
    conn, _ = srv.accept()
    while True:
        time.sleep(3600)


def full(portfile):
    stall(portfile, 2048)


def sink(portfile, out, addr="127.0.0.1"):
    srv = listener(portfile, addr)
    conn, _ = srv.accept()
    with conn, open(out, "wb") as f:
        while True:
            data = conn.recv(1 << 17)
            if not data:
                break
            f.write(data)


def send(port, infile, addr="127.0.0.1"):
    with socket.create_connection((addr, int(port))) as s, \
            open(infile, "rb") as f:
        s.sendfile(f)
        s.shutdown(socket.SHUT_WR)
        while s.recv(1 << 16):
            pass


def reset(portfile, n="1"):
    srv = listener(portfile)
    conn, _ = srv.accept()
    got = 0
    while got < int(n):
        data = conn.recv(int(n) - got)
        if not data:
            break
        got += len(data)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                    struct.pack("ii", 1, 0))
    conn.close()


def answer(portfile, data):
    srv = listener(portfile)
    conn, _ = srv.accept()
    with conn:
        conn.sendall(data.encode())
        while conn.recv(1 << 16):
            pass


def hold(portfile):
    srv = listener(portfile)
    conn, _ = srv.accept()
    while conn.recv(1 << 16):
        pass
    while True:
        time.sleep(3600)


def rstclient(port, data):
    s = socket.create_connection(("127.0.0.1", int(port)))
    s.sendall(data.encode())
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def pattern_block():
    """What stream sends again and again: printable, so that escaping
    leaves it as it is, and a prime length, so that no gap lines up."""
    rnd = random.Random(5)
    alphabet = (string.ascii_letters + string.digits).encode()
    return bytes(rnd.choice(alphabet) for _ in range(65521))


def send_pattern(sock):
    block = pattern_block()
    try:
        while True:
            sock.sendall(block)
    except OSError:
        pass    # the peer went: what it read is all that counts


def stream(portfile):
    srv = listener(portfile)
    conn, _ = srv.accept()
    send_pattern(conn)


def streamto(port):
    send_pattern(socket.create_connection(("127.0.0.1", int(port))))


def prefix(path):
    # a megabyte of whole blocks at a time: the file may hold hundreds
    chunk = pattern_block() * 16
    with open(path, "rb") as f:
        while True:
            data = f.read(len(chunk))
            if data != chunk[:len(data)]:
                sys.exit("%s: not the start of the pattern" % path)
            if len(data) < len(chunk):
                return


def burst(port, n):
    clients = [socket.create_connection(("127.0.0.1", int(port)))
               for _ in range(int(n))]
    for i, c in enumerate(clients):
        c.sendall(b"client %d %s\n" % (i, b"x" * 4096))
        c.close()


MODES = {"echo": echo, "count": count, "stall": stall, "full": full,
         "sink": sink,
         "send": send, "reset": reset, "answer": answer, "hold": hold,
         "rstclient": rstclient, "stream": stream, "streamto": streamto,
         "prefix": prefix, "burst": burst}

if __name__ == "__main__":
    MODES[sys.argv[1]](*sys.argv[2:])
