#!/usr/bin/env bats
# tcp-send: connect, send, shut down; -r, -z, --wait, Happy Eyeballs.
# shellcheck disable=SC2154 # bats sets status, output, stderr, lines

BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}

setup_file() { load test_helper/common-setup && random_file 64M; }
setup() { load test_helper/common-setup && _common_setup tcp; }
teardown() { _common_teardown; }

# --- sending --------------------------------------------------------------

@test "tcp-send sends DATA joined by single spaces with a newline, as echo" {
	start_listen
	run -0 --separate-stderr tcp-send 127.0.0.1 "$PORT" one 'two  three' '' four
	assert_output ""
	assert_stderr ""
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(od -c "$LOUT")" "$(echo one 'two  three' '' four | od -c)"
}

@test "tcp-send -n sends DATA without the newline" {
	start_listen
	run -0 tcp-send -n 127.0.0.1 "$PORT" no newline
	wait_status "$LPID"
	assert_equal "$(od -c "$LOUT")" "$(printf 'no newline' | od -c)"
}

@test "tcp-send sends stdin until end of file, every byte value" {
	python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 1000)' >"$T/bytes"
	start_listen
	run -0 tcp-send 127.0.0.1 "$PORT" <"$T/bytes"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	cmp "$T/bytes" "$LOUT"
}

@test "tcp-send with empty stdin connects and sends nothing" {
	start_listen -v
	run -0 tcp-send 127.0.0.1 "$PORT" </dev/null
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(wc -c <"$LOUT")" 0
}

# bats test_tags=valgrind
@test "tcp-send half-closes: the peer reads end of file and can still answer" {
	start_peer count
	run -0 tcp-send -r 127.0.0.1 "$PORT" <"$RANDOM_FILE"
	assert_output "got $((64 << 20)) bytes"
}

# bats test_tags=valgrind
@test "tcp-send -r writes an echoing peer's answer, stdin sent at once with it" {
	start_peer echo
	tcp-send -r 127.0.0.1 "$PORT" <"$RANDOM_FILE" >"$T/echo"
	assert_same_bytes "$T/echo" "$RANDOM_FILE"
	run -0 tcp-send -r 127.0.0.1 "$PORT" hello echo
	assert_output "hello echo"
}

@test "tcp-send -r writes a reply that comes before stdin ends" {
	start_peer answer "early answer"
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"	# held open: stdin does not end yet
	spawn tcp-send -r 127.0.0.1 "$PORT" <"$T/fifo" >"$T/out" 5>&-
	SEND_PID=$SPAWN_PID
	wait_file "$T/out" "$SEND_PID"
	assert_equal "$(cat "$T/out")" "early answer"
	exec 5>&-
	wait_status "$SEND_PID"
	assert_equal "$STATUS" 0
}

@test "tcp-send without -r drops what a peer sends back, so a big echo cannot block it" {
	start_peer echo
	run -0 --separate-stderr tcp-send 127.0.0.1 "$PORT" <"$RANDOM_FILE"
	assert_output ""
	assert_stderr ""
}

@test "tcp-send -v reports the addresses of both ends" {
	start_listen
	run -0 --separate-stderr tcp-send -v 127.0.0.1 "$PORT" x
	assert_stderr_regex "^tcp-send: connected to 127\\.0\\.0\\.1 $PORT from 127\\.0\\.0\\.1 [0-9]+$"
}

@test "tcp-send -b connects from the source address given" {
	start_listen -v
	run -0 --separate-stderr tcp-send -v -b 127.0.0.2 127.0.0.1 "$PORT" x
	assert_stderr_regex "^tcp-send: connected to 127\\.0\\.0\\.1 $PORT from 127\\.0\\.0\\.2 [0-9]+$"
	wait_status "$LPID"
	run -0 cat "$LERR"
	assert_line --regexp '^tcp-listen: connection from 127\.0\.0\.2 [0-9]+$'
}

@test "tcp-send -b decides the family of the addresses tried" {
	require_hermetic
	start_listen -6
	run -0 --separate-stderr tcp-send -v -b ::1 he.test "$PORT" x
	assert_stderr_regex "^tcp-send: connected to ::1 $PORT from ::1 [0-9]+$"
	run -68 --separate-stderr tcp-send -b ::1 127.0.0.1 "$PORT" x
	assert_stderr_regex '^tcp-send: 127\.0\.0\.1: '
}

@test "tcp-send -4 and -6 connect over one family only" {
	require_hermetic	# localhost is both ::1 and 127.0.0.1 here
	start_listen
	run -0 tcp-send -4 localhost "$PORT" x
	run -69 --separate-stderr tcp-send -6 localhost "$PORT" x
	assert_stderr "tcp-send: connect localhost $PORT: Connection refused"
}

@test "tcp-send -4 -6 together tries both families in the resolver's order" {
	require_hermetic	# localhost is ::1 first, then 127.0.0.1
	start_listen
	run -0 --separate-stderr tcp-send -v -4 -6 localhost "$PORT" x
	assert_stderr_regex "^tcp-send: connected to 127\.0\.0\.1 $PORT from 127\.0\.0\.1 [0-9]+$"
	start_listen -6
	run -0 --separate-stderr tcp-send -v -46 localhost "$PORT" x
	assert_stderr_regex "^tcp-send: connected to ::1 $PORT from ::1 [0-9]+$"
}

@test "tcp-send takes a service name as PORT" {
	require_hermetic	# root of its own network namespace: port 80 is free
	LISTEN_PORT=http start_listen
	assert_equal "$PORT" 80
	run -0 tcp-send 127.0.0.1 http over-http
	wait_status "$LPID"
	assert_equal "$(cat "$LOUT")" over-http
}

# --- Happy Eyeballs -------------------------------------------------------

@test "tcp-send tries the next address 250 ms after a silent one (Happy Eyeballs)" {
	require_hermetic	# he.test is ::1 first, then 127.0.0.1
	start_blackhole ::1 127.0.0.1
	LISTEN_PORT=$BPORT start_listen
	start=$(date +%s%3N)
	run -0 --separate-stderr tcp-send -v -t 10 he.test "$BPORT" happy
	took=$(ms_since "$start")
	assert_stderr_regex "^tcp-send: connected to 127\\.0\\.0\\.1 $BPORT from "
	[ "$took" -ge 240 ] || fail "took $took ms: ::1 was not tried first"
	[ "$took" -lt 2000 ] || fail "took $took ms"
	wait_status "$LPID"
	assert_equal "$(cat "$LOUT")" happy
}

@test "tcp-send moves on at once when an address refuses" {
	require_hermetic
	start_listen	# 127.0.0.1 only: ::1 refuses
	run -0 --separate-stderr tcp-send -zj he.test "$PORT"
	assert_equal "$stderr" ""
	assert_regex "$output" '"open":true,"address":"127\.0\.0\.1"'
	# timed by the tool itself, which a busy machine's slow start of
	# processes does not count in: well under the 250 ms of a silence
	[[ $output =~ \"ms\":([0-9]+) ]] || fail "no ms in $output"
	[ "${BASH_REMATCH[1]}" -lt 240 ] ||
		fail "took ${BASH_REMATCH[1]} ms: waited after a refusal"
}

@test "tcp-send reports the last error when no address connects" {
	require_hermetic
	port=$(free_port)
	run -69 --separate-stderr tcp-send he.test "$port" x
	assert_stderr "tcp-send: connect he.test $port: Connection refused"
}

# --- failures -------------------------------------------------------------

# bats test_tags=valgrind
@test "tcp-send fails with 69 when the connection is refused" {
	port=$(free_port)
	run -69 --separate-stderr tcp-send 127.0.0.1 "$port" x
	assert_output ""
	assert_stderr "tcp-send: connect 127.0.0.1 $port: Connection refused"
}

@test "tcp-send -t gives up a connection that is not answered with 75" {
	start_blackhole 127.0.0.1
	start=$(date +%s%3N)
	run -75 --separate-stderr tcp-send -t 0.5 127.0.0.1 "$BPORT" x
	took=$(ms_since "$start")
	assert_stderr "tcp-send: connect 127.0.0.1 $BPORT: Connection timed out"
	[ "$took" -ge 490 ] && [ "$took" -lt 3000 ] || fail "took $took ms"
}

@test "tcp-send fails with 68 at once for a name that does not exist, asked once" {
	require_hermetic
	: >"$SOCKUTILS_DNS_LOG"
	start=$(date +%s%3N)
	run -68 --separate-stderr tcp-send -t 5 nx.test 80 x
	took=$(ms_since "$start")
	assert_stderr "tcp-send: nx.test: Name or service not known"
	# an answer: not looked up again while -t lasts
	[ "$took" -lt 2500 ] || fail "took $took ms"
	run -0 grep -c 'query\[A\] nx.test ' "$SOCKUTILS_DNS_LOG"
	assert_output 1
}

@test "tcp-send fails with 75 when DNS fails, having asked again until -t" {
	require_hermetic
	: >"$SOCKUTILS_DNS_LOG"
	start=$(date +%s%3N)
	run -75 --separate-stderr tcp-send -t 0.8 x.fail.test 80 x
	took=$(ms_since "$start")
	# musl asks a failing server again itself until resolv.conf's 1 s,
	# which the -t runs out during (tcp-send.1, CAVEATS)
	assert_stderr "tcp-send: x.fail.test: $(libc_answer \
		"Temporary failure in name resolution" "timed out")"
	# the last try starts only if it can end by then (backoff and answer)
	[ "$took" -ge 400 ] && [ "$took" -lt 2000 ] || fail "took $took ms"
	run -0 grep -c 'query\[A\] x.fail.test ' "$SOCKUTILS_DNS_LOG"
	[ "$output" -ge 2 ] || fail "asked $output times in 0.8 s"
}

@test "tcp-send -t bounds a name lookup that is not answered" {
	require_hermetic
	start=$(date +%s%3N)
	run -75 --separate-stderr tcp-send -t 0.3 x.slow.test 80 x
	took=$(ms_since "$start")
	assert_stderr "tcp-send: x.slow.test: timed out"
	[ "$took" -lt 900 ] || fail "took $took ms"
}

@test "tcp-send refuses a host name DNS cannot carry with 64" {
	long=$(printf 'a%.0s' {1..254})
	run -64 --separate-stderr tcp-send "$long" 80 x
	assert_stderr "tcp-send: $long: name longer than 253 bytes"
	run -64 --separate-stderr tcp-send '' 80 x
	assert_stderr "tcp-send: : empty name"
}

# bats test_tags=valgrind
@test "tcp-send fails with 74 when the peer resets during the transfer" {
	start_peer reset 1
	run -74 --separate-stderr tcp-send 127.0.0.1 "$PORT" <"$RANDOM_FILE"
	assert_stderr_regex "^tcp-send: (send|recv) 127\\.0\\.0\\.1 $PORT: (Connection reset by peer|Broken pipe)$"
}

# bats test_tags=valgrind
@test "tcp-send -r fails with 74 when the peer resets during the transfer" {
	start_peer reset 1
	run -74 --separate-stderr tcp-send -r 127.0.0.1 "$PORT" <"$RANDOM_FILE"
	assert_stderr_regex "^tcp-send: (send|recv) 127\\.0\\.0\\.1 $PORT: (Connection reset by peer|Broken pipe)$"
}

@test "tcp-send fails with 74 at once when the peer resets after the last byte, not waiting for an acknowledgement" {
	# a listener that stops reading after 4 bytes, while another client
	# keeps it serving: the rest is reset, never acknowledged
	start_listen -k --max-bytes 4
	spawn python3 -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
time.sleep(60)' "$PORT"
	run -74 --separate-stderr timeout 10 tcp-send -n 127.0.0.1 "$PORT" wave-and-more
	assert_stderr_regex "^tcp-send: send 127\\.0\\.0\\.1 $PORT: (not acknowledged: )?Connection reset by peer$"
}

@test "tcp-send -r fails with 74 when stdout is full" {
	start_listen --reply 'reply\n'
	run -74 --separate-stderr sh -c "tcp-send -r 127.0.0.1 $PORT x >/dev/full"
	assert_stderr "tcp-send: write error: stdout: No space left on device"
}

@test "tcp-send -r fails with 74 when stdout is closed" {
	start_listen --reply 'reply\n'
	run -74 --separate-stderr sh -c "tcp-send -r 127.0.0.1 $PORT x >&-"
	assert_stderr "tcp-send: write error: stdout: Bad file descriptor"
}

@test "tcp-send -r ends quietly by SIGPIPE when its reader goes away, as cat does" {
	start_peer echo
	run -0 --separate-stderr bash -c "tcp-send -r 127.0.0.1 $PORT <'$RANDOM_FILE' | head -c 1 >/dev/null; echo \${PIPESTATUS[0]}"
	assert_output 141
	assert_stderr ""
}

@test "tcp-send fails with 74 when stdin cannot be read" {
	start_listen
	run -74 --separate-stderr sh -c "exec tcp-send 127.0.0.1 $PORT <&-"
	assert_stderr "tcp-send: read error: stdin: Bad file descriptor"
	start_listen
	run -74 --separate-stderr tcp-send 127.0.0.1 "$PORT" <"$T"
	assert_stderr "tcp-send: read error: stdin: Is a directory"
	# the peer sees the transfer cut short (a reset), not an end of file
	wait_status "$LPID"
	assert_equal "$STATUS" 74
	assert_regex "$(cat "$LERR")" '^tcp-listen: recv 127\.0\.0\.1 [0-9]+: Connection reset by peer$'
}

@test "tcp-send -t gives up with 75 when a peer does not read" {
	start_peer stall
	run -75 --separate-stderr tcp-send -t 0.5 127.0.0.1 "$PORT" <"$RANDOM_FILE"
	assert_stderr "tcp-send: 127.0.0.1 $PORT: idle for 0.5 s"
}

@test "tcp-send -r escapes the reply on a terminal, with -x everywhere, with --raw nowhere" {
	start_listen --reply 'a\001b\033[31mc\0'
	script -qec "tcp-send -r 127.0.0.1 $PORT ping" "$T/typescript" >/dev/null
	run -0 cat "$T/typescript"
	assert_output --partial 'a\001b\033[31mc\0'
	refute_output --partial $'\033'
	start_listen --reply 'a\001b\033[31mc'
	script -qec "tcp-send -r --raw 127.0.0.1 $PORT ping" "$T/typescript" >/dev/null
	run -0 cat "$T/typescript"
	assert_output --partial $'a\001b\033[31mc'
	start_listen --reply 'a\001b'
	run -0 --separate-stderr tcp-send -r -x 127.0.0.1 "$PORT" ping
	assert_output 'a\001b'
	start_listen --reply 'a\001b'
	run -0 --separate-stderr tcp-send --read 127.0.0.1 "$PORT" ping
	assert_output $'a\001b'
	run -64 --separate-stderr tcp-send --escape 127.0.0.1 "$PORT" ping
	assert_equal "${stderr_lines[0]}" "tcp-send: -x needs -r"
	run -64 --separate-stderr tcp-send -r -x --raw 127.0.0.1 "$PORT" ping
	assert_equal "${stderr_lines[0]}" "tcp-send: -x and --raw exclude each other"
}

@test "tcp-send fails with 75 when the peer never acknowledges what was sent" {
	start_peer full
	start=$(date +%s%3N)
	run -75 --separate-stderr tcp-send -t 0.5 127.0.0.1 "$PORT" "$(printf 'x%.0s' {1..20000})"
	took=$(ms_since "$start")
	assert_stderr "tcp-send: send 127.0.0.1 $PORT: not acknowledged: Connection timed out"
	[ "$took" -ge 450 ] && [ "$took" -lt 3000 ] || fail "took $took ms"
	start_peer full
	run -75 --separate-stderr tcp-send -t 0.5 127.0.0.1 "$PORT" <"$RANDOM_FILE"
}

@test "tcp-send -r -t gives up with 75 when a peer neither answers nor closes" {
	start_peer hold
	run -75 --separate-stderr tcp-send -r -t 0.3 127.0.0.1 "$PORT" question
	assert_stderr "tcp-send: 127.0.0.1 $PORT: idle for 0.3 s"
}

@test "tcp-send names a long host name whole in its messages, as the user wrote it" {
	local name=a-host-name-longer-than-seventy-bytes-which-once-was-cut-short.in-the-messages-of-tcp-send-naming-its-peer.test
	start_peer hold
	run -75 --separate-stderr tcp-send -r -t 0.3 "$name" "$PORT" question
	assert_stderr "tcp-send: $name $PORT: idle for 0.3 s"
}

@test "tcp-send fails with 69 when the source address is not local" {
	start_listen -6
	run -69 --separate-stderr tcp-send -b ::2 ::1 "$PORT" x
	assert_stderr "tcp-send: bind ::2: Cannot assign requested address"
}

# --- usage ----------------------------------------------------------------

@test "tcp-send refuses bad ports with 64" {
	for port in 0 65536 '' 1x no-such-service 99999999999999999999; do
		run -64 --separate-stderr tcp-send 127.0.0.1 "$port" x
		assert_regex "${stderr_lines[0]}" "^tcp-send: port $port: (too small|too large|unknown service|invalid|empty element)$"
	done
	run -64 --separate-stderr tcp-send -z 127.0.0.1 80 127.0.0.1 0
	assert_equal "${stderr_lines[0]}" "tcp-send: port 0: too small"
}

@test "tcp-send -z refuses a malformed port list with 64 before it tries any target" {
	start_listen -v
	run -64 --separate-stderr tcp-send -z 127.0.0.1 "$PORT" 127.0.0.1 "$PORT,0"
	assert_equal "${stderr_lines[0]}" "tcp-send: port $PORT,0: 0: too small"
	run -64 --separate-stderr tcp-send -z 127.0.0.1 "$PORT" 127.0.0.1 9-8
	assert_equal "${stderr_lines[0]}" "tcp-send: port 9-8: reversed range"
	run -64 --separate-stderr tcp-send -z 127.0.0.1 "$PORT" 127.0.0.1 1-65536
	assert_equal "${stderr_lines[0]}" "tcp-send: port 1-65536: too large"
	run -64 --separate-stderr tcp-send -z 127.0.0.1 "$PORT,,1" 127.0.0.1 1
	assert_equal "${stderr_lines[0]}" "tcp-send: port $PORT,,1: empty element"
	run -64 --separate-stderr tcp-send -z 127.0.0.1 "$PORT,http,1x"
	assert_equal "${stderr_lines[0]}" "tcp-send: port $PORT,http,1x: 1x: invalid"
	# the listener saw none of them: it is still there for this one
	run -0 tcp-send 127.0.0.1 "$PORT" first
	wait_status "$LPID"
	assert_equal "$(cat "$LOUT")" first
}

@test "tcp-send refuses a port list or range without -z, and --any without -z, with 64" {
	run -64 --separate-stderr tcp-send 127.0.0.1 80,443 data
	assert_equal "${stderr_lines[0]}" "tcp-send: port 80,443: a list or range needs -z"
	run -64 --separate-stderr tcp-send 127.0.0.1 8000-8010 data
	assert_equal "${stderr_lines[0]}" "tcp-send: port 8000-8010: a list or range needs -z"
	run -64 --separate-stderr tcp-send --any 127.0.0.1 80 data
	assert_equal "${stderr_lines[0]}" "tcp-send: --any needs -z"
}

@test "tcp-send refuses a malformed -b with 64" {
	for addr in 127.0.0.256 localhost '' 1.2.3 127.1 ::g; do
		run -64 --separate-stderr tcp-send -b "$addr" 127.0.0.1 80 x
		assert_equal "${stderr_lines[0]}" "tcp-send: source $addr: not an IPv4 or IPv6 address"
	done
	run -64 --separate-stderr tcp-send -4 -b ::1 127.0.0.1 80 x
	assert_equal "${stderr_lines[0]}" "tcp-send: source ::1: not an IPv4 address"
}

@test "tcp-send refuses bad -t and --wait values with 64" {
	for t in 0 abc -1 1e3 0.0001 1,5 100001; do
		run -64 --separate-stderr tcp-send -t "$t" 127.0.0.1 80 x
		assert_regex "${stderr_lines[0]}" "^tcp-send: timeout $t: (too small|too large \\(at most 100000 s, or inf\\)|invalid)$"
	done
	run -64 --separate-stderr tcp-send -t 0 127.0.0.1 80 x
	assert_equal "${stderr_lines[0]}" "tcp-send: timeout 0: too small"
	for w in abc -1 '' 1s; do
		run -64 --separate-stderr tcp-send --wait "$w" 127.0.0.1 80 x
		assert_equal "${stderr_lines[0]}" "tcp-send: wait $w: invalid"
	done
}

@test "tcp-send refuses missing operands and options that do not go together with 64" {
	run -64 --separate-stderr tcp-send
	assert_equal "${stderr_lines[0]}" "tcp-send: no HOST and PORT given"
	run -64 --separate-stderr tcp-send 127.0.0.1
	assert_equal "${stderr_lines[0]}" "tcp-send: no PORT given"
	run -64 --separate-stderr tcp-send -j 127.0.0.1 80
	assert_equal "${stderr_lines[0]}" "tcp-send: -j needs -z"
	run -64 --separate-stderr tcp-send -z 127.0.0.1 80 127.0.0.1
	assert_equal "${stderr_lines[0]}" "tcp-send: no PORT given for 127.0.0.1"
	run -64 --separate-stderr tcp-send -zr 127.0.0.1 80
	assert_equal "${stderr_lines[0]}" "tcp-send: -z and -r exclude each other"
	run -64 --separate-stderr tcp-send -zn 127.0.0.1 80
	assert_equal "${stderr_lines[0]}" "tcp-send: -z and -n exclude each other"
	run -64 --separate-stderr tcp-send -n 127.0.0.1 80
	assert_equal "${stderr_lines[0]}" "tcp-send: -n needs DATA"
	run -64 --separate-stderr tcp-send --wait
	assert_equal "${stderr_lines[0]}" "tcp-send: option --wait needs a value"
	assert_regex "${stderr_lines[1]}" '^usage: tcp-send '
}

# --- -z, -j ---------------------------------------------------------------

@test "tcp-send -z exits 0 for an open port and prints nothing" {
	start_listen
	run -0 --separate-stderr tcp-send -z 127.0.0.1 "$PORT"
	assert_output ""
	assert_stderr ""
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(wc -c <"$LOUT")" 0
}

@test "tcp-send -z checks several targets and reports each failing one" {
	require_hermetic
	start_listen -k
	open=$PORT
	closed=$(free_port)
	run -69 --separate-stderr tcp-send -z 127.0.0.1 "$open" localhost "$closed" 127.0.0.1 "$open" nx.test 1
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 2
	assert_equal "${stderr_lines[0]}" "tcp-send: connect localhost $closed: Connection refused"
	assert_equal "${stderr_lines[1]}" \
		"$(libc_words "tcp-send: nx.test: Name or service not known")"
	run -68 tcp-send -z nx.test 1 127.0.0.1 "$closed"
}

@test "tcp-send -z checks more targets than the soft descriptor limit allows" {
	[ "$(ulimit -H -n)" = unlimited ] || [ "$(ulimit -H -n)" -ge 1024 ] ||
		skip "needs a hard descriptor limit of 1024 or more"
	start_listen -k
	local targets=() i
	for ((i = 0; i < 300; i++)); do
		targets+=(127.0.0.1 "$PORT")
	done
	run -0 --separate-stderr bash -c 'ulimit -S -n 64 && exec tcp-send -z "$@"' _ "${targets[@]}"
	assert_equal "$stderr" ""
}

@test "tcp-send -z checks the targets at once, not one after the other" {
	start_blackhole 127.0.0.1
	first=$BPORT
	start_blackhole ::1
	start=$(date +%s%3N)
	run -75 --separate-stderr tcp-send -z -t 0.5 127.0.0.1 "$first" ::1 "$BPORT" \
		127.0.0.1 "$first" ::1 "$BPORT" 127.0.0.1 "$first"
	took=$(ms_since "$start")
	assert_equal "${#stderr_lines[@]}" 5
	# one after the other: 2.5 s
	[ "$took" -lt 1800 ] || fail "took $took ms"
}

@test "tcp-send -z -v reports each connection" {
	start_listen -k
	run -0 --separate-stderr tcp-send -zv 127.0.0.1 "$PORT" 127.0.0.1 "$PORT"
	assert_equal "${#stderr_lines[@]}" 2
	assert_regex "${stderr_lines[1]}" "^tcp-send: connected to 127\\.0\\.0\\.1 $PORT from "
}

# bats test_tags=valgrind
@test "tcp-send -zj prints one JSON object per target" {
	require_hermetic
	start_listen -k
	closed=$(free_port)
	run -69 --separate-stderr tcp-send -zj he.test "$PORT" 127.0.0.1 "$closed" nx.test 7
	assert_equal "${#lines[@]}" 3
	printf '%s\n' "$output" >"$T/json"
	run -0 python3 - "$T/json" "$PORT" "$closed" \
		"$(libc_words "Name or service not known")" <<'EOF'
import json, sys
path, port, closed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
not_known = sys.argv[4]
rows = [json.loads(line) for line in open(path)]
assert rows[0]["host"] == "he.test" and rows[0]["port"] == port, rows[0]
assert rows[0]["open"] is True and rows[0]["address"] == "127.0.0.1", rows[0]
assert rows[1] == {"host": "127.0.0.1", "port": closed, "open": False,
                   "error": "Connection refused", "ms": rows[1]["ms"]}, rows[1]
assert rows[2]["open"] is False and rows[2]["error"] == not_known
assert all(isinstance(r["ms"], int) and 0 <= r["ms"] < 5000 for r in rows)
print("ok")
EOF
	assert_output ok
}

# --- port lists, ranges, --any ---------------------------------------------

# open_with_closed_neighbours: a listener (-k) on PORT, and the two ports
# after it (before it, at the top of the range) verified to refuse: C1
# and C2, LO-HI the three in RANGE; nothing else listens in the namespace.
open_with_closed_neighbours() {
	start_listen -k
	if [ "$PORT" -le 65533 ]; then
		C1=$((PORT + 1)) C2=$((PORT + 2)) RANGE="$PORT-$((PORT + 2))"
	else
		C1=$((PORT - 2)) C2=$((PORT - 1)) RANGE="$((PORT - 2))-$PORT"
	fi
	run -0 python3 -c 'import errno, socket, sys
for p in sys.argv[1:]:
    s = socket.socket()
    assert s.connect_ex(("127.0.0.1", int(p))) == errno.ECONNREFUSED, p
    s.close()' "$C1" "$C2"
}

@test "tcp-send -z checks every port of a list and a range and reports each failing one, in operand order" {
	require_hermetic
	open_with_closed_neighbours
	run -69 --separate-stderr tcp-send -z 127.0.0.1 "$RANGE,$PORT" localhost "$PORT,$C1"
	assert_output ""
	assert_equal "${#stderr_lines[@]}" 3
	assert_equal "${stderr_lines[0]}" "tcp-send: connect 127.0.0.1 $C1: Connection refused"
	assert_equal "${stderr_lines[1]}" "tcp-send: connect 127.0.0.1 $C2: Connection refused"
	assert_equal "${stderr_lines[2]}" "tcp-send: connect localhost $C1: Connection refused"
	run -0 --separate-stderr tcp-send -zv 127.0.0.1 "$PORT,$PORT" localhost "$PORT"
	assert_equal "${#stderr_lines[@]}" 3
	assert_regex "${stderr_lines[2]}" "^tcp-send: connected to (127\\.0\\.0\\.1|::1) $PORT from "
}

@test "tcp-send -z gives each target its own outcome when names repeat and interleave" {
	require_hermetic
	open_with_closed_neighbours
	run -68 --separate-stderr tcp-send -zj nx.test 1 127.0.0.1 "$PORT" localhost "$C1" nx.test 2 127.0.0.1 "$C1" localhost "$PORT"
	assert_equal "${#lines[@]}" 6
	nx_error=$(libc_words 'Name or service not known')
	assert_regex "${lines[0]}" "^\\{\"host\":\"nx\\.test\",\"port\":1,\"open\":false,\"error\":\"$nx_error\","
	assert_regex "${lines[1]}" "^\\{\"host\":\"127\\.0\\.0\\.1\",\"port\":$PORT,\"open\":true,"
	assert_regex "${lines[2]}" "^\\{\"host\":\"localhost\",\"port\":$C1,\"open\":false,\"error\":\"Connection refused\","
	assert_regex "${lines[3]}" "^\\{\"host\":\"nx\\.test\",\"port\":2,\"open\":false,\"error\":\"$nx_error\","
	assert_regex "${lines[4]}" "^\\{\"host\":\"127\\.0\\.0\\.1\",\"port\":$C1,\"open\":false,\"error\":\"Connection refused\","
	assert_regex "${lines[5]}" "^\\{\"host\":\"localhost\",\"port\":$PORT,\"open\":true,"
}

@test "tcp-send -z takes service names in a list" {
	require_hermetic	# root of its own network namespace: port 80 is free
	LISTEN_PORT=http start_listen -k
	closed=$(free_port)
	run -69 --separate-stderr tcp-send -zj 127.0.0.1 "http,$closed,www"
	assert_equal "${#lines[@]}" 3
	assert_regex "${lines[0]}" '^\{"host":"127\.0\.0\.1","port":80,"open":true,'
	assert_regex "${lines[1]}" "^\\{\"host\":\"127\\.0\\.0\\.1\",\"port\":$closed,\"open\":false,"
	assert_regex "${lines[2]}" '^\{"host":"127\.0\.0\.1","port":80,"open":true,'
}

@test "tcp-send -z --any exits 0 when one target of a range is open, else with the first failure's status" {
	open_with_closed_neighbours
	run -69 --separate-stderr tcp-send -z 127.0.0.1 "$RANGE"
	assert_equal "${#stderr_lines[@]}" 2
	# --any: the refusals are no error, and said only with -v
	run -0 --separate-stderr tcp-send -z --any 127.0.0.1 "$RANGE"
	assert_output ""
	assert_stderr ""
	run -0 --separate-stderr tcp-send -zv --any 127.0.0.1 "$RANGE"
	assert_equal "${#stderr_lines[@]}" 3
	assert_equal "$(grep -c 'Connection refused$' <<<"$stderr")" 2
	assert_equal "$(grep -c "^tcp-send: connected to 127\\.0\\.0\\.1 $PORT from " <<<"$stderr")" 1
	# none open: the first failure, its status and its message alone
	run -69 --separate-stderr tcp-send -z --any 127.0.0.1 "$C1,$C2" 127.0.0.1 "$C2"
	assert_stderr "tcp-send: connect 127.0.0.1 $C1: Connection refused"
	start_blackhole 127.0.0.1
	run -75 --separate-stderr tcp-send -z --any -t 0.3 127.0.0.1 "$BPORT,$C1"
	assert_stderr "tcp-send: connect 127.0.0.1 $BPORT: Connection timed out"
}

# bats test_tags=valgrind
@test "tcp-send -zj prints one object per port of a range, in order" {
	open_with_closed_neighbours
	run -69 --separate-stderr tcp-send -zj 127.0.0.1 "$RANGE" 127.0.0.1 "$PORT"
	assert_equal "${#lines[@]}" 4
	printf '%s\n' "$output" >"$T/json"
	run -0 python3 - "$T/json" "$RANGE" "$PORT" <<'EOF'
import json, sys
path, lohi, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
lo, hi = map(int, lohi.split("-"))
rows = [json.loads(line) for line in open(path)]
assert [r["port"] for r in rows] == list(range(lo, hi + 1)) + [port], rows
for r in rows:
    assert r["host"] == "127.0.0.1", r
    if r["port"] == port:
        assert r["open"] is True and r["address"] == "127.0.0.1", r
    else:
        assert r == {"host": "127.0.0.1", "port": r["port"], "open": False,
                     "error": "Connection refused", "ms": r["ms"]}, r
print("ok")
EOF
	assert_output ok
	run -0 --separate-stderr tcp-send -zj --any 127.0.0.1 "$RANGE"
	assert_equal "${#lines[@]}" 3
}

@test "tcp-send -z reports in operand order, a silent port first not holding back the others" {
	start_blackhole 127.0.0.1
	open_with_closed_neighbours
	start=$(date +%s%3N)
	run -75 --separate-stderr tcp-send -zj -t 0.5 127.0.0.1 "$BPORT,$BPORT,$RANGE,$BPORT,$BPORT"
	took=$(ms_since "$start")
	assert_equal "${#lines[@]}" 7
	timed_out=$(libc_words 'Connection timed out')
	for i in 0 1 5 6; do
		assert_regex "${lines[i]}" "\"port\":$BPORT,\"open\":false,\"error\":\"$timed_out\""
	done
	# one after the other: 2 s
	[ "$took" -lt 1500 ] || fail "took $took ms: the silent ports were waited for one after the other"
}

@test "tcp-send -z --any --wait exits 0 once one target opens, and stops waiting for the others" {
	a=$(free_port)
	b=$(free_port)
	open_while_waiting "$b" tcp-send -z --any --wait 20 127.0.0.1 "$a" 127.0.0.1 "$b"
	assert_equal "$STATUS" 0
	[ "$TOOK" -lt 750 ] || fail "noticed $TOOK ms after the port opened"
}

@test "tcp-send -z --any --wait reports the targets it stopped waiting for with their last error" {
	a=$(free_port)
	start_listen -k
	# the second is open at once: the first, still refused, is not waited for
	run -0 --separate-stderr tcp-send -zj --any --wait 20 127.0.0.1 "$a" 127.0.0.1 "$PORT"
	assert_equal "${#lines[@]}" 2
	assert_regex "${lines[0]}" "\"port\":$a,\"open\":false,\"error\":\"Connection refused\""
	assert_regex "${lines[1]}" "\"port\":$PORT,\"open\":true,"
	# none opens: the first failure's status and message, after the wait
	run -75 --separate-stderr tcp-send -z --any --wait 0.3 127.0.0.1 "$a" 127.0.0.1 "$a"
	assert_stderr "tcp-send: connect 127.0.0.1 $a: Connection refused (gave up waiting after 0.3 s)"
}

@test "tcp-send -z checks 100,000 targets under a descriptor limit of 1024, each with its real outcome" {
	require_hermetic	# its own loopback: nothing listens but ours
	start_listen -k -b 127.0.0.2
	# 65,535 + 34,465 ports; 127.0.0.2 and .3 are reached from 127.0.0.1,
	# so that no port connects to itself
	spawn bash -c 'ulimit -n 1024 && exec tcp-send -zj -t 5 "$@"' _ \
		127.0.0.2 1-65535 127.0.0.3 1-34465 >"$T/rows" 2>"$T/err"
	wait_status "$SPAWN_PID"
	assert_equal "$STATUS" 69
	run -0 python3 - "$T/rows" "$PORT" <<'EOF'
import collections, json, sys
path, port = sys.argv[1], int(sys.argv[2])
want = [("127.0.0.2", p) for p in range(1, 65536)] + \
    [("127.0.0.3", p) for p in range(1, 34466)]
rows = [json.loads(line) for line in open(path)]
assert [(r["host"], r["port"]) for r in rows] == want, "not every target, in order"
opened = [(r["host"], r["port"]) for r in rows if r["open"]]
assert opened == [("127.0.0.2", port)], opened
outcomes = collections.Counter(r.get("error", "open") for r in rows)
assert outcomes == {"Connection refused": 99999, "open": 1}, outcomes
print("ok")
EOF
	assert_output ok
	assert_equal "$(wc -l <"$T/err")" 99999
	run -1 grep -c "$(libc_words 'Too many open files')" "$T/err"
}

# --- --wait ---------------------------------------------------------------

# open_while_waiting PORT CMD...: CMD in the background; PORT opens
# 0.3 s later, CMD still running; STATUS is CMD's, TOOK the ms it took
# after the port opened.
open_while_waiting() {
	local port=$1 opened
	shift
	spawn "$@"
	SEND_PID=$SPAWN_PID
	sleep 0.3	# not readiness: the port opens later on purpose
	kill -0 "$SEND_PID" || fail "$1 returned before the port opened"
	LISTEN_PORT=$port start_listen
	opened=$(date +%s%3N)
	wait_status "$SEND_PID"
	TOOK=$(ms_since "$opened")
}

@test "tcp-send -z --wait notices a port soon after it opens" {
	port=$(free_port)
	open_while_waiting "$port" tcp-send -z --wait 20 127.0.0.1 "$port"
	assert_equal "$STATUS" 0
	[ "$TOOK" -lt 750 ] || fail "noticed $TOOK ms after the port opened"
}

@test "tcp-send -z --wait waits for several ports that open one after the other" {
	a=$(free_port)
	b=$(free_port)
	spawn tcp-send -z --wait 20 127.0.0.1 "$a" 127.0.0.1 "$b"
	SEND_PID=$SPAWN_PID
	sleep 0.2	# not readiness: the ports open later on purpose
	LISTEN_PORT=$a start_listen
	sleep 0.2
	kill -0 "$SEND_PID" || fail "tcp-send returned before the second port opened"
	LISTEN_PORT=$b start_listen
	wait_status "$SEND_PID"
	assert_equal "$STATUS" 0
}

@test "tcp-send --wait then sends as usual" {
	port=$(free_port)
	spawn tcp-send --wait 20 127.0.0.1 "$port" late data
	SEND_PID=$SPAWN_PID
	sleep 0.2	# not readiness: the port opens later on purpose
	LISTEN_PORT=$port start_listen
	wait_status "$SEND_PID"
	assert_equal "$STATUS" 0
	wait_status "$LPID"
	assert_equal "$(cat "$LOUT")" "late data"
}

@test "tcp-send --wait with Happy Eyeballs: a silent ::1 does not hide 127.0.0.1 opening" {
	require_hermetic
	start_blackhole ::1 127.0.0.1
	spawn tcp-send -z --wait 20 he.test "$BPORT"
	SEND_PID=$SPAWN_PID
	sleep 0.5	# not readiness: the port opens later on purpose
	LISTEN_PORT=$BPORT start_listen
	opened=$(date +%s%3N)
	wait_status "$SEND_PID"
	took=$(ms_since "$opened")
	assert_equal "$STATUS" 0
	# (how soon exactly is bench/'s wait figure)
	[ "$took" -lt 2000 ] || fail "noticed $took ms after the port opened"
}

@test "tcp-send --wait gives up with 75 at the deadline and names what never opened" {
	start_listen -k
	closed=$(free_port)
	start=$(date +%s%3N)
	run -75 --separate-stderr tcp-send -z --wait 0.5 127.0.0.1 "$PORT" 127.0.0.1 "$closed"
	took=$(ms_since "$start")
	assert_stderr "tcp-send: connect 127.0.0.1 $closed: Connection refused (gave up waiting after 0.5 s)"
	[ "$took" -ge 450 ] && [ "$took" -lt 1500 ] || fail "took $took ms"
}

@test "tcp-send --wait bounds a connection that is not answered" {
	start_blackhole 127.0.0.1
	start=$(date +%s%3N)
	run -75 --separate-stderr tcp-send -z --wait 0.5 127.0.0.1 "$BPORT"
	took=$(ms_since "$start")
	assert_stderr "tcp-send: connect 127.0.0.1 $BPORT: Connection timed out (gave up waiting after 0.5 s)"
	[ "$took" -lt 1500 ] || fail "took $took ms"
}

@test "tcp-send --wait does not retry a name that does not exist" {
	require_hermetic
	start=$(date +%s%3N)
	run -68 --separate-stderr tcp-send -z --wait 5 nx.test 80
	took=$(ms_since "$start")
	assert_output ""
	assert_stderr "tcp-send: nx.test: Name or service not known"
	[ "$took" -lt 1000 ] || fail "took $took ms"
}

@test "tcp-send --wait looks a name up again while its DNS server fails" {
	require_hermetic
	start_listen -k
	start=$(date +%s%3N)
	run -75 --separate-stderr tcp-send -z --wait 0.5 x.fail.test "$PORT"
	took=$(ms_since "$start")
	# musl asks a failing server again until its timeout (1 s here), so
	# that the wait runs out during the lookup (tcp-send.1, CAVEATS)
	assert_stderr "tcp-send: x.fail.test: $(libc_answer \
		"Temporary failure in name resolution" "timed out") (gave up waiting after 0.5 s)"
	[ "$took" -ge 450 ] && [ "$took" -lt 1500 ] || fail "took $took ms"
	# the name appears (in the hosts file, looked up first) while it waits
	spawn tcp-send -z --wait 20 late.fail.test "$PORT"
	SEND_PID=$SPAWN_PID
	sleep 0.3	# not readiness: the name appears later on purpose
	kill -0 "$SEND_PID" || fail "tcp-send returned before the name resolved"
	printf '127.0.0.1 late.fail.test\n' | hosts_add
	wait_status "$SEND_PID"
	assert_equal "$STATUS" 0
}

# --- peers no one here wrote ------------------------------------------------

@test "tcp-send sends 64 MiB to nc unchanged" {
	spawn nc -lv 127.0.0.1 0 >"$T/nc.out" 2>"$T/nc.err" </dev/null
	NC_PID=$SPAWN_PID
	wait_match "$T/nc.err" 'Listening on .* ([0-9]+)$' "$NC_PID"
	run -0 tcp-send 127.0.0.1 "$MATCH" <"$RANDOM_FILE"
	wait_status "$NC_PID"
	assert_equal "$STATUS" 0
	assert_same_bytes "$T/nc.out" "$RANDOM_FILE"
}

@test "tcp-send sends 64 MiB to socat unchanged" {
	spawn socat -d -d -u TCP-LISTEN:0,bind=127.0.0.1 "CREATE:$T/socat.out" 2>"$T/socat.err"
	SOCAT_PID=$SPAWN_PID
	wait_match "$T/socat.err" 'listening on .*:([0-9]+)$' "$SOCAT_PID"
	run -0 tcp-send 127.0.0.1 "$MATCH" <"$RANDOM_FILE"
	wait_status "$SOCAT_PID"
	assert_equal "$STATUS" 0
	assert_same_bytes "$T/socat.out" "$RANDOM_FILE"
}

@test "tcp-send sends 64 MiB to python3 unchanged" {
	start_peer sink "$T/python.out"
	run -0 tcp-send 127.0.0.1 "$PORT" <"$RANDOM_FILE"
	wait_status "$PEER_PID"
	assert_equal "$STATUS" 0
	assert_same_bytes "$T/python.out" "$RANDOM_FILE"
}

@test "tcp-send -r gets 64 MiB back from a socat echo unchanged" {
	spawn socat -d -d -t 10 TCP-LISTEN:0,bind=127.0.0.1 EXEC:cat 2>"$T/socat.err"
	wait_match "$T/socat.err" 'listening on .*:([0-9]+)$' "$SPAWN_PID"
	tcp-send -r 127.0.0.1 "$MATCH" <"$RANDOM_FILE" >"$T/echo"
	assert_same_bytes "$T/echo" "$RANDOM_FILE"
}

@test "tcp-send -r over IPv6 gets a python3 echo back unchanged" {
	start_peer echo ::1
	tcp-send -r ::1 "$PORT" <"$RANDOM_FILE" >"$T/echo"
	assert_same_bytes "$T/echo" "$RANDOM_FILE"
}

@test "tcp-send takes the long forms of its options" {
	start_listen -k --reply 'pong\n'
	run -0 --separate-stderr tcp-send --ipv4 --bind 127.0.0.1 --timeout 5 \
		--verbose --read --no-newline 127.0.0.1 "$PORT" ping
	assert_output pong
	assert_stderr_regex '^tcp-send: connected to '
	run -0 tcp-send --check --json --wait 5 127.0.0.1 "$PORT"
	assert_output --regexp '^\{"host":"127\.0\.0\.1","port":[0-9]+,"open":true,'
	run -69 tcp-send --ipv6 --check ::1 "$PORT"
	kill "$LPID"
	assert_equal "$(cat "$LOUT")" ping
}
