#!/usr/bin/env python3
"""closed-pipe.py CMD...: runs CMD with stdout a pipe whose reader has
gone (as head's, once it has read enough), SIGPIPE as a shell leaves it
(ignored with SIGPIPE_IGNORED=1), and exits as a shell reports CMD:
128 + N when signal N ended it."""
import os
import subprocess
import sys

r, w = os.pipe()
os.close(r)
keep_ignored = os.environ.get("SIGPIPE_IGNORED") == "1"
rc = subprocess.run(sys.argv[1:], stdout=w, timeout=20,
                    restore_signals=not keep_ignored).returncode
sys.exit(128 - rc if rc < 0 else rc)
