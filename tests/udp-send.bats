#!/usr/bin/env bats
# udp-send: datagrams to peers we did not write (Python, nc, socat) and
# to udp-listen, replies, size limits, and every exit status.

BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}

setup() { load test_helper/common-setup && _common_setup udp; }
teardown() { _common_teardown; }

# --- what is sent -----------------------------------------------------

# bats test_tags=valgrind
@test "udp-send sends its DATA operands as one datagram, as echo joins them" {
	peer_bg recv 4
	run -0 --separate-stderr udp-send 127.0.0.1 "$PEER_PORT" hello '' big  world
	assert_output ""
	assert_stderr ""
	peer_wait
	printf 'hello  big world\n' >"$T/want"
	cmp "$T/want" "$PEER_OUT"
}

@test "udp-send -n sends DATA without the newline" {
	peer_bg recv 4
	run -0 udp-send -n 127.0.0.1 "$PEER_PORT" no newline
	peer_wait
	printf 'no newline' >"$T/want"
	cmp "$T/want" "$PEER_OUT"
}

# bats test_tags=valgrind
@test "udp-send without DATA sends stdin as one datagram, every byte unchanged" {
	printf 'a\0b\r\n\377\n\n' >"$T/in"
	bytes "$T/bin" 1000 7
	cat "$T/bin" >>"$T/in"
	peer_bg recv 4
	run -0 udp-send 127.0.0.1 "$PEER_PORT" <"$T/in"
	peer_wait
	cmp "$T/in" "$PEER_OUT"
}

@test "udp-send -n drops only the final newline of stdin" {
	peer_bg recv 4
	printf 'one\ntwo\n\n' | udp-send -n 127.0.0.1 "$PEER_PORT"
	peer_wait
	printf 'one\ntwo\n' >"$T/want"
	cmp "$T/want" "$PEER_OUT"
}

@test "udp-send sends an empty stdin as an empty datagram" {
	listen_bg -j -t 10
	run -0 udp-send 127.0.0.1 "$PORT" </dev/null
	listen_wait
	assert_equal "$LSTATUS" 0
	run -0 jq -c '[.length, .data]' "$OUT"
	assert_output '[0,""]'
}

@test "a 65507-byte datagram reaches Python over IPv4 exactly" {
	bytes "$T/big" 65507
	peer_bg recv 4
	run -0 udp-send 127.0.0.1 "$PEER_PORT" <"$T/big"
	peer_wait
	cmp "$T/big" "$PEER_OUT"
}

@test "a 65527-byte datagram reaches Python over IPv6 exactly" {
	bytes "$T/big" 65527
	peer_bg recv 6
	run -0 udp-send ::1 "$PEER_PORT" <"$T/big"
	peer_wait
	cmp "$T/big" "$PEER_OUT"
}

@test "udp-send sends to Python from an IPv6 socket when HOST is ::1" {
	peer_bg recv 6
	run -0 udp-send -6 ::1 "$PEER_PORT" six
	peer_wait
	run -0 cat "$PEER_OUT.from"
	assert_output --regexp '^::1 [0-9]+$'
}

# --- too big: 65, nothing sent ------------------------------------------

# After a refused datagram, a marker: the listener's first datagram
# must be the marker, so nothing else was sent.
assert_only_marker_arrived() {
	listen_wait
	assert_equal "$LSTATUS" 0
	run -0 jq -r .data "$OUT"
	assert_output marker
}

@test "a datagram of 65508 bytes is not sent over IPv4: 65" {
	bytes "$T/big" 65508
	listen_bg -j -t 10
	run -65 --separate-stderr udp-send 127.0.0.1 "$PORT" <"$T/big"
	assert_stderr "udp-send: stdin: datagram too long: 65508 bytes, the IPv4 maximum is 65507"
	udp-send -n 127.0.0.1 "$PORT" marker
	assert_only_marker_arrived
}

@test "a datagram of 65528 bytes is not sent over IPv6: 65" {
	bytes "$T/big" 65528
	listen_bg -6 -j -t 10
	run -65 --separate-stderr udp-send ::1 "$PORT" <"$T/big"
	assert_stderr "udp-send: stdin: datagram too long: 65528 bytes, the IPv6 maximum is 65527"
	udp-send -n ::1 "$PORT" marker
	assert_only_marker_arrived
}

@test "DATA operands over the maximum are not sent: 65" {
	listen_bg -j -t 10
	run -65 --separate-stderr udp-send -n 127.0.0.1 "$PORT" "$(printf '%65508s' x)"
	assert_stderr "udp-send: datagram too long: 65508 bytes, the IPv4 maximum is 65507"
	# the newline counts
	run -65 udp-send 127.0.0.1 "$PORT" "$(printf '%65507s' x)"
	udp-send -n 127.0.0.1 "$PORT" marker
	assert_only_marker_arrived
}

@test "udp-send stops reading a stdin that never ends at the maximum: 65" {
	run -65 --separate-stderr udp-send 127.0.0.1 "$(free_port 4)" </dev/zero
	assert_stderr "udp-send: stdin: datagram too long: over 65527 bytes, the IPv4 maximum is 65507"
}

# --- -l -----------------------------------------------------------------

@test "udp-send -l sends each line as a datagram, its newline included" {
	listen_bg -j -c 4 -t 10
	printf 'one\ntwo words\n\nlast' | udp-send -l 127.0.0.1 "$PORT"
	listen_wait
	assert_equal "$LSTATUS" 0
	run -0 jq -c .data "$OUT"
	assert_output "$(printf '"one\\n"\n"two words\\n"\n"\\n"\n"last"')"
}

@test "udp-send -ln sends lines without newlines, an empty line as an empty datagram" {
	listen_bg -j -c 3 -t 10
	printf 'one\n\nthree\n' | udp-send --lines --no-newline 127.0.0.1 "$PORT"
	listen_wait
	run -0 jq -c '[.length, .data]' "$OUT"
	assert_output "$(printf '[3,"one"]\n[0,""]\n[5,"three"]')"
}

@test "udp-send -l stops at a line over the maximum: 65, the lines before sent" {
	{ echo first; printf '%65507s\n' x; echo never; } >"$T/in"
	listen_bg -j -c 2 -t 10
	run -65 --separate-stderr udp-send -l 127.0.0.1 "$PORT" <"$T/in"
	assert_stderr "udp-send: stdin line 2: datagram too long: over 65507 bytes, the IPv4 maximum is 65507"
	udp-send -n 127.0.0.1 "$PORT" marker
	listen_wait
	run -0 jq -c .data "$OUT"
	assert_output "$(printf '"first\\n"\n"marker"')"
}

@test "udp-send -ln allows a line of the maximum plus its newline" {
	printf '%65507s\n' x >"$T/in"
	listen_bg -j -t 10
	run -0 udp-send -ln 127.0.0.1 "$PORT" <"$T/in"
	listen_wait
	run -0 jq .length "$OUT"
	assert_output 65507
}

@test "udp-send -l does not take DATA operands: 64" {
	run -64 --separate-stderr udp-send -l 127.0.0.1 9 data
	assert_equal "${stderr_lines[0]}" "udp-send: -l and DATA exclude each other"
}

# --- -r -----------------------------------------------------------------

@test "udp-send -r writes the reply of a Python echo peer, 65507 bytes exactly" {
	bytes "$T/big" 65507 3
	peer_bg echo 4
	udp-send -r 127.0.0.1 "$PEER_PORT" <"$T/big" >"$T/reply"
	peer_wait
	cmp "$T/big" "$T/reply"
}

@test "udp-send -r writes the reply of a socat echo peer" {
	local port
	port=$(free_port 4)
	spawn socat -T 10 UDP-RECVFROM:"$port",bind=127.0.0.1 PIPE
	wait_udp_port "$port"
	run -0 udp-send -r 127.0.0.1 "$port" ping
	assert_output ping
}

@test "udp-send -r reads the --reply of udp-listen over IPv6" {
	listen_bg -6 --reply pong -t 10
	run -0 --separate-stderr udp-send -r ::1 "$PORT" ping
	assert_output pong
	listen_wait
	assert_equal "$LSTATUS" 0
	assert_equal "$(cat "$OUT")" ping
}

@test "udp-send -r escapes a reply on a terminal, with -x everywhere, with --raw nowhere" {
	listen_bg --reply 'a\001b\033[31mc' -t 10
	script -qec "udp-send -r 127.0.0.1 $PORT ping" "$T/typescript" >/dev/null
	listen_wait
	run -0 cat "$T/typescript"
	assert_output --partial 'a\001b\033[31mc'
	refute_output --partial $'\033'
	listen_bg --reply 'a\001b\033[31mc' -t 10
	script -qec "udp-send -r --raw 127.0.0.1 $PORT ping" "$T/typescript" >/dev/null
	listen_wait
	run -0 cat "$T/typescript"
	assert_output --partial $'a\001b\033[31mc'
	listen_bg --reply 'a\001b' -t 10
	run -0 --separate-stderr udp-send -r -x 127.0.0.1 "$PORT" ping
	assert_output 'a\001b'
	listen_bg --reply 'a\001b' -t 10
	run -0 --separate-stderr udp-send -r 127.0.0.1 "$PORT" ping
	assert_output $'a\001b'
	run -64 --separate-stderr udp-send -x 127.0.0.1 "$PORT" ping
	assert_equal "${stderr_lines[0]}" "udp-send: -x needs -r"
	run -64 --separate-stderr udp-send -r -x --raw 127.0.0.1 "$PORT" ping
	assert_equal "${stderr_lines[0]}" "udp-send: -x and --raw exclude each other"
}

@test "udp-send -lr waits for a reply to each line" {
	listen_bg -c 3 --reply ok -t 10
	run -0 udp-send -lr 127.0.0.1 "$PORT" <<<$'a\nb\nc'
	assert_output okokok
	listen_wait
	assert_equal "$(cat "$OUT")" $'a\nb\nc'
}

@test "udp-send -r fails with 69 when nothing listens on the port (ICMP unreachable)" {
	local port
	port=$(free_port 4)
	run -69 --separate-stderr udp-send -r 127.0.0.1 "$port" hello
	assert_output ""
	assert_stderr "udp-send: 127.0.0.1 $port: Connection refused"
	port=$(free_port 6)
	run -69 udp-send --read ::1 "$port" hello
}

@test "udp-send -r fails with 75 when no reply comes within -t, saying the time as every tool does" {
	peer_bg recv 4
	run -75 --separate-stderr udp-send -r -t 0.30 127.0.0.1 "$PEER_PORT" hello
	assert_output ""
	assert_stderr "udp-send: 127.0.0.1 $PEER_PORT: no reply in 0.3 s"
	peer_wait
}

@test "udp-send -r waits 5 seconds for a reply by default" {
	peer_bg recv 4
	local start=$SECONDS
	run -75 --separate-stderr udp-send -r 127.0.0.1 "$PEER_PORT" hello
	assert_stderr "udp-send: 127.0.0.1 $PEER_PORT: no reply in 5 s"
	(( SECONDS - start >= 4 )) || fail "gave up after $((SECONDS - start)) s"
}

@test "udp-send -t needs -r, and a duration: 64" {
	run -64 --separate-stderr udp-send -t 1 127.0.0.1 9 x
	assert_equal "${stderr_lines[0]}" "udp-send: -t needs -r"
	for bad in 0 -1 abc 1s ''; do
		run -64 --separate-stderr udp-send -r -t "$bad" 127.0.0.1 9 x
		assert_regex "${stderr_lines[0]}" "^udp-send: timeout $bad: "
	done
}

# --- -v, -b, -4, -6 -----------------------------------------------------------

@test "udp-send -v reports each datagram sent and each reply on stderr" {
	listen_bg --reply pong -t 10
	run -0 --separate-stderr udp-send -v -r 127.0.0.1 "$PORT" ping
	assert_output pong
	assert_equal "${stderr_lines[0]}" "udp-send: sent 5 bytes to 127.0.0.1 $PORT"
	assert_equal "${stderr_lines[1]}" "udp-send: received 4 bytes from 127.0.0.1 $PORT"
	assert_equal "${#stderr_lines[@]}" 2
}

@test "udp-send takes the long options" {
	listen_bg --reply pong -t 10
	run -0 --separate-stderr udp-send --verbose --ipv4 --read --timeout 5 \
		--no-newline 127.0.0.1 "$PORT" ping
	assert_output pong
	assert_equal "${stderr_lines[0]}" "udp-send: sent 4 bytes to 127.0.0.1 $PORT"
	listen_wait
	assert_equal "$(cat "$OUT")" ping
}

@test "udp-send -b sends from the given local address" {
	require_hermetic	# 127.0.0.2 is on lo only there
	listen_bg -j -t 10
	run -0 udp-send --bind 127.0.0.2 127.0.0.1 "$PORT" from-two
	listen_wait
	run -0 jq -r .address "$OUT"
	assert_output 127.0.0.2
}

@test "udp-send -b fails with 69 for an address the host does not have" {
	run -69 --separate-stderr udp-send -b 192.0.2.1 127.0.0.1 9 x
	assert_stderr "udp-send: bind 192.0.2.1: Cannot assign requested address"
}

@test "udp-send -b needs a numeric address of the family: 64" {
	run -64 --separate-stderr udp-send -b localhost 127.0.0.1 9 x
	assert_equal "${stderr_lines[0]}" "udp-send: bind address localhost: not an IPv4 or IPv6 address"
	run -64 --separate-stderr udp-send -4 -b ::1 127.0.0.1 9 x
	assert_equal "${stderr_lines[0]}" "udp-send: bind address ::1: not an IPv4 address"
	# HOST is looked up in the family of ADDR
	run -68 udp-send -b ::1 127.0.0.1 9 x
}

@test "udp-send -4 and -6 choose the family of a name with both" {
	require_hermetic	# he.test: ::1 and 127.0.0.1
	run -0 --separate-stderr udp-send -v -4 he.test 9 x
	assert_stderr "udp-send: sent 2 bytes to 127.0.0.1 9"
	run -0 --separate-stderr udp-send -v --ipv6 he.test 9 x
	assert_stderr "udp-send: sent 2 bytes to ::1 9"
	run -0 --separate-stderr udp-send -v --ipv4 --ipv6 he.test 9 x
	assert_stderr "udp-send: sent 2 bytes to ::1 9"
}

# --- names and ports ------------------------------------------------------

@test "udp-send takes a UDP service name as PORT" {
	run -0 --separate-stderr udp-send -v 127.0.0.1 discard x
	assert_stderr "udp-send: sent 2 bytes to 127.0.0.1 9"
}

@test "udp-send refuses a bad port with 64" {
	for bad in 0 65536 -1 1x '' ssh nosuchservice; do
		run -64 --separate-stderr udp-send -- 127.0.0.1 "$bad" x
		assert_regex "${stderr_lines[0]}" "^udp-send: port $bad: "
		assert_regex "${stderr_lines[1]}" "^usage: udp-send "
	done
}

@test "udp-send fails with 68 for a name that does not exist" {
	require_hermetic
	run -68 --separate-stderr udp-send nosuch.test 9 x
	assert_stderr "udp-send: nosuch.test: Name or service not known"
	run -68 udp-send -6 v4only.test 9 x
	run -68 udp-send -4 ::1 9 x
}

@test "udp-send fails with 75 when DNS fails" {
	require_hermetic	# fail.test answers SERVFAIL
	run -75 --separate-stderr udp-send x.fail.test 9 x
	assert_stderr "udp-send: x.fail.test: Temporary failure in name resolution"
}

@test "udp-send refuses a host name over 253 bytes with 64" {
	local name
	name=$(printf 'a%.0s' {1..60}).$(printf 'b%.0s' {1..60}).$(printf 'c%.0s' {1..60}).$(printf 'd%.0s' {1..60}).$(printf 'e%.0s' {1..20})
	run -64 --separate-stderr udp-send "$name" 9 x
	assert_stderr "udp-send: $name: name longer than 253 bytes"
}

@test "udp-send needs HOST and PORT: 64" {
	run -64 --separate-stderr udp-send
	assert_equal "${stderr_lines[0]}" "udp-send: no HOST and PORT given"
	run -64 --separate-stderr udp-send 127.0.0.1
	assert_equal "${stderr_lines[0]}" "udp-send: no PORT given"
}

# --- stdin and stdout failures: 74 ---------------------------------------------

@test "udp-send -r fails with 74 when the reply cannot be written" {
	listen_bg -k --reply pong -t 10
	run -74 --separate-stderr sh -c 'udp-send -r 127.0.0.1 "$1" x >/dev/full' sh "$PORT"
	assert_stderr "udp-send: write error: stdout: No space left on device"
	run -74 --separate-stderr sh -c 'udp-send -r 127.0.0.1 "$1" x >&-' sh "$PORT"
	assert_stderr "udp-send: write error: stdout: Bad file descriptor"
}

@test "udp-send -r ends quietly by SIGPIPE when its reader has gone" {
	listen_bg -k --reply pong -t 10
	run -141 --separate-stderr closed_pipe udp-send -r 127.0.0.1 "$PORT" x
	assert_stderr ""
}

@test "udp-send fails with 74 when stdin cannot be read" {
	run -74 --separate-stderr sh -c 'udp-send 127.0.0.1 9 <&-'
	assert_stderr "udp-send: read error: stdin: Bad file descriptor"
	run -74 --separate-stderr sh -c 'udp-send -l 127.0.0.1 9 < /'
	assert_stderr "udp-send: read error: stdin: Is a directory"
}

# --- peers that are not ours ------------------------------------------------------

@test "nc -u -l receives the bytes udp-send sends" {
	printf 'bin\0\001\377ary\n' >"$T/in"
	spawn nc -u -l -n -v 127.0.0.1 0 >"$T/nc.out" 2>"$T/nc.err" </dev/null
	wait_match "$T/nc.err" '^Bound on 127\.0\.0\.1 ([0-9]+)$' "$SPAWN_PID"
	run -0 udp-send 127.0.0.1 "$MATCH" <"$T/in"
	wait_size "$T/nc.out" "$(wc -c <"$T/in")"
	cmp "$T/in" "$T/nc.out"
}

@test "socat receives a 65507-byte datagram from udp-send exactly" {
	local port
	bytes "$T/big" 65507 5
	port=$(free_port 4)
	spawn socat -u -T 10 -b 65536 UDP-RECV:"$port",bind=127.0.0.1 \
		OPEN:"$T/socat.out",creat,trunc
	wait_udp_port "$port"
	run -0 udp-send 127.0.0.1 "$port" <"$T/big"
	wait_size "$T/socat.out" 65507
	cmp "$T/big" "$T/socat.out"
}
