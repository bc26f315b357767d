#!/usr/bin/env bats
# udp-listen: datagrams from peers we did not write (Python, nc, socat)
# and from udp-send, output forms, replies, limits and exit statuses.

BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}

setup() { load test_helper/common-setup && _common_setup udp; }
teardown() { _common_teardown; }

# --- receiving ---------------------------------------------------------------

@test "udp-listen writes one datagram from Python to stdout, every byte, and exits 0" {
	bytes "$T/in" 3000 11
	listen_bg -t 10
	python3 "$UDPPEER" send 127.0.0.1 "$PORT" "$T/in"
	listen_wait
	assert_equal "$LSTATUS" 0
	cmp "$T/in" "$OUT"
	assert_equal "$(cat "$ERR")" ""
}

@test "udp-listen receives a 65507-byte datagram from Python over IPv4 exactly" {
	bytes "$T/big" 65507 12
	listen_bg -t 10
	python3 "$UDPPEER" send 127.0.0.1 "$PORT" "$T/big"
	listen_wait
	assert_equal "$LSTATUS" 0
	cmp "$T/big" "$OUT"
}

@test "udp-listen -6 receives a 65527-byte datagram from Python over IPv6 exactly" {
	bytes "$T/big" 65527 13
	listen_bg -6 -t 10
	python3 "$UDPPEER" send ::1 "$PORT" "$T/big"
	listen_wait
	assert_equal "$LSTATUS" 0
	cmp "$T/big" "$OUT"
}

@test "udp-listen receives the bytes nc -u sends" {
	printf 'from nc\0\001\377\n' >"$T/in"
	listen_bg -t 10
	run -0 nc -u -n -q 0 127.0.0.1 "$PORT" <"$T/in"
	listen_wait
	assert_equal "$LSTATUS" 0
	cmp "$T/in" "$OUT"
}

@test "udp-listen receives a 65507-byte datagram from socat exactly" {
	bytes "$T/big" 65507 14
	listen_bg -j -t 10
	run -0 socat -u -b 65536 OPEN:"$T/big" UDP-SENDTO:127.0.0.1:"$PORT"
	listen_wait
	assert_equal "$LSTATUS" 0
	run -0 jq .length "$OUT"
	assert_output 65507
	jq -r .base64 "$OUT" | base64 -d | cmp "$T/big" -
}

@test "udp-listen receives a 65507-byte datagram from udp-send exactly" {
	bytes "$T/big" 65507 15
	listen_bg -t 10
	run -0 udp-send 127.0.0.1 "$PORT" <"$T/big"
	listen_wait
	cmp "$T/big" "$OUT"
}

@test "udp-listen -v says where it listens and who sent each datagram" {
	listen_bg -v -c 2 -t 10
	udp-send -n 127.0.0.1 "$PORT" one
	python3 "$UDPPEER" send 127.0.0.1 "$PORT" /dev/null >/dev/null
	listen_wait
	assert_equal "$LSTATUS" 0
	run -0 cat "$ERR"
	assert_line --index 0 "udp-listen: listening on 127.0.0.1 $PORT"
	assert_line --index 1 --regexp "^udp-listen: received 3 bytes from 127\.0\.0\.1 [0-9]+$"
	assert_line --index 2 --regexp "^udp-listen: received 0 bytes from 127\.0\.0\.1 [0-9]+$"
	assert_equal "${#lines[@]}" 3
}

@test "udp-listen listens on 127.0.0.1 by default and on ::1 with -6" {
	listen_bg -v -t 10
	assert_equal "$(head -n 1 "$ERR")" "udp-listen: listening on 127.0.0.1 $PORT"
	run -0 ss -Hunl "sport = :$PORT"
	assert_output --partial "127.0.0.1:$PORT"
	kill "$LPID"
	listen_bg -v --ipv6 -t 10
	assert_equal "$(head -n 1 "$ERR")" "udp-listen: listening on ::1 $PORT"
}

@test "udp-listen -4 -6 listens on 127.0.0.1 and ::1 on one port and says both" {
	listen_bg -v -4 -6 -c 2 -t 10
	run -0 cat "$T/listen.port"
	assert_output "$PORT"
	run -0 ss -Hunl "sport = :$PORT"
	assert_output --partial "127.0.0.1:$PORT"
	assert_output --partial "[::1]:$PORT"
	printf six | nc -u -n -q 0 ::1 "$PORT"
	wait_lines "$ERR" 3 "$LPID"
	printf four | nc -u -n -q 0 127.0.0.1 "$PORT"
	listen_wait
	assert_equal "$LSTATUS" 0
	assert_equal "$(cat "$OUT")" sixfour
	run -0 cat "$ERR"
	assert_line --index 0 "udp-listen: listening on 127.0.0.1 $PORT"
	assert_line --index 1 "udp-listen: listening on ::1 $PORT"
	assert_line --index 2 --regexp '^udp-listen: received 3 bytes from ::1 [0-9]+$'
	assert_line --index 3 --regexp '^udp-listen: received 4 bytes from 127\.0\.0\.1 [0-9]+$'
}

@test "udp-listen -4 -6 --reply answers each family from the socket it came to" {
	listen_bg -46 -k --reply 'ok\n' -t 10
	echo hello >"$T/in"
	# the answer comes from the address asked, over either family
	for addr in ::1 127.0.0.1 ::1; do
		run -0 --separate-stderr python3 "$UDPPEER" ask "$addr" "$PORT" "$T/in"
		assert_output ok
		assert_equal "$stderr" "from $addr $PORT"
	done
	run -0 udp-send -r -t 5 127.0.0.1 "$PORT" four
	assert_output ok
	kill "$LPID"
}

@test "udp-listen -4 -6 -t names both addresses when no datagram comes" {
	listen_bg -46 -t 0.3
	listen_wait
	assert_equal "$LSTATUS" 75
	assert_equal "$(cat "$ERR")" \
		"udp-listen: 127.0.0.1 $PORT and ::1 $PORT: no datagram in 0.3 s"
}

@test "udp-listen -4 -6 -b ADDR listens on ADDR alone, of its own family" {
	listen_bg -v -46 -b ::1 -t 10
	assert_equal "$(cat "$ERR")" "udp-listen: listening on ::1 $PORT"
	kill "$LPID"
}

@test "udp-listen -4 -6 on a port ::1 holds fails with 69 after its tries" {
	require_hermetic	# a network namespace of the test's own
	run -69 --separate-stderr unshare -n python3 "$BATS_TEST_DIRNAME/test_helper/hold-port.py" \
		udp ::1 udp-listen -46 0
	assert_stderr "udp-listen: bind ::1 40000: Address already in use"
}

@test "udp-listen -4 --verbose is the default address, said in full" {
	listen_bg -4 --verbose -t 10
	assert_equal "$(cat "$ERR")" "udp-listen: listening on 127.0.0.1 $PORT"
}

@test "udp-listen --port-file holds the port and a newline" {
	listen_bg -v -t 10
	run -0 cat "$T/listen.port"
	assert_output "$PORT"
	[ "$(wc -c <"$T/listen.port")" -eq $((${#PORT} + 1)) ]
	assert_regex "$PORT" '^[1-9][0-9]*$'
}

@test "udp-listen --port-file that cannot be written: 71, or 77 for permission" {
	run -71 --separate-stderr udp-listen --port-file "$T/no/such/dir/port" 0
	assert_stderr "udp-listen: $T/no/such/dir/port: No such file or directory"
	if [ "$(id -u)" -ne 0 ]; then
		mkdir "$T/ro" && chmod 500 "$T/ro"
		run -77 udp-listen --port-file "$T/ro/port" 0
	fi
}

# --- -c, -k, -t -----------------------------------------------------------------

@test "udp-listen -c 3 receives three datagrams and exits 0" {
	listen_bg -j --count 3 -t 10
	for word in one two three; do
		udp-send -n 127.0.0.1 "$PORT" "$word"
	done
	listen_wait
	assert_equal "$LSTATUS" 0
	run -0 jq -r .data "$OUT"
	assert_output "$(printf 'one\ntwo\nthree')"
}

@test "udp-listen -k -c 2 stops after two datagrams, as tcp-listen does" {
	listen_bg -k -c 2 -t 10
	udp-send 127.0.0.1 "$PORT" one
	udp-send 127.0.0.1 "$PORT" two
	listen_wait
	assert_equal "$LSTATUS" 0
	assert_equal "$(cat "$OUT")" $'one\ntwo'
}

@test "udp-listen -k receives datagrams until killed" {
	listen_bg -j --keep-open
	for i in 1 2 3 4 5; do
		udp-send -n 127.0.0.1 "$PORT" "$i"
	done
	wait_lines "$OUT" 5
	kill -0 "$LPID" || fail "udp-listen -k exited"
	run -0 jq -r .data "$OUT"
	assert_output "$(printf '1\n2\n3\n4\n5')"
}

@test "udp-listen -t fails with 75 when no datagram comes, saying the time as every tool does" {
	run -75 --separate-stderr udp-listen -t 0.200 0
	assert_output ""
	assert_stderr_regex '^udp-listen: 127\.0\.0\.1 [0-9]+: no datagram in 0\.2 s$'
}

@test "udp-listen -t counts from the last datagram; what came before is written" {
	listen_bg -c 2 --timeout 0.5
	udp-send 127.0.0.1 "$PORT" first
	listen_wait
	assert_equal "$LSTATUS" 75
	assert_equal "$(cat "$OUT")" first
	assert_equal "$(cat "$ERR")" "udp-listen: 127.0.0.1 $PORT: no datagram in 0.5 s"
}

@test "udp-listen -k -t ends with 75 after the datagrams stop" {
	listen_bg -k -t 0.5
	udp-send 127.0.0.1 "$PORT" a
	udp-send 127.0.0.1 "$PORT" b
	listen_wait
	assert_equal "$LSTATUS" 75
	assert_equal "$(cat "$OUT")" $'a\nb'
}

# --- --reply ----------------------------------------------------------------------

@test "udp-listen --reply answers each sender; udp-send -r reads it" {
	listen_bg -c 2 --reply pong -t 10
	run -0 udp-send -r 127.0.0.1 "$PORT" ping
	assert_output pong
	run -0 udp-send -r 127.0.0.1 "$PORT" again
	assert_output pong
	listen_wait
	assert_equal "$LSTATUS" 0
	assert_equal "$(cat "$OUT")" $'ping\nagain'
}

@test "udp-listen -k --reply answers 200 senders at once, each from its own socket" {
	listen_bg -k --reply 'pong\n'
	run -0 python3 - "$PORT" <<-'EOF'
		import socket, sys, threading
		port, answered, start = int(sys.argv[1]), [], threading.Barrier(200)
		def sender(i):
		    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		    s.settimeout(2)
		    start.wait()
		    # a datagram may be dropped in a full buffer: ask again, as DNS does
		    for _ in range(3):
		        s.sendto(b"ping %d\n" % i, ("127.0.0.1", port))
		        try:
		            if s.recv(100) == b"pong\n":
		                answered.append(i)
		                return
		        except socket.timeout:
		            pass
		threads = [threading.Thread(target=sender, args=(i,)) for i in range(200)]
		for t in threads: t.start()
		for t in threads: t.join()
		print(len(set(answered)))
	EOF
	assert_output 200
	wait_lines "$OUT" 200 "$LPID"
	# every sender's datagram is there, whole
	assert_equal "$(sort -u "$OUT" | wc -l)" 200
	assert_equal "$(grep -cvE '^ping [0-9]+$' "$OUT")" 0
}

@test "udp-listen --reply reaches Python from the address and port it sent to" {
	printf 'question' >"$T/q"
	listen_bg -v --reply $'answer\001\n' -t 10
	run -0 --separate-stderr python3 "$UDPPEER" ask 127.0.0.1 "$PORT" "$T/q"
	assert_output $'answer\001'
	assert_stderr "from 127.0.0.1 $PORT"
	listen_wait
	run -0 cat "$ERR"
	assert_line --index 2 --regexp "^udp-listen: sent 8 bytes to 127\.0\.0\.1 [0-9]+$"
}

@test "udp-listen --reply undoes C escapes, as tcp-listen does" {
	listen_bg --reply 'pong\x41\101\tx\\\n' -t 10
	run -0 udp-send -r 127.0.0.1 "$PORT" ping
	assert_output $'pongAA\tx\\'
	listen_wait
	assert_equal "$LSTATUS" 0
	run -64 --separate-stderr udp-listen --reply 'a\q' 0
	assert_equal "${stderr_lines[0]}" "udp-listen: reply a\q: unknown escape"
	run -64 --separate-stderr udp-listen --reply 'a\' 0
}

@test "udp-listen --reply on a wildcard address answers from the address used" {
	require_hermetic	# 127.0.0.2 is on lo only there
	listen_bg -b 0.0.0.0 -c 2 --reply pong -t 10
	# udp-send reads only replies from the address it sent to
	run -0 udp-send -r -t 5 127.0.0.2 "$PORT" to-two
	assert_output pong
	run -0 udp-send -r -t 5 127.0.0.1 "$PORT" to-one
	assert_output pong
	listen_wait
	assert_equal "$LSTATUS" 0
}

@test "udp-listen --reply on :: answers IPv6 and IPv4 senders from the address used" {
	listen_bg -b :: -c 2 --reply pong -t 10
	run -0 udp-send -r -t 5 ::1 "$PORT" six
	assert_output pong
	run -0 udp-send -r -t 5 127.0.0.1 "$PORT" four
	assert_output pong
	listen_wait
	assert_equal "$LSTATUS" 0
}

@test "udp-listen --echo answers each datagram with its own bytes: nc -u and python3" {
	listen_bg -k --echo -t 10
	run -0 bash -c "printf 'echo me' | timeout 5 nc -u -W 1 127.0.0.1 $PORT"
	assert_output "echo me"
	run -0 python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
data = bytes(range(256)) * 200
s.sendto(data, ('127.0.0.1', $PORT))
got, _ = s.recvfrom(65536)
print(got == data, len(got))"
	assert_output "True 51200"
}

@test "udp-listen --echo with --reply is a usage error" {
	run -64 --separate-stderr udp-listen --echo --reply x 0
	assert_stderr_regex "--echo.*--reply"
}

@test "udp-listen --reply answers socat, which prints the reply" {
	listen_bg --reply pong -t 10
	run -0 socat -T 5 - UDP:127.0.0.1:"$PORT" <<<ping
	assert_output pong
	listen_wait
	assert_equal "$(cat "$OUT")" ping
}

# --- -j ------------------------------------------------------------------------------

@test "udp-listen -j writes a UTF-8 datagram as data, with its sender" {
	printf 'grüße "q" \\ \t\0end\n' >"$T/in"
	listen_bg --json -t 10
	run -0 --separate-stderr python3 "$UDPPEER" send 127.0.0.1 "$PORT" "$T/in"
	listen_wait
	assert_equal "$LSTATUS" 0
	run -0 jq -r '[.address, (.port | type), .length, has("base64")] | @tsv' "$OUT"
	assert_output "$(printf '127.0.0.1\tnumber\t%s\tfalse' "$(wc -c <"$T/in")")"
	jq -j .data "$OUT" | cmp "$T/in" -
	assert_equal "$(wc -l <"$OUT")" 1
}

@test "udp-listen -j gives the sender's address and port as Python sees them" {
	listen_bg -j -t 10
	printf 'x' >"$T/in"
	run -0 python3 "$UDPPEER" send 127.0.0.1 "$PORT" "$T/in"
	local port=${output##* }
	listen_wait
	run -0 jq -r '"\(.address) \(.port)"' "$OUT"
	assert_output "127.0.0.1 $port"
}

@test "udp-listen -j writes bytes that are not UTF-8 as base64" {
	bytes "$T/in" 512 21
	printf '\377' >>"$T/in"
	listen_bg -j -t 10
	python3 "$UDPPEER" send 127.0.0.1 "$PORT" "$T/in"
	listen_wait
	run -0 jq -r '[.length, has("data")] | @tsv' "$OUT"
	assert_output "$(printf '513\tfalse')"
	jq -r .base64 "$OUT" | base64 -d | cmp "$T/in" -
	run -0 jq -r .base64 "$OUT"
	assert_output "$(base64 -w 0 "$T/in")"
}

@test "udp-listen -j writes an empty datagram and short base64 padding right" {
	listen_bg -j -c 4 -t 10
	udp-send 127.0.0.1 "$PORT" </dev/null
	printf '\377' | udp-send 127.0.0.1 "$PORT"
	printf '\377\376' | udp-send 127.0.0.1 "$PORT"
	printf '\377\376\375' | udp-send 127.0.0.1 "$PORT"
	listen_wait
	run -0 jq -c '[.length, .data // .base64]' "$OUT"
	assert_output "$(printf '[0,""]\n[1,"/w=="]\n[2,"//4="]\n[3,"//79"]')"
}

# --- escaping ----------------------------------------------------------------------------

# on_tty CMD: runs CMD with stdout a terminal (script's pty), output in $T/tty.
on_tty_bg() {
	rm -f "$T/listen.port"
	spawn script -qec "$1" /dev/null >"$T/tty" 2>&1 </dev/null
	LPID=$SPAWN_PID
	wait_file "$T/listen.port" "$LPID"
	PORT=$(<"$T/listen.port")
}

@test "udp-listen escapes unprintable bytes on a terminal" {
	on_tty_bg "udp-listen -t 10 --port-file '$T/listen.port' 0"
	printf 'a\001\033[31mred\\\n\377' | udp-send 127.0.0.1 "$PORT"
	listen_wait
	assert_equal "$LSTATUS" 0
	# the pty turns the newline into CR LF
	printf 'a\\001\\033[31mred\\\\\r\n\\377' >"$T/want"
	cmp "$T/want" "$T/tty"
}

@test "udp-listen --raw writes bytes unchanged on a terminal" {
	on_tty_bg "udp-listen --raw -t 10 --port-file '$T/listen.port' 0"
	printf 'a\001b' | udp-send 127.0.0.1 "$PORT"
	listen_wait
	assert_equal "$LSTATUS" 0
	printf 'a\001b' >"$T/want"
	cmp "$T/want" "$T/tty"
}

@test "udp-listen writes bytes unchanged into a pipe, escaped with -x" {
	bytes "$T/in" 256 31
	listen_bg -t 10
	udp-send 127.0.0.1 "$PORT" <"$T/in"
	listen_wait
	cmp "$T/in" "$OUT"
	listen_bg --escape -t 10
	printf 'a\001\033\\\n' | udp-send 127.0.0.1 "$PORT"
	listen_wait
	printf 'a\\001\\033\\\\\n' >"$T/want"
	cmp "$T/want" "$OUT"
}

@test "udp-listen -x and --raw do not change JSON" {
	listen_bg -j -x -t 10
	printf 'a\001' | udp-send 127.0.0.1 "$PORT"
	listen_wait
	run -0 jq -r .data "$OUT"
	assert_output $'a\001'
}

# --- addresses and ports -------------------------------------------------------------------

@test "udp-listen -b listens on the given address only" {
	require_hermetic	# 127.0.0.2 is on lo only there
	listen_bg -v -b 127.0.0.2 -j -t 10
	assert_equal "$(head -n 1 "$ERR")" "udp-listen: listening on 127.0.0.2 $PORT"
	run -69 udp-send -r -t 5 127.0.0.1 "$PORT" wrong
	udp-send -b 127.0.0.2 127.0.0.2 "$PORT" right
	listen_wait
	run -0 jq -r '[.address, .data] | @tsv' "$OUT"
	assert_output "$(printf '127.0.0.2\tright\\n')"
}

@test "udp-listen -b fails with 69 for an address the host does not have" {
	run -69 --separate-stderr udp-listen -b 192.0.2.1 0
	assert_stderr "udp-listen: bind 192.0.2.1 0: Cannot assign requested address"
}

@test "udp-listen -b needs a numeric address of the family: 64" {
	run -64 --separate-stderr udp-listen --bind localhost 0
	assert_equal "${stderr_lines[0]}" "udp-listen: bind address localhost: not an IPv4 or IPv6 address"
	run -64 --separate-stderr udp-listen -4 -b ::1 0
	assert_equal "${stderr_lines[0]}" "udp-listen: bind address ::1: not an IPv4 address"
	run -64 --separate-stderr udp-listen -6 -b 127.0.0.1 0
	assert_equal "${stderr_lines[0]}" "udp-listen: bind address 127.0.0.1: not an IPv6 address"
}

@test "udp-listen fails with 69 when the port is in use" {
	listen_bg -t 10
	run -69 --separate-stderr udp-listen "$PORT"
	assert_stderr "udp-listen: bind 127.0.0.1 $PORT: Address already in use"
}

@test "udp-listen fails with 77 for a privileged port without the privilege" {
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null || skip "setpriv not found"
		run -77 --separate-stderr setpriv --bounding-set=-net_bind_service udp-listen 80
	else
		(($(cat /proc/sys/net/ipv4/ip_unprivileged_port_start) > 80)) ||
			skip "port 80 needs no privilege here"
		run -77 --separate-stderr udp-listen 80
	fi
	assert_stderr "udp-listen: bind 127.0.0.1 80: Permission denied"
}

@test "udp-listen takes a UDP service name as PORT" {
	require_hermetic	# root in the namespace may bind port 9
	run -75 --separate-stderr udp-listen -v -t 0.1 discard
	assert_equal "${stderr_lines[0]}" "udp-listen: listening on 127.0.0.1 9"
}

@test "udp-listen refuses a bad port with 64" {
	for bad in 65536 -1 1x '' ssh nosuchservice; do
		run -64 --separate-stderr udp-listen -- "$bad"
		assert_regex "${stderr_lines[0]}" "^udp-listen: port $bad: "
		assert_regex "${stderr_lines[1]}" "^usage: udp-listen "
	done
}

@test "udp-listen refuses bad options and operands with 64" {
	run -64 --separate-stderr udp-listen
	assert_equal "${stderr_lines[0]}" "udp-listen: no PORT given"
	run -64 --separate-stderr udp-listen 1 2
	assert_equal "${stderr_lines[0]}" "udp-listen: too many operands"
	run -64 --separate-stderr udp-listen -x --raw 0
	assert_equal "${stderr_lines[0]}" "udp-listen: -x and --raw exclude each other"
	for bad in 0 -1 x 1.5; do
		run -64 --separate-stderr udp-listen -c "$bad" 0
		assert_regex "${stderr_lines[0]}" "^udp-listen: count $bad: "
	done
	for bad in 0 -1 x 1s; do
		run -64 --separate-stderr udp-listen -t "$bad" 0
		assert_regex "${stderr_lines[0]}" "^udp-listen: timeout $bad: "
	done
	run -64 --separate-stderr udp-listen --reply
	assert_equal "${stderr_lines[0]}" "udp-listen: option --reply needs a value"
}

# --- stdout failures: 74 ---------------------------------------------------------------

@test "udp-listen fails with 74 when stdout is full or closed" {
	for out in /dev/full '&-'; do
		rm -f "$T/port"
		if [ "$out" = '&-' ]; then
			spawn udp-listen -t 10 --port-file "$T/port" 0 >&- 2>"$T/err"
		else
			spawn udp-listen -t 10 --port-file "$T/port" 0 >"$out" 2>"$T/err"
		fi
		LPID=$SPAWN_PID
		wait_file "$T/port" "$LPID"
		udp-send 127.0.0.1 "$(<"$T/port")" x
		listen_wait
		assert_equal "$LSTATUS" 74
	done
	assert_equal "$(cat "$T/err")" "udp-listen: write error: stdout: Bad file descriptor"
}

@test "udp-listen -j fails with 74 when stdout is full" {
	spawn udp-listen -j -t 10 --port-file "$T/port" 0 >/dev/full 2>"$T/err"
	LPID=$SPAWN_PID
	wait_file "$T/port" "$LPID"
	udp-send 127.0.0.1 "$(<"$T/port")" x
	listen_wait
	assert_equal "$LSTATUS" 74
	assert_equal "$(cat "$T/err")" "udp-listen: write error: stdout: No space left on device"
}

@test "udp-listen -k ends quietly by SIGPIPE when its reader goes away" {
	for json in "" -j; do
		rm -f "$T/port"
		spawn python3 "$BATS_TEST_DIRNAME/test_helper/closed-pipe.py" udp-listen -k $json -t 10 --port-file "$T/port" 0 \
			2>"$T/err"
		LPID=$SPAWN_PID
		wait_file "$T/port" "$LPID"
		udp-send 127.0.0.1 "$(<"$T/port")" x
		listen_wait
		assert_equal "$LSTATUS" 141
		assert_equal "$(cat "$T/err")" ""
	done
}
