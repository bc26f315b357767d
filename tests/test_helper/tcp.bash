# shellcheck shell=bash
# shellcheck disable=SC2034 # PORT, STATUS and the like are for the callers
# Helpers for the TCP tool tests: peers in the background, each bounded
# by timeout(1) and killed by PID in teardown, and ports learnt from the
# peers themselves (port files, their own reports), never fixed.

PEER_PY="$BATS_TEST_DIRNAME/test_helper/peer.py"
BLACKHOLE_PY="$BATS_TEST_DIRNAME/test_helper/blackhole.py"
# Nothing a test starts may outlive it by much, whatever goes wrong.
SPAWN_LIMIT=60
SPAWN_PIDS=()

# spawn CMD...: run CMD in the background (bats must not wait for it: fd 3
# closed; 0<&0 keeps the caller's stdin instead of /dev/null); its PID
# is SPAWN_PID and it is killed in teardown.
spawn() {
	timeout "$SPAWN_LIMIT" "$@" 3>&- 0<&0 &
	SPAWN_PID=$!
	SPAWN_PIDS+=("$SPAWN_PID")
}

# kill_spawned: teardown's end for what spawn started.
kill_spawned() {
	local pid
	for pid in "${SPAWN_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || :
	done
	SPAWN_PIDS=()
}

# wait_file FILE [PID [ERRFILE]]: until FILE is not empty, at most 10 s;
# fails at once if PID (still running otherwise) has exited, quoting
# what it wrote to ERRFILE.
wait_file() {
	local tries=1000
	until [ -s "$1" ]; do
		# it may have written FILE and finished since the test above
		if [ -n "${2-}" ] && ! kill -0 "$2" 2>/dev/null && [ ! -s "$1" ]; then
			fail "$2 exited before writing $1${3+: $(cat "$3")}"
		fi
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "timed out waiting for $1"
		sleep 0.01
	done
}

# wait_match FILE REGEX [PID]: until a line of FILE matches REGEX, at most
# 10 s; MATCH is the first match of the first group (or the whole).
wait_match() {
	local tries=1000 line gone=
	while :; do
		if [ -f "$1" ]; then
			line=$(grep -Em1 -- "$2" "$1") && break
		fi
		# one more look after it is gone: it may have printed and ended
		[ -z "$gone" ] || fail "$3 exited before printing /$2/ to $1"
		if [ -n "${3-}" ] && ! kill -0 "$3" 2>/dev/null; then
			gone=1
			continue
		fi
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "timed out waiting for /$2/ in $1"
		sleep 0.01
	done
	[[ $line =~ $2 ]]
	MATCH=${BASH_REMATCH[1]-${BASH_REMATCH[0]}}
}

# start_listen [ARGS...]: tcp-listen ARGS 0 (or $LISTEN_PORT), on a port
# of its choosing, its stdout in $LOUT and stderr in $LERR; PORT is the
# port, LPID the PID.
start_listen() {
	LOUT="$BATS_TEST_TMPDIR/listen.out"
	LERR="$BATS_TEST_TMPDIR/listen.err"
	rm -f "$BATS_TEST_TMPDIR/listen.port"
	spawn tcp-listen --port-file "$BATS_TEST_TMPDIR/listen.port" "$@" "${LISTEN_PORT:-0}" \
		>"$LOUT" 2>"$LERR"
	LPID=$SPAWN_PID
	wait_file "$BATS_TEST_TMPDIR/listen.port" "$LPID" "$LERR"
	PORT=$(<"$BATS_TEST_TMPDIR/listen.port")
}

# start_peer MODE [ARGS...]: peer.py MODE PORTFILE ARGS; PORT, PEER_PID.
start_peer() {
	local mode=$1 pf="$BATS_TEST_TMPDIR/peer.$1.port"
	shift
	rm -f "$pf"
	spawn python3 "$PEER_PY" "$mode" "$pf" "$@"
	PEER_PID=$SPAWN_PID
	wait_file "$pf" "$PEER_PID"
	PORT=$(<"$pf")
}

# start_blackhole ADDR [ALSO]: a port on ADDR whose accept queue is full,
# so that connects to it time out; BPORT is the port, free on the
# address ALSO too when given, for a listener to open there later.
start_blackhole() {
	local pf="$BATS_TEST_TMPDIR/blackhole.port"
	rm -f "$pf"
	spawn python3 "$BLACKHOLE_PY" "$1" "$pf" ${2+"$2"}
	wait_file "$pf" "$SPAWN_PID"
	BPORT=$(<"$pf")
}

# wait_status PID: waits for PID and sets STATUS to its exit status.
wait_status() {
	STATUS=0
	wait "$1" || STATUS=$?
}

# free_port: a port nothing listens on now (bound to 0 and let go).
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# sha FILE: its SHA-256 alone.
sha() {
	sha256sum <"$1" | cut -d' ' -f1
}

# ms_since START: milliseconds since START (a `date +%s%3N`).
ms_since() {
	echo $(($(date +%s%3N) - $1))
}
