# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are for the tests
# Helpers for the UDP tools' tests: listeners and Python peers in the
# background on free loopback ports, learned from their port files,
# and bounded waits.  Load after common-setup; call stop_background
# from teardown.

UDPPEER="$BATS_TEST_DIRNAME/test_helper/udppeer.py"
BACKGROUND=()

# wait_for_file FILE [PID]: waits (10 s at most) until FILE is not
# empty; fails at once if process PID exits first.
wait_for_file() {
	local file=$1 pid=${2-} i
	for ((i = 0; i < 200; i++)); do
		[ -s "$file" ] && return 0
		# it may have written the file and ended since the test above
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && [ ! -s "$file" ]; then
			fail "process $pid exited before writing $file"
		fi
		sleep 0.05
	done
	fail "timed out waiting for $file"
}

# wait_for_lines FILE N: waits (10 s at most) until FILE has N lines.
wait_for_lines() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	fail "timed out waiting for $2 lines in $1"
}

# listen_bg [OPTION...]: udp-listen OPTIONS on a free port in the
# background, stdout into $OUT, stderr into $ERR; sets LPID and PORT.
# Give it -t, -c or kill it: listen_wait waits for it to end.
listen_bg() {
	local pf="$BATS_TEST_TMPDIR/listen.port"
	OUT="$BATS_TEST_TMPDIR/listen.out"
	ERR="$BATS_TEST_TMPDIR/listen.err"
	rm -f "$pf"
	udp-listen --port-file "$pf" "$@" 0 >"$OUT" 2>"$ERR" 3>&- &
	LPID=$!
	BACKGROUND+=("$LPID")
	wait_for_file "$pf" "$LPID"
	PORT=$(<"$pf")
}

# listen_wait: waits for the listen_bg listener; its status in LSTATUS.
listen_wait() {
	LSTATUS=0
	wait "$LPID" || LSTATUS=$?
}

# peer_bg recv|echo 4|6: a Python peer that receives one datagram into
# $PEER_OUT (sender "ADDR PORT" in $PEER_OUT.from), and with echo sends
# it back; sets PEER_PID and PEER_PORT.
peer_bg() {
	local pf="$BATS_TEST_TMPDIR/peer.port"
	PEER_OUT="$BATS_TEST_TMPDIR/peer.out"
	rm -f "$pf" "$PEER_OUT"
	python3 "$UDPPEER" "$1" "$2" "$pf" "$PEER_OUT" 3>&- &
	PEER_PID=$!
	BACKGROUND+=("$PEER_PID")
	wait_for_file "$pf" "$PEER_PID"
	PEER_PORT=$(<"$pf")
}

# peer_wait: waits for the peer_bg peer; fails unless it exited 0.
peer_wait() {
	wait "$PEER_PID" || fail "python peer exited $?"
}

# free_port 4|6: a loopback port nothing listens on.
free_port() {
	python3 "$UDPPEER" freeport "$1"
}

# bytes FILE N [SEED]: N bytes of every value into FILE, reproducibly.
bytes() {
	python3 -c 'import random, sys
r = random.Random(int(sys.argv[3]))
open(sys.argv[1], "wb").write(bytes(r.randrange(256) for _ in range(int(sys.argv[2]))))' \
		"$1" "$2" "${3-1}"
}

stop_background() {
	local pid
	for pid in "${BACKGROUND[@]}"; do
		kill "$pid" 2>/dev/null || :
	done
	for pid in "${BACKGROUND[@]}"; do
		wait "$pid" 2>/dev/null || :
	done
	BACKGROUND=()
}

# wait_for_udp_port PORT: waits (10 s at most) until a UDP socket is
# bound to PORT, for peers that cannot tell their port (socat).
wait_for_udp_port() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -n "$(ss -Hunl "sport = :$1")" ] && return 0
		sleep 0.05
	done
	fail "timed out waiting for a UDP socket on port $1"
}

# wait_for_size FILE BYTES: waits (10 s at most) until FILE has BYTES bytes.
wait_for_size() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -f "$1" ] && [ "$(wc -c <"$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	fail "timed out waiting for $2 bytes in $1"
}
