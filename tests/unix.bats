#!/usr/bin/env bats
# -U, --unix: Unix-domain sockets in tcp-send, tcp-listen, udp-send and
# udp-listen, stream and datagram, named and abstract, against peers no
# one here wrote (socat, nc -U, python3, curl, logger), with the
# listeners' file rules and the suite's exit codes. Every socket is in
# the test's own directory, or an abstract name of its own.
# shellcheck disable=SC2154 # bats sets status, output, lines, stderr

BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}

setup_file() { load test_helper/common-setup && random_file 64M; }

setup() {
	load test_helper/common-setup
	_common_setup tcp
	S="$T/s.sock"
	# an abstract name no other test shares
	ABSTRACT="@sockutils-test-$$-$BATS_TEST_NUMBER"
	cd "$T" || return
}

teardown() { _common_teardown; }

# wait_socket PATH [PID [ERRFILE]]: until PATH is a socket; fails at
# once if PID has exited, quoting what it wrote to ERRFILE.
wait_socket() {
	wait_until "${2-}" test -S "$1" ||
		fail "$WAIT_WHY before $1 appeared${3+: $(cat "$3")}"
}

# listening_abstract NAME: whether a socket is bound to the abstract NAME.
listening_abstract() {
	grep -qF " $1" /proc/net/unix
}

# wait_abstract NAME: until a socket is bound to the abstract NAME (@...).
wait_abstract() {
	wait_until "" listening_abstract "$1" || fail "$WAIT_WHY waiting for $1"
}

# start_listener TOOL ARGS...: TOOL -U ARGS $S in the background (tcp-listen
# or udp-listen), its stdout in $LOUT and stderr in $LERR; returns once $S
# is there.
start_listener() {
	local tool=$1
	shift
	LOUT="$T/listen.out"
	LERR="$T/listen.err"
	spawn "$tool" -U "$@" "$S" >"$LOUT" 2>"$LERR"
	LPID=$SPAWN_PID
	wait_socket "$S" "$LPID" "$LERR"
}

# stale PATH [dgram]: a socket file at PATH that nothing is bound to.
stale() {
	python3 -c 'import socket, sys
t = socket.SOCK_DGRAM if len(sys.argv) > 2 else socket.SOCK_STREAM
socket.socket(socket.AF_UNIX, t).bind(sys.argv[1])' "$@"
}

# --- tcp-send -U ---------------------------------------------------------

# bats test_tags=valgrind
@test "tcp-send -U sends DATA to socat's UNIX-LISTEN and half-closes" {
	spawn socat -u UNIX-LISTEN:"$S" CREATE:"$T/got"
	local pid=$SPAWN_PID
	wait_socket "$S" "$pid"
	run -0 --separate-stderr tcp-send -U "$S" hello unix
	assert_output ""
	assert_equal "$stderr" ""
	wait_status "$pid"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$T/got")" "hello unix"
}

@test "tcp-send -U -r reads what nc -U answers until it closes" {
	spawn sh -c 'printf "answer\n" | nc -lU "$1" >"$2"' sh "$S" "$T/got"
	wait_socket "$S" "$SPAWN_PID"
	run -0 --separate-stderr tcp-send -U -r "$S" question
	assert_output "answer"
	wait_status "$SPAWN_PID"
	assert_equal "$(cat "$T/got")" "question"
}

@test "tcp-send -U sends 64 MiB from stdin whole to socat" {
	spawn socat -u UNIX-LISTEN:"$S" CREATE:"$T/got"
	local pid=$SPAWN_PID
	wait_socket "$S" "$pid"
	run -0 --separate-stderr tcp-send -U "$S" <"$RANDOM_FILE"
	wait_status "$pid"
	assert_same_bytes "$T/got" "$RANDOM_FILE"
}

@test "tcp-send -U -r receives 64 MiB whole from socat" {
	spawn socat -u OPEN:"$RANDOM_FILE" UNIX-LISTEN:"$S"
	wait_socket "$S" "$SPAWN_PID"
	tcp-send -U -r "$S" </dev/null >"$T/got"
	assert_same_bytes "$T/got" "$RANDOM_FILE"
}

# bats test_tags=valgrind
@test "tcp-send -U talks to python3's AF_UNIX SOCK_STREAM server" {
	spawn python3 -c 'import socket, os, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1] + ".tmp"); s.listen(1); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
c, _ = s.accept()
data = b""
while True:
    b = c.recv(65536)
    if not b:
        break
    data += b
c.sendall(b"got %d bytes\n" % len(data)); c.close()' "$S"
	wait_socket "$S" "$SPAWN_PID"
	run -0 --separate-stderr tcp-send -U -r "$S" 12345
	assert_output "got 6 bytes"
}

@test "tcp-send -U -v names the path and the peer's credentials" {
	spawn socat -u UNIX-LISTEN:"$S" CREATE:"$T/got"
	local pid=$SPAWN_PID
	wait_socket "$S" "$pid"
	run -0 --separate-stderr tcp-send -v -U "$S" x
	assert_stderr_regex "^tcp-send: connected to $S \\(pid [0-9]+, uid $(id -u), gid $(id -g)\\)$"
}

@test "tcp-send -U reaches socat's ABSTRACT-LISTEN by @name" {
	spawn socat -u ABSTRACT-LISTEN:"${ABSTRACT#@}" CREATE:"$T/got"
	local pid=$SPAWN_PID
	wait_abstract "$ABSTRACT"
	run -0 --separate-stderr tcp-send -U "$ABSTRACT" abstract
	wait_status "$pid"
	assert_equal "$(cat "$T/got")" "abstract"
}

@test "tcp-send -U fails with 68 when there is no such socket" {
	run -68 --separate-stderr tcp-send -U "$T/none" x
	assert_stderr "tcp-send: connect $T/none: No such file or directory"
}

@test "tcp-send -U fails with 69 when nothing listens on the socket" {
	stale "$S"
	run -69 --separate-stderr tcp-send -U "$S" x
	assert_stderr "tcp-send: connect $S: Connection refused"
}

@test "tcp-send -U fails with 69 on a datagram socket, saying so" {
	start_listener udp-listen
	run -69 --separate-stderr tcp-send -U "$S" x
	assert_stderr "tcp-send: connect $S: Protocol wrong type for socket (a datagram socket)"
}

@test "tcp-send -U fails with 69 on a file that is not a socket" {
	echo data >"$T/plain"
	run -69 --separate-stderr tcp-send -U "$T/plain" x
	assert_stderr "tcp-send: connect $T/plain: not a socket"
}

@test "tcp-send -U fails with 77 when the socket's permissions forbid it" {
	start_listener tcp-listen --mode 0000
	# root without the capability that overrides permissions
	run -77 --separate-stderr setpriv --bounding-set -dac_override,-dac_read_search \
		tcp-send -U "$S" x
	assert_stderr "tcp-send: connect $S: Permission denied"
}

@test "tcp-send -U waits up to -t for a listener whose queue is full, then fails with 75" {
	spawn python3 -c 'import socket, os, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1] + ".tmp"); s.listen(0)
held = []
while True:    # fill the queue: a connect is refused at once when it is full
    c = socket.socket(socket.AF_UNIX); c.setblocking(False)
    try:
        c.connect(sys.argv[1] + ".tmp"); held.append(c)
    except BlockingIOError:
        break
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(30)' "$S"
	wait_socket "$S" "$SPAWN_PID"
	local start
	start=$(date +%s%3N)
	run -75 --separate-stderr tcp-send -t 0.3 -U "$S" x
	assert_stderr "tcp-send: connect $S: Resource temporarily unavailable"
	[ "$(ms_since "$start")" -ge 300 ] || fail "gave up before -t"
}

@test "tcp-send -U refuses an empty PATH, and -4, -6, -b with 64" {
	run -64 --separate-stderr tcp-send -U ''
	assert_equal "${stderr_lines[0]}" "tcp-send: empty PATH"
	run -64 --separate-stderr tcp-send -U -4 "$S" x
	assert_equal "${stderr_lines[0]}" "tcp-send: -U and -4 exclude each other"
	run -64 --separate-stderr tcp-send -U -6 "$S" x
	assert_equal "${stderr_lines[0]}" "tcp-send: -U and -6 exclude each other"
	run -64 --separate-stderr tcp-send -U -b 127.0.0.1 "$S" x
	assert_equal "${stderr_lines[0]}" "tcp-send: -U and -b exclude each other"
	run -64 --separate-stderr tcp-send -U
	assert_equal "${stderr_lines[0]}" "tcp-send: no PATH given"
	run -64 --separate-stderr tcp-send -U -n "$S"
	assert_equal "${stderr_lines[0]}" "tcp-send: -n needs DATA"
}

@test "tcp-send -U --wait waits for a socket that appears later" {
	spawn sh -c 'sleep 0.3; exec tcp-listen -U "$1" >"$2"' sh "$S" "$T/got"
	run -0 --separate-stderr tcp-send -U --wait 10 "$S" late
	wait_status "$SPAWN_PID"
	assert_equal "$(cat "$T/got")" "late"
}

@test "tcp-send -U --wait waits for a socket file that nothing listens on yet" {
	stale "$S"
	[ -S "$S" ] || fail "no stale socket"
	spawn sh -c 'sleep 0.3; exec tcp-listen -U "$1" >"$2"' sh "$S" "$T/got"
	run -0 --separate-stderr tcp-send -U --wait 10 "$S" late
	wait_status "$SPAWN_PID"
	assert_equal "$(cat "$T/got")" "late"
}

@test "tcp-send -U --wait waits for a long path's socket in a directory made later" {
	local deep
	deep=$T/$(printf 'd%.0s' {1..60})/$(printf 'e%.0s' {1..60})
	[ "${#deep}" -gt 107 ] || fail "not long: ${#deep}"
	spawn sh -c 'sleep 0.3; mkdir -p "$1" && exec tcp-listen -U "$1/s" >"$2"' \
		sh "$deep" "$T/got"
	run -0 --separate-stderr tcp-send -U --wait 10 "$deep/s" late
	wait_status "$SPAWN_PID"
	assert_equal "$(cat "$T/got")" "late"
	run -68 --separate-stderr tcp-send -U "$deep/none/s" x
	assert_stderr "tcp-send: connect $deep/none/s: No such file or directory"
}

@test "tcp-send -U --wait gives up with 75 and says how long it waited" {
	run -75 --separate-stderr tcp-send -U --wait 0.2 "$T/none" x
	assert_stderr "tcp-send: connect $T/none: No such file or directory (gave up waiting after 0.2 s)"
}

@test "tcp-send -z -U checks every path; -j writes \"path\" for each" {
	start_listener tcp-listen -k
	stale "$T/stale"
	run -69 --separate-stderr tcp-send -z -j -U "$S" "$T/stale" "$T/none"
	assert_equal "${#lines[@]}" 3
	assert_equal "$(jq -c '[.path, .open, .error // "", has("host"), has("address")]' <<<"${lines[0]}")" \
		"[\"$S\",true,\"\",false,false]"
	assert_equal "$(jq -c '[.path, .open, .error]' <<<"${lines[1]}")" \
		"[\"$T/stale\",false,\"Connection refused\"]"
	assert_equal "$(jq -c '[.path, .open, .error]' <<<"${lines[2]}")" \
		"[\"$T/none\",false,\"No such file or directory\"]"
	run -0 --separate-stderr tcp-send -z -U "$S" "$S"
}

# --- tcp-listen -U -------------------------------------------------------

@test "tcp-listen -U writes what socat's UNIX-CONNECT sends, then removes its socket" {
	start_listener tcp-listen
	echo "from socat" | socat -u - UNIX-CONNECT:"$S"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$LOUT")" "from socat"
	[ ! -e "$S" ] || fail "$S is left behind"
}

@test "tcp-listen -U takes nc -U and python3 clients, and 64 MiB whole" {
	start_listener tcp-listen -c 3
	echo "from nc" | nc -NU "$S"
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1])
s.sendall(b"from python\n"); s.close()' "$S"
	socat -u OPEN:"$RANDOM_FILE" UNIX-CONNECT:"$S"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	head -n 2 "$LOUT" >"$T/first"
	assert_equal "$(cat "$T/first")" "from nc
from python"
	tail -c +21 "$LOUT" >"$T/rest"
	assert_same_bytes "$T/rest" "$RANDOM_FILE"
}

@test "tcp-listen -U --reply answers curl --unix-socket" {
	start_listener tcp-listen -k --reply $'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'
	run -0 --separate-stderr curl -s --max-time 5 --unix-socket "$S" http://localhost/health
	assert_output "ok"
	run -0 grep -c '^GET /health HTTP/1.1' "$LOUT"
}

@test "tcp-listen -U -v reports the path and each peer's credentials" {
	start_listener tcp-listen -v
	tcp-send -U "$S" x
	wait_status "$LPID"
	assert_equal "$(sed -n 1p "$LERR")" "tcp-listen: listening on $S"
	assert_regex "$(sed -n 2p "$LERR")" "^tcp-listen: connection from unnamed \\(pid [0-9]+, uid $(id -u), gid $(id -g)\\)$"
}

@test "tcp-listen -U -j names a client's path, and null for one without an address" {
	start_listener tcp-listen -j -c 2
	echo unnamed | tcp-send -U "$S"
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(sys.argv[2])
s.connect(sys.argv[1]); s.sendall(b"named\n"); s.close()' "$S" "$T/client.sock"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	run -0 jq -c '[.event // "data", .path, .data // ""]' "$LOUT"
	assert_equal "${lines[0]}" '["open",null,""]'
	assert_equal "${lines[1]}" '["data",null,"unnamed\n"]'
	assert_line '["data","'"$T"'/client.sock","named\n"]'
}

@test "tcp-listen -U -k -j -v tells clients without an address apart by their number, open to close" {
	start_listener tcp-listen -k -j -v -c 2
	# two at once from one process: the same credentials, no path
	python3 -c 'import socket, sys
a, b = (socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) for _ in "ab")
a.connect(sys.argv[1]); b.connect(sys.argv[1])
b.sendall(b"from b\n"); a.sendall(b"from a\n"); a.close(); b.close()' "$S"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	run -0 jq -r 'select(.data) | "\(.connection) \(.data | rtrimstr("\n"))"' "$LOUT"
	assert_equal "$(sort <<<"$output")" "$(printf '1 from a\n2 from b')"
	run -0 jq -c 'select(.event == "close") | [.connection, .received]' "$LOUT"
	assert_equal "$(sort <<<"$output")" "$(printf '[1,7]\n[2,7]')"
	run -0 grep -c -e 'connection from unnamed #1 (' -e 'unnamed #2 closed: 7 bytes' "$LERR"
	assert_output 2
}

@test "tcp-listen -U on an @name listens in the abstract namespace, for socat's ABSTRACT-CONNECT" {
	spawn tcp-listen -U "$ABSTRACT"
	local pid=$SPAWN_PID
	wait_abstract "$ABSTRACT"
	spawn tcp-listen -U "$ABSTRACT"
	wait_status "$SPAWN_PID"
	assert_equal "$STATUS" 69
	echo abstract | socat -u - ABSTRACT-CONNECT:"${ABSTRACT#@}"
	wait_status "$pid"
	assert_equal "$STATUS" 0
	[ -z "$(ls -A "$T")" ] || fail "files made: $(ls -A "$T")"
}

@test "tcp-listen -U: the path appears only once it listens, and nothing else does" {
	mkdir "$T/d"
	S=$T/d/s.sock
	start_listener tcp-listen -k
	# no retry: the first connect after the file appears is accepted
	run -0 --separate-stderr tcp-send -z -U "$S"
	run -0 ls -A "$T/d"
	assert_output "s.sock"
}

@test "tcp-listen -U replaces a stale socket file" {
	stale "$S"
	start_listener tcp-listen -v
	# the stale file was there all along: wait for the new one
	wait_match "$LERR" "^tcp-listen: listening on " "$LPID"
	echo fresh | tcp-send -U "$S"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$LOUT")" "fresh"
}

@test "tcp-listen -U fails with 69 and leaves alone a socket that is in use" {
	# what an emulator cannot do: lib/unix.c asks unix_diag, which takes
	# no connection from the listener; without it, the fallback's connect
	# takes this tcp-listen's one connection, and it ends
	is_emulated && skip "qemu-user has no NETLINK_SOCK_DIAG sockets"
	start_listener tcp-listen
	local first=$LPID
	run -69 --separate-stderr tcp-listen -U "$S"
	assert_stderr "tcp-listen: bind $S: a socket there is in use"
	echo still | tcp-send -U "$S"
	wait_status "$first"
	assert_equal "$(cat "$LOUT")" "still"
}

@test "tcp-listen -U fails with 69 and leaves alone a file that is not a socket" {
	echo precious >"$S"
	run -69 --separate-stderr tcp-listen -U "$S"
	assert_stderr "tcp-listen: bind $S: exists and is not a socket"
	assert_equal "$(cat "$S")" "precious"
}

@test "tcp-listen -U removes its socket after -c, after -t, and on SIGINT, SIGTERM and SIGHUP" {
	start_listener tcp-listen -c 1
	tcp-send -U "$S" x
	wait_status "$LPID"
	[ ! -e "$S" ] || fail "left after -c"
	start_listener tcp-listen -t 0.1
	wait_status "$LPID"
	assert_equal "$STATUS" 75
	[ ! -e "$S" ] || fail "left after -t"
	for sig in INT TERM HUP; do
		start_listener tcp-listen -k
		kill -s "$sig" "$LPID"
		wait_status "$LPID"
		assert_equal "$STATUS" $((128 + $(kill -l "$sig")))
		[ ! -e "$S" ] || fail "left after SIG$sig"
	done
}

@test "tcp-listen -U leaves a socket that replaced its own" {
	start_listener tcp-listen -k
	rm "$S"
	stale "$S"
	kill "$LPID"
	wait_status "$LPID"
	[ -S "$S" ] || fail "the other socket was removed"
}

@test "tcp-listen -U --mode sets the socket file's permissions before it appears" {
	start_listener tcp-listen -k --mode 0660
	run -0 stat -c %a "$S"
	assert_output "660"
	run -64 --separate-stderr tcp-listen --mode 0660 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: --mode needs -U"
	run -64 --separate-stderr tcp-listen -U --mode 0999 "$T/x"
	assert_equal "${stderr_lines[0]}" "tcp-listen: mode 0999: not an octal mode such as 0660"
	run -64 --separate-stderr tcp-listen -U --mode 01777 "$T/x"
	assert_equal "${stderr_lines[0]}" "tcp-listen: mode 01777: too large (at most 0777)"
}

@test "tcp-listen -U and tcp-send -U work on a path longer than sun_path holds" {
	local deep
	deep=$T/$(printf 'd%.0s' {1..60})/$(printf 'e%.0s' {1..60})
	mkdir -p "$deep"
	S=$deep/long.sock
	[ "${#S}" -gt 107 ] || fail "not long: ${#S}"
	start_listener tcp-listen
	echo deep | tcp-send -U "$S"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$LOUT")" "deep"
	[ -z "$(ls -A "$deep")" ] || fail "left: $(ls -A "$deep")"
}

@test "tcp-listen -U refuses with 64 a file name longer than sun_path holds, naming the limit" {
	local name
	name=$(printf 'n%.0s' {1..120})
	run -64 --separate-stderr tcp-listen -U "$T/$name"
	assert_equal "${stderr_lines[0]}" "tcp-listen: path $T/$name: file name too long for a socket address (sun_path holds 107 bytes)"
	run -64 --separate-stderr tcp-send -U "@$name"
	assert_equal "${stderr_lines[0]}" "tcp-send: path @$name: abstract name too long (sun_path holds 107 bytes)"
}

@test "tcp-listen -U refuses -4, -6, -b and --port-file with 64" {
	for opt in -4 -6 "-b 127.0.0.1" "--port-file $T/pf"; do
		# shellcheck disable=SC2086 # an option and its value
		run -64 --separate-stderr tcp-listen -U $opt "$S"
		assert_equal "${stderr_lines[0]}" "tcp-listen: -U and ${opt%% *} exclude each other"
	done
	run -64 --separate-stderr tcp-listen -U
	assert_equal "${stderr_lines[0]}" "tcp-listen: no PATH given"
}

# --- udp-send -U and udp-listen -U ----------------------------------------

@test "udp-send -U sends a datagram to socat's UNIX-RECVFROM" {
	spawn socat -u UNIX-RECVFROM:"$S" CREATE:"$T/got"
	wait_socket "$S" "$SPAWN_PID"
	run -0 --separate-stderr udp-send -U "$S" dgram
	wait_status "$SPAWN_PID"
	assert_equal "$(cat "$T/got")" "dgram"
}

@test "udp-send -U -l sends a datagram per line to python3's SOCK_DGRAM socket" {
	spawn python3 -c 'import socket, os, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1] + ".tmp"); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
for i in range(3):
    print(repr(s.recv(100)), flush=True)' "$S" >"$T/got"
	local pid=$SPAWN_PID
	wait_socket "$S" "$pid"
	printf 'one\ntwo\nthree\n' | udp-send -U -l -n "$S"
	wait_status "$pid"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$T/got")" "b'one'
b'two'
b'three'"
}

@test "udp-send -U -r binds an address of its own, so that the peer can answer" {
	spawn python3 -c 'import socket, os, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1] + ".tmp"); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
data, peer = s.recvfrom(100)
s.sendto(b"answer to " + data, peer)' "$S"
	wait_socket "$S" "$SPAWN_PID"
	run -0 --separate-stderr udp-send -U -r -n "$S" question
	assert_output "answer to question"
}

@test "udp-send -U fails with 65 for a datagram larger than the kernel takes" {
	start_listener udp-listen -k
	head -c 400000 /dev/zero >"$T/big"
	run -65 --separate-stderr udp-send -U "$S" <"$T/big"
	assert_stderr "udp-send: stdin: datagram too long: 400000 bytes, more than the socket's send buffer holds"
	head -c 100000 /dev/urandom >"$T/medium"
	run -0 --separate-stderr udp-send -U -n "$S" <"$T/medium"
}

@test "udp-send -U fails with 68 for no socket, 69 for a stale one or a stream socket" {
	run -68 --separate-stderr udp-send -U "$T/none" x
	assert_stderr "udp-send: connect $T/none: No such file or directory"
	stale "$S" dgram
	run -69 --separate-stderr udp-send -U "$S" x
	assert_stderr "udp-send: connect $S: Connection refused"
	rm "$S"
	start_listener tcp-listen -k
	run -69 --separate-stderr udp-send -U "$S" x
	assert_stderr "udp-send: connect $S: Protocol wrong type for socket (a stream socket)"
	run -64 --separate-stderr udp-send -U -4 "$S" x
}

@test "udp-listen -U receives from logger -u, socat UNIX-SENDTO and python3; -j shows unnamed senders as null" {
	start_listener udp-listen -j -c 3
	logger -u "$S" "deploy done"
	echo "from socat" | socat -u - UNIX-SENDTO:"$S"
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[2])
s.sendto(b"from python", sys.argv[1])' "$S" "$T/py.sock"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	run -0 jq -c '[.path, .data]' "$LOUT"
	assert_regex "${lines[0]}" '^\[null,"<13>.*deploy done"\]$'
	assert_equal "${lines[1]}" '[null,"from socat\n"]'
	assert_equal "${lines[2]}" "[\"$T/py.sock\",\"from python\"]"
	[ ! -e "$S" ] || fail "$S is left behind"
}

@test "udp-listen -U --reply answers only senders that have an address; -v shows every sender's credentials" {
	start_listener udp-listen -v -k --reply pong
	logger -u "$S" unnamed
	run -0 --separate-stderr udp-send -U -r "$S" ping
	assert_output "pong"
	kill "$LPID"
	wait_status "$LPID"
	run -0 cat "$LERR"
	assert_line --index 0 "udp-listen: listening on $S"
	assert_regex "${lines[1]}" "^udp-listen: received [0-9]+ bytes from unnamed \\(pid [0-9]+, uid $(id -u), gid $(id -g)\\)$"
	assert_regex "${lines[2]}" "^udp-listen: received 5 bytes from @[0-9a-f]+ \\(pid [0-9]+, uid $(id -u), gid $(id -g)\\)$"
	assert_regex "${lines[3]}" '^udp-listen: sent 4 bytes to @[0-9a-f]+$'
	[ "${#lines[@]}" -eq 4 ] || fail "more: $output"
}

@test "udp-listen -U on an @name receives from socat's ABSTRACT-SENDTO" {
	spawn udp-listen -U "$ABSTRACT"
	local pid=$SPAWN_PID
	wait_abstract "$ABSTRACT"
	echo abstract | socat -u - ABSTRACT-SENDTO:"${ABSTRACT#@}" >"$T/got"
	wait_status "$pid"
	assert_equal "$STATUS" 0
}

@test "udp-listen -U keeps the file rules of tcp-listen -U" {
	echo precious >"$S"
	run -69 --separate-stderr udp-listen -U "$S"
	assert_stderr "udp-listen: bind $S: exists and is not a socket"
	rm "$S"
	stale "$S" dgram
	start_listener udp-listen -v -k --mode 0620
	wait_match "$LERR" "^udp-listen: listening on " "$LPID"
	run -0 stat -c %a "$S"
	assert_output "620"
	run -69 --separate-stderr udp-listen -U "$S"
	assert_stderr "udp-listen: bind $S: a socket there is in use"
	kill -HUP "$LPID"
	wait_status "$LPID"
	assert_equal "$STATUS" 129
	[ ! -e "$S" ] || fail "$S is left behind"
}
