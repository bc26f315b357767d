"""Runs a command whose stdout is a non-blocking pipe, read late.

usage: nonblocking_stdout.py OUTFILE CMD [ARGS...]
The write end of the pipe is O_NONBLOCK, as some programs (Node.js, for
one) leave the pipes they hand on, and nothing reads it for the first
half second, so the command finds it full.  What arrives goes to
OUTFILE; the exit status is the command's.
"""
import fcntl
import os
import subprocess
import sys
import time

outfile, cmd = sys.argv[1], sys.argv[2:]
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
child = subprocess.Popen(cmd, stdout=w)
os.close(w)
time.sleep(0.5)
with open(outfile, "wb") as out:
    while data := os.read(r, 65536):
        out.write(data)
sys.exit(child.wait())
