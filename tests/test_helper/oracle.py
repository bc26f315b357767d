"""What Python's socket module answers, printed the way sockutils prints it.

usage: oracle.py FUNCTION ARG...
       oracle.py --as TOOL [--named] FUNCTION <ARGS
For each ARG prints one record ended by a NUL byte: the status the suite
maps the answer to (0, or 68 not found, 75 temporary), a space and the
answer (empty for a failure), so that a test can compare both with the
tool's for many ARGs from one python process.  With --as, for each line
of stdin what TOOL - prints: the answer on stdout (with --named, each of
its lines after the ARG and a space), or "TOOL: ARG: error" on stderr.
"""
import json
import socket
import sys

GAI_STATUS = {socket.EAI_NONAME: 68, socket.EAI_NODATA: 68,
              socket.EAI_ADDRFAMILY: 68,
              socket.EAI_AGAIN: 75, socket.EAI_FAIL: 75}
# h_errno: HOST_NOT_FOUND, TRY_AGAIN, NO_RECOVERY, NO_DATA
H_STATUS = {1: 68, 2: 75, 3: 75, 4: 68}


def addresses(name, family):
    seen = []
    for ai in socket.getaddrinfo(name, None, family, socket.SOCK_STREAM):
        if ai[4][0] not in seen:
            seen.append(ai[4][0])
    return seen


def ex_text(triple):
    name, aliases, addrs = triple
    return "\n".join(["name " + name] + ["alias " + a for a in aliases] +
                     ["address " + a for a in addrs])


def triple_json(triple):
    name, aliases, addrs = triple
    return json.dumps({"name": name, "aliases": aliases,
                       "addresses": addrs}, separators=(",", ":"),
                      ensure_ascii=False)


FUNCTIONS = {
    "gethostbyname": socket.gethostbyname,
    "first6": lambda n: addresses(n, socket.AF_INET6)[0],
    "all4": lambda n: "\n".join(addresses(n, socket.AF_INET)),
    "all6": lambda n: "\n".join(addresses(n, socket.AF_INET6)),
    "all": lambda n: "\n".join(addresses(n, socket.AF_UNSPEC)),
    "gethostbyname_ex": lambda n: ex_text(socket.gethostbyname_ex(n)),
    "gethostbyaddr": lambda a: socket.gethostbyaddr(a)[0],
    "gethostbyaddr_json": lambda a: triple_json(socket.gethostbyaddr(a)),
    "getservbyname": lambda s: socket.getservbyname(s),
    "getservbyport": lambda p: socket.getservbyport(int(p)),
}


def answer(function, arg):
    """The status and the answer of FUNCTIONS[function](arg)."""
    try:
        return 0, str(FUNCTIONS[function](arg))
    except socket.gaierror as e:
        return GAI_STATUS.get(e.errno, 71), ""
    except socket.herror as e:
        return H_STATUS.get(e.errno, 71), ""
    except OSError:
        return 68, ""   # getserv*: not found


def as_tool(tool, named, function):
    """What TOOL - prints for each ARG of stdin."""
    for arg in sys.stdin.read().split():
        try:
            text = str(FUNCTIONS[function](arg))
        except (socket.gaierror, socket.herror) as e:
            print("%s: %s: %s" % (tool, arg, e.strerror), file=sys.stderr)
            continue
        for line in text.split("\n"):
            print(arg + " " + line if named else line)


def main():
    if sys.argv[1] == "--as":
        named = sys.argv[3] == "--named"
        as_tool(sys.argv[2], named, sys.argv[-1])
        return
    function = sys.argv[1]
    for arg in sys.argv[2:]:
        status, text = answer(function, arg)
        sys.stdout.write("%d %s\0" % (status, text))


main()
