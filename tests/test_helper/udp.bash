# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are for the tests
# Helpers for the UDP tools' tests: udp-listen and Python peers started
# through spawn, on ports they report (test_helper/background.bash).
# Load after common-setup; call kill_spawned from teardown.

# shellcheck source=tests/test_helper/background.bash
source "${BASH_SOURCE[0]%/*}/background.bash"

UDPPEER="$BATS_TEST_DIRNAME/test_helper/udppeer.py"

# listen_bg [OPTION...]: udp-listen OPTIONS on a free port in the
# background, stdout into $OUT, stderr into $ERR; sets LPID and PORT.
# Give it -t, -c or kill it: listen_wait waits for it to end.
listen_bg() {
	local pf="$BATS_TEST_TMPDIR/listen.port"
	OUT="$BATS_TEST_TMPDIR/listen.out"
	ERR="$BATS_TEST_TMPDIR/listen.err"
	rm -f "$pf"
	spawn udp-listen --port-file "$pf" "$@" 0 >"$OUT" 2>"$ERR"
	LPID=$SPAWN_PID
	wait_file "$pf" "$LPID" "$ERR"
	PORT=$(<"$pf")
}

# listen_wait: waits for the listen_bg listener; its status in LSTATUS.
listen_wait() {
	wait_status "$LPID"
	LSTATUS=$STATUS
}

# peer_bg recv|echo 4|6: a Python peer that receives one datagram into
# $PEER_OUT (sender "ADDR PORT" in $PEER_OUT.from), and with echo sends
# it back; sets PEER_PID and PEER_PORT.
peer_bg() {
	local pf="$BATS_TEST_TMPDIR/peer.port"
	PEER_OUT="$BATS_TEST_TMPDIR/peer.out"
	rm -f "$pf" "$PEER_OUT"
	spawn python3 "$UDPPEER" "$1" "$2" "$pf" "$PEER_OUT"
	PEER_PID=$SPAWN_PID
	wait_file "$pf" "$PEER_PID"
	PEER_PORT=$(<"$pf")
}

# peer_wait: waits for the peer_bg peer; fails unless it exited 0.
peer_wait() {
	wait "$PEER_PID" || fail "python peer exited $?"
}

# bytes FILE N [SEED]: N bytes of every value into FILE, reproducibly.
bytes() {
	python3 -c 'import random, sys
r = random.Random(int(sys.argv[3]))
open(sys.argv[1], "wb").write(bytes(r.randrange(256) for _ in range(int(sys.argv[2]))))' \
		"$1" "$2" "${3-1}"
}
