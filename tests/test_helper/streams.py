"""Checks what tcp-listen wrote for many peers at once:
python3 streams.py MODE FILE ARGS...

  lines FILE N LINES     FILE holds the lines of clients.py lines: every
                         line whole ("peer I line J"), each peer's LINES
                         lines there once, in order
  json FILE              FILE holds tcp-listen -j objects: prints
                         "PORT SHA256" for each peer's bytes reassembled,
                         checking that each open comes before its data and
                         each close counts the bytes that came between
  split FILE DIR         FILE holds tcp-listen -j objects, maybe cut short
                         by a signal: each peer's bytes go to DIR/PORT
"""
import base64
import hashlib
import json
import re
import sys


def check_lines(path, n, count):
    nxt = [0] * n
    with open(path, "rb") as f:
        for number, line in enumerate(f, 1):
            m = re.fullmatch(rb"peer (\d+) line (\d+)\n", line)
            if not m:
                sys.exit("line %d is broken: %r" % (number, line[:80]))
            i, j = int(m.group(1)), int(m.group(2))
            if j != nxt[i]:
                sys.exit("line %d: peer %d line %d, expected line %d"
                         % (number, i, j, nxt[i]))
            nxt[i] += 1
    short = [i for i in range(n) if nxt[i] != count]
    if short:
        sys.exit("peers with lines missing: %r" % short[:10])


def check_json(path):
    open_peers, hashes, out = {}, {}, []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            o = json.loads(line)
            peer = (o["address"], o["port"])
            event = o.get("event")
            if event == "open":
                if peer in open_peers:
                    sys.exit("line %d: %r opened twice" % (number, peer))
                open_peers[peer] = 0
                hashes[peer] = hashlib.sha256()
            elif event == "close":
                if open_peers.pop(peer, None) != o["received"]:
                    sys.exit("line %d: close of %r counts %d" %
                             (number, peer, o["received"]))
                out.append("%d %s" % (peer[1], hashes[peer].hexdigest()))
            else:
                if peer not in open_peers:
                    sys.exit("line %d: data of %r not open" % (number, peer))
                data = (o["data"].encode() if "data" in o
                        else base64.b64decode(o["base64"]))
                if len(data) != o["length"]:
                    sys.exit("line %d: length %d, %d bytes" %
                             (number, o["length"], len(data)))
                open_peers[peer] += len(data)
                hashes[peer].update(data)
    if open_peers:
        sys.exit("never closed: %r" % list(open_peers))
    print("\n".join(sorted(out)))


def split(path, directory):
    with open(path) as f:
        for line in f:
            o = json.loads(line)
            if "event" in o:
                continue
            data = (o["data"].encode() if "data" in o
                    else base64.b64decode(o["base64"]))
            with open("%s/%d" % (directory, o["port"]), "ab") as out:
                out.write(data)


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "lines":
        check_lines(path, int(sys.argv[3]), int(sys.argv[4]))
    elif mode == "json":
        check_json(path)
    elif mode == "split":
        split(path, sys.argv[3])
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
