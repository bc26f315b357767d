# shellcheck shell=bash
# bench/lib.sh: what the figures share. Sourced by bench/run, which sets
#   BENCH_DIR    this directory
#   BENCH_TOOLS  the directory of our built tools (build-bench/tools)
#   BENCH_STATIC the static build (build-static: sockutils, tools/ links)
#   BENCH_BIN    the directory of the built helpers (build-bench/bench)
#   BENCH_TMP    scratch space on a tmpfs, removed at exit
#   BENCH_DATA   the results file (TSV) that render.py turns into markdown
#   QUICK        1 for --quick (small sizes, few runs), else 0
#   BIG          the size of the large transfers, in bytes
#   LIMIT        seconds that any one transfer may take
#   PYTHON       the python3 to measure and to run the helpers with

say() { printf 'bench: %s\n' "$*" >&2; }

# --- processes -------------------------------------------------------------

# Every background process is started by bg_start, under timeout(1): it is
# bounded in time, and a TERM to it reaches its whole process group.
BG_PIDS=()
BG_PID=

# bg_start SECONDS CMD...: starts CMD in the background (the caller's
# redirections apply), sets BG_PID.
bg_start() {
	local limit=$1
	shift
	timeout -k 2 "$limit" "$@" &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# bg_stop PID: ends a background process and reaps it; returns its status.
bg_stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# Kills whatever is still running; for the EXIT trap.
bg_stop_all() {
	local pid
	for pid in "${BG_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	BG_PIDS=()
}

# bounded SECONDS CMD...: runs CMD in the foreground, killed after SECONDS.
bounded() {
	local limit=$1
	shift
	timeout -k 2 "$limit" "$@"
}

# --- ports and readiness ---------------------------------------------------

# Prints a port that was free a moment ago: bound to 0, then closed.
free_port() {
	"$PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# wait_listening PORT [TRIES]: polls ss every 10 ms until something listens
# on TCP PORT (never connects: that would use up a one-shot listener).
wait_listening() {
	local port=$1 tries=${2:-500}
	while [ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.01
	done
}

# wait_port_file FILE [TRIES]: polls every 10 ms until FILE holds a port,
# then prints it.
wait_port_file() {
	local file=$1 tries=${2:-500} port=
	while :; do
		if [ -s "$file" ]; then
			read -r port <"$file"
			[ -n "$port" ] && break
		fi
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.01
	done
	printf '%s\n' "$port"
}

# server_up [PORT_FILE]: the server bg_start just started becomes SPID;
# PORT is read from PORT_FILE, or without one is the PORT something now
# listens on.  Returns 1 with WHY set, the server stopped, if it never
# comes up.
# shellcheck disable=SC2034 # WHY, SPID and PORT are for the caller
server_up() {
	SPID=$BG_PID
	if [ $# -gt 0 ]; then
		PORT=$(wait_port_file "$1") && return 0
	else
		wait_listening "$PORT" && return 0
	fi
	WHY="server did not come up"
	bg_stop "$SPID"
	return 1
}

# --- our tools -------------------------------------------------------------

# have_ours TOOL...: are all these tools built?
have_ours() {
	local t
	for t in "$@"; do
		[ -x "$BENCH_TOOLS/$t" ] || return 1
	done
}

# --- many connections -------------------------------------------------------

# conn_samples [--tls] SERVER CLIENTS COUNT RUNS TOOL...: RUNS
# interleaved runs of bench/connrate [--tls] COUNT CLIENTS against each
# TOOL's server as the function SERVER starts it (setting SPID and PORT,
# or WHY), gathered as samples.
conn_samples() {
	local -a tls=()
	if [ "$1" = --tls ]; then
		tls=(--tls)
		shift
	fi
	local server=$1 clients=$2 count=$3 n=$4 i tool v
	shift 4
	for ((i = 1; i <= n; i++)); do
		say "  run $i of $n"
		for tool; do
			measuring "$tool" || continue
			if ! "$server" "$tool"; then
				fail "$tool" "$WHY"
				continue
			fi
			# shellcheck disable=SC2153 # LIMIT: set by bench/run
			if v=$(bounded "$LIMIT" "$BENCH_BIN/connrate" "${tls[@]}" \
				127.0.0.1 "$PORT" "$count" "$clients" 2>&1); then
				sample "$tool" "$v"
			else
				fail "$tool" "$v"
			fi
			bg_stop "$SPID"
		done
	done
}

# How many connections connmem_peak holds open.
CONNMEM_OPEN=100

# held_read PORT: every connection the server on PORT took has had all
# it was sent read (its receive queue is empty).
held_read() {
	[ "$(ss -Htn state established "sport = :$1" | awk '$1 != 0' | wc -l)" = 0 ]
}

# connmem_peak SERVER TOOL [CA]: the peak RSS (KiB) of TOOL's server, as
# the function SERVER starts it, while CONNMEM_OPEN connections each sent
# it an unfinished line as long as tcp-listen keeps whole (over TLS, the
# server's certificate verified against CA, if given); or why not,
# returning 1.
connmem_peak() {
	local server=$1 tool=$2 ca=${3-} ready="$BENCH_TMP/held.ready" pid tries=1000 peak
	"$server" "$tool" || { echo "$WHY"; return 1; }
	rm -f "$ready"
	bg_start "$((LIMIT + 10))" "$PYTHON" -c 'import os, socket, ssl, sys, time
port, count, ready, ca = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
if ca:
    tls = ssl.create_default_context(cafile=ca)
    socks = [tls.wrap_socket(s, server_hostname="localhost") for s in socks]
for s in socks:
    s.sendall(b"x" * (32 * 1024 - 1))
open(ready + ".tmp", "w").close()
os.rename(ready + ".tmp", ready)
time.sleep(3600)' "$PORT" "$CONNMEM_OPEN" "$ready" "$ca"
	local hold=$BG_PID
	until [ -e "$ready" ] && held_read "$PORT"; do
		tries=$((tries - 1))
		if [ "$tries" -le 0 ]; then
			bg_stop "$hold"; bg_stop "$SPID"
			echo "the connections were never all read"
			return 1
		fi
		sleep 0.01
	done
	pid=$(pgrep -P "$SPID" | head -n 1)
	peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	bg_stop "$hold"
	bg_stop "$SPID"
	[ -n "$peak" ] || { echo "no peak read"; return 1; }
	echo "$peak"
}

# connmem_samples RUNS SERVER CA TOOL...: RUNS interleaved connmem_peak
# samples of each TOOL's server as the function SERVER starts it (CA:
# empty for plain TCP).
connmem_samples() {
	local n=$1 server=$2 ca=$3 i tool v
	shift 3
	for ((i = 1; i <= n; i++)); do
		for tool; do
			measuring "$tool" || continue
			if v=$(connmem_peak "$server" "$tool" "$ca"); then
				sample "$tool" "$v"
			else
				fail "$tool" "$v"
			fi
		done
	done
}

# --- timing and arithmetic -------------------------------------------------

# Microseconds since the epoch, without a fork: t=${EPOCHREALTIME/./}.

# rate BYTES MICROSECONDS: prints MiB/s.
rate() {
	awk -v b="$1" -v us="$2" 'BEGIN { printf "%.1f\n", b / us * 1e6 / 1048576 }'
}

# millis MICROSECONDS: prints milliseconds; seconds MICROSECONDS: seconds.
millis() { awk -v us="$1" 'BEGIN { printf "%.2f\n", us / 1e3 }'; }
seconds() { awk -v us="$1" 'BEGIN { printf "%.3f\n", us / 1e6 }'; }

# size_label BYTES: "1 GiB", "64 MiB", "1 MiB".
size_label() {
	awk -v b="$1" 'BEGIN {
		if (b >= 1073741824 && b % 1073741824 == 0) printf "%d GiB\n", b / 1073741824
		else printf "%d MiB\n", b / 1048576
	}'
}

# thousands N: 10000 as "10,000".
thousands() { printf '%s\n' "$1" | sed -e :a -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/;ta'; }

# make_file PATH BYTES: random bytes (nothing a link could compress).
make_file() {
	[ -f "$1" ] && [ "$(stat -c %s "$1")" = "$2" ] && return 0
	head -c "$2" /dev/urandom >"$1"
}

# --- results ---------------------------------------------------------------
# BENCH_DATA holds tab-separated records:
#   M  KEY  VALUE                                 about the machine and run
#   F  ID  TITLE  UNIT  BETTER  HOW               a figure (BETTER: higher|lower)
#   R  ID  CASE  TOOL  ROLE  TARGET  STATUS  NOTE  SAMPLES
# ROLE is ours, anchor or ceiling; STATUS ok, na (could not be run: NOTE
# says why) or failed; TARGET is empty or conditions joined by "&":
# ratio>=X, ratio<=X (ratio = ours / this row), value<=X, value>=X, or
# same:CASE (within 256 of ours in CASE). SAMPLES: space-separated.

meta() { printf 'M\t%s\t%s\n' "$1" "$2" >>"$BENCH_DATA"; }

# figure ID TITLE UNIT BETTER HOW
figure() {
	printf 'F\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$BENCH_DATA"
	say "$2"
}

# row ID CASE TOOL ROLE TARGET STATUS NOTE SAMPLES
row() {
	local -a f=()
	local a
	for a in "$@"; do
		a=${a//$'\t'/ }
		f+=("${a//$'\n'/ }")
	done
	printf 'R\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${f[@]}" >>"$BENCH_DATA"
}

# Samples and failures of the tools of one case, gathered across the
# interleaved runs: sample KEY VALUE, fail KEY WHY, then emit.
declare -A SAMPLES=() FAILED=()

reset_samples() { SAMPLES=(); FAILED=(); }

sample() { SAMPLES[$1]="${SAMPLES[$1]-}${SAMPLES[$1]:+ }$2"; }

fail() {
	[ -n "${FAILED[$1]-}" ] || FAILED[$1]=$2
	say "  $1: $2"
}

# skip KEY WHY: KEY cannot be measured here (a tool not built, ...).
skip() { FAILED[$1]="na:$2"; }

# copy_failure FROM TO: whatever kept FROM from being measured, for TO too.
copy_failure() { [ -z "${FAILED[$1]-}" ] || FAILED[$2]=${FAILED[$1]}; }

# Is KEY still to be measured?
measuring() { [ -z "${FAILED[$1]-}" ]; }

# emit ID CASE KEY TOOL ROLE TARGET: one row from what was gathered for KEY.
emit() {
	local id=$1 case=$2 key=$3 tool=$4 role=$5 target=$6
	local why=${FAILED[$key]-}
	if [ "${why#na:}" != "$why" ]; then
		row "$id" "$case" "$tool" "$role" "$target" na "${why#na:}" ""
	elif [ -n "$why" ]; then
		row "$id" "$case" "$tool" "$role" "$target" failed "$why" \
			"${SAMPLES[$key]-}"
	else
		row "$id" "$case" "$tool" "$role" "$target" ok "" \
			"${SAMPLES[$key]-}"
	fi
}

# runs FULL QUICK: the number of runs for this mode.
runs() {
	if [ "$QUICK" = 1 ]; then echo "$2"; else echo "$1"; fi
}
