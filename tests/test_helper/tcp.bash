# shellcheck shell=bash
# shellcheck disable=SC2034 # PORT, STATUS and the like are for the callers
# Helpers for the TCP tool tests: tcp-listen and Python peers started
# through spawn, on ports they report (test_helper/background.bash).

# shellcheck source=tests/test_helper/background.bash
source "${BASH_SOURCE[0]%/*}/background.bash"

# a file's random bytes for its big transfers (random_file in its setup_file)
RANDOM_FILE="$BATS_FILE_TMPDIR/random"
PEER_PY="$BATS_TEST_DIRNAME/test_helper/peer.py"
BLACKHOLE_PY="$BATS_TEST_DIRNAME/test_helper/blackhole.py"

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

# assert_same_bytes FILE WANT: FILE holds WANT's bytes, else a failure
# that says where they part (cmp(1): no hashing of each 64 MiB twice).
assert_same_bytes() {
	local why
	why=$(cmp -- "$2" "$1" 2>&1) || fail "$1 is not $2: $why"
}

# ms_since START: milliseconds since START (a `date +%s%3N`).
ms_since() {
	echo $(($(date +%s%3N) - $1))
}
