#!/usr/bin/env bats
# tcp-listen --forward: each connection relayed both ways to a target,
# TCP or Unix, checked with real clients and servers on both sides.
# shellcheck disable=SC2154 # bats sets status, output, stderr, lines

BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}

setup_file() { load test_helper/common-setup && random_file 256M; }
setup() { load test_helper/common-setup && _common_setup tcp; }
teardown() { _common_teardown; }

# echo_unix PATH: socat echoing every connection on the Unix socket PATH,
# through cat: socat's PIPE echo deadlocks itself under a big transfer
# (its blocking write of 8 KiB into its own pipe, polled writable with a
# page free, waits for a read only it would make).
echo_unix() {
	# -t: a slow machine closes the echo only once all is back
	spawn socat -t 30 "UNIX-LISTEN:$1,fork" EXEC:cat
	wait_until "$SPAWN_PID" test -S "$1" || fail "$WAIT_WHY: no socket at $1"
}

# http_unix PATH: a Docker-style HTTP API stand-in on the Unix socket PATH.
http_unix() {
	spawn tcp-listen -U -k --reply $'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nOK' "$1"
	wait_until "$SPAWN_PID" test -S "$1" || fail "$WAIT_WHY: no socket at $1"
}

# forward_unix PATH TARGET [ARGS...]: tcp-listen -U PATH --forward TARGET.
forward_unix() {
	local path=$1 target=$2
	shift 2
	LERR="$T/forward.err"
	spawn tcp-listen -U "$path" --forward "$target" "$@" 2>"$LERR"
	LPID=$SPAWN_PID
	wait_until "$LPID" test -S "$path" || fail "$WAIT_WHY: no socket at $path: $(cat "$LERR")"
}

# dialing: tcp-listen has a connect in flight (a SYN sent, not answered).
dialing() {
	ss -Htnp state syn-sent | grep -q '"tcp-listen"'
}

# attempt_fails: how many connects were refused in the tests' network
# namespace (AttemptFails of /proc/net/snmp), so far.
attempt_fails() {
	awk '/^Tcp:/ && n++ { print $8 }' /proc/net/snmp
}

# refused_since N: a connect was refused since attempt_fails said N.
refused_since() {
	[ "$(attempt_fails)" -gt "$1" ]
}

# --- the four directions, with real peers --------------------------------

@test "tcp-listen --forward PATH: curl reaches an HTTP API on a Unix socket over TCP" {
	http_unix "$T/docker.sock"
	start_listen -k --forward "$T/docker.sock"
	run -0 curl -s --max-time 10 "http://127.0.0.1:$PORT/_ping"
	assert_output OK
	run -0 curl -s --max-time 10 "http://127.0.0.1:$PORT/version"
	assert_output OK
	assert_equal "$(cat "$LOUT")" ""
}

@test "tcp-listen -U PATH --forward HOST:PORT: curl --unix-socket reaches a TCP HTTP server" {
	start_listen -k --reply $'HTTP/1.0 200 OK\r\n\r\nfrom tcp'
	forward_unix "$T/api.sock" "127.0.0.1:$PORT" -k
	run -0 curl -s --max-time 10 --unix-socket "$T/api.sock" http://localhost/health
	assert_output "from tcp"
}

@test "tcp-listen --forward HOST:PORT relays 256 MiB each way TCP to TCP, byte for byte" {
	start_peer echo
	start_listen --forward "127.0.0.1:$PORT"
	run -0 bash -c "nc -N 127.0.0.1 $PORT <'$RANDOM_FILE' | cmp - '$RANDOM_FILE'"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
}

@test "tcp-listen --forward PATH relays 256 MiB each way TCP to Unix, byte for byte" {
	# spliced into the Unix socket, through the flow's buffer out of it
	echo_unix "$T/echo.sock"
	start_listen --forward "$T/echo.sock"
	run -0 bash -c "nc -N 127.0.0.1 $PORT <'$RANDOM_FILE' | cmp - '$RANDOM_FILE'"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
}

@test "tcp-listen -U PATH --forward HOST:PORT relays 256 MiB each way Unix to TCP, byte for byte" {
	start_peer echo
	forward_unix "$T/front.sock" "127.0.0.1:$PORT"
	run -0 bash -c "socat -t 10 -b 131072 - 'UNIX-CONNECT:$T/front.sock' <'$RANDOM_FILE' | cmp - '$RANDOM_FILE'"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
}

@test "tcp-listen -U --forward PATH relays 256 MiB each way Unix to Unix, byte for byte" {
	echo_unix "$T/echo.sock"
	forward_unix "$T/front.sock" "$T/echo.sock"
	run -0 bash -c "socat -t 10 -b 131072 - 'UNIX-CONNECT:$T/front.sock' <'$RANDOM_FILE' | cmp - '$RANDOM_FILE'"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	[ ! -e "$T/front.sock" ]
}

@test "tcp-listen --forward '[::1]:PORT' reaches a ::1-only service from 127.0.0.1" {
	start_peer echo ::1
	start_listen -k --forward "[::1]:$PORT"
	run -0 bash -c "printf 'over v6\n' | nc -N 127.0.0.1 $PORT"
	assert_output "over v6"
}

@test "redis-cli talks to redis-server through tcp-listen --forward to its Unix socket" {
	spawn redis-server --port 0 --unixsocket "$T/redis.sock" --save '' \
		--appendonly no --dir "$T"
	wait_until "$SPAWN_PID" test -S "$T/redis.sock" || fail "$WAIT_WHY: no redis"
	start_listen -k --forward "$T/redis.sock"
	run -0 redis-cli -p "$PORT" ping
	assert_output PONG
	run -0 redis-cli -p "$PORT" set greeting "hello relay"
	run -0 redis-cli -p "$PORT" get greeting
	assert_output "hello relay"
	# a pipeline: many commands in one write, answers in order
	run -0 bash -c "printf 'INCR n\r\nINCR n\r\nINCR n\r\n' | redis-cli -p $PORT --pipe"
	run -0 redis-cli -p "$PORT" get n
	assert_output 3
}

# UNPRIVILEGED CMD [ARGS...]: CMD as a user that is not root, as
# PostgreSQL requires: in a user namespace of its own, where we are uid
# 1000 (and own what we owned), for the tests' namespaces map only root.
UNPRIVILEGED=(unshare --user --map-user=1000 --map-group=1000)

@test "psql talks to PostgreSQL through tcp-listen --forward, TCP to Unix and Unix to Unix" {
	local bin
	bin=$(find /usr/lib/postgresql -path '*/bin/postgres' | sort -V | tail -n 1)
	[ -x "$bin" ] || fail "no PostgreSQL server: ./dev deps installs postgresql"
	run -0 "${UNPRIVILEGED[@]}" "${bin%/*}/initdb" -D "$T/pg" -A trust -U relay \
		--no-sync --no-instructions
	# on its Unix socket in the test's directory only, no TCP port
	spawn "${UNPRIVILEGED[@]}" "$bin" -D "$T/pg" -c listen_addresses= \
		-c unix_socket_directories="$T" -c fsync=off 2>"$T/pg.log"
	wait_until "$SPAWN_PID" pg_isready -q -h "$T" -U relay ||
		fail "$WAIT_WHY: PostgreSQL is not up: $(cat "$T/pg.log")"
	start_listen -k --forward "$T/.s.PGSQL.5432"
	run -0 psql -h 127.0.0.1 -p "$PORT" -U relay -d postgres -XAtc \
		"select 1 + 1"
	assert_output 2
	# a health check of the binary protocol: a startup message (protocol
	# 3.0, user relay), and a ParameterStatus, NULs and all, in the reply
	printf '\0\0\0\046\0\003\0\0user\0relay\0database\0postgres\0\0' >"$T/startup"
	tcp-send -r --expect 'server_version.[0-9]+\.[0-9]+' "127.0.0.1:$PORT" \
		<"$T/startup" >"$T/reply"
	run -0 tr '\0' '|' <"$T/reply"
	assert_regex "$output" 'server_version\|[0-9]+\.[0-9]+'
	# a connection that lives on: a table made, filled and read back
	run -0 psql -h 127.0.0.1 -p "$PORT" -U relay -d postgres -XAt <<'SQL'
create table relayed (n int);
insert into relayed select generate_series(1, 1000);
select count(*), sum(n) from relayed;
SQL
	assert_line "1000|500500"
	mkdir "$T/front"
	forward_unix "$T/front/.s.PGSQL.5432" "$T/.s.PGSQL.5432" -k
	run -0 psql -h "$T/front" -U relay -d postgres -XAtc \
		"select count(*) from relayed"
	assert_output 1000
}

@test "python3 and socat relay through a forwarded socket both ways at once" {
	start_peer echo
	start_listen -k --forward "127.0.0.1:$PORT"
	run -0 python3 -c "
import socket
s = socket.create_connection(('127.0.0.1', $PORT), timeout=10)
s.sendall(b'ping')
print(s.recv(4).decode())
s.sendall(b'pong')
s.shutdown(socket.SHUT_WR)
print(s.recv(4).decode(), s.recv(4) == b'')"
	assert_output $'ping\npong True'
	run -0 bash -c "echo via socat | socat -t 5 - TCP:127.0.0.1:$PORT"
	assert_output "via socat"
}

# --- half-close, refusal, silence, resets ---------------------------------

@test "tcp-listen --forward: a client that half-closes still gets the whole reply" {
	start_peer count
	start_listen --forward "127.0.0.1:$PORT"
	head -c 1000000 "$RANDOM_FILE" >"$T/part"
	run -0 bash -c "nc -N 127.0.0.1 $PORT <'$T/part'"
	assert_output "got 1000000 bytes"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
}

@test "tcp-listen -k --forward to a refusing target: the client sees EOF at once and it goes on" {
	local dead
	dead=$(free_port)
	start_listen -k --forward "127.0.0.1:$dead"
	run -0 timeout 5 bash -c "printf x | nc 127.0.0.1 $PORT"
	assert_output ""
	run -0 timeout 5 bash -c "printf x | nc 127.0.0.1 $PORT"
	kill -0 "$LPID"
	run -0 grep -c "^tcp-listen: connect 127.0.0.1 $dead: Connection refused$" "$LERR"
	assert_output 2
}

@test "tcp-listen --forward without -k: the status is the failed dial's" {
	local dead
	dead=$(free_port)
	start_listen --forward "127.0.0.1:$dead"
	run -0 timeout 5 nc -z 127.0.0.1 "$PORT"
	wait_status "$LPID"
	assert_equal "$STATUS" 69
	assert_equal "$(cat "$LERR")" "tcp-listen: connect 127.0.0.1 $dead: Connection refused"
}

@test "tcp-listen --forward -t bounds the dial to a silent target" {
	start_blackhole 127.0.0.1
	start_listen -t 1 --forward "127.0.0.1:$BPORT"
	local start
	start=$(date +%s%3N)
	run -0 timeout 10 nc 127.0.0.1 "$PORT" </dev/null
	wait_status "$LPID"
	assert_equal "$STATUS" 75
	[ "$(ms_since "$start")" -lt 5000 ]
	assert_equal "$(cat "$LERR")" "$(libc_words "tcp-listen: connect 127.0.0.1 $BPORT: Connection timed out")"
}

@test "tcp-listen -k --forward: a dial that waits holds no other connection up, and ends after -t" {
	# relay-target.test is ::1, where the port answers nothing, then
	# 127.0.0.1 (glibc's order): each dial tries ::1, and 127.0.0.1 a
	# quarter of a second later (Happy Eyeballs), where nothing listens
	# at first
	start_blackhole ::1 127.0.0.1
	hosts_add <<<$'::1 relay-target.test\n127.0.0.1 relay-target.test'
	start_listen -k -j -t 4 --forward "relay-target.test:$BPORT"
	# looked up once, at the start: the name may go
	hosts_restore
	local fails
	fails=$(attempt_fails)
	python3 - "$PORT" >"$T/first" <<'PY' 3>&- &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
start = time.monotonic()
print(s.recv(1) == b"", int((time.monotonic() - start) * 1000))
PY
	local first=$!
	# its dial waits on ::1 once 127.0.0.1 refused it
	wait_until "$first" refused_since "$fails" || fail "$WAIT_WHY: no refusal"
	dialing || fail "no dial in flight"
	spawn tcp-listen -k --reply good --port-file "$T/good.port" "$BPORT" 2>"$T/good.err"
	wait_file "$T/good.port" "$SPAWN_PID" "$T/good.err"
	run -0 timeout 10 bash -c "printf x | nc -N 127.0.0.1 $PORT"
	assert_output good
	# served while the first still waits for its dial
	assert_equal "$(cat "$T/first")" ""
	wait "$first"
	run -0 cat "$T/first"
	assert_output --regexp "^True [0-9]+$"
	[ "${output#True }" -ge 3000 ]
	wait_match "$LOUT" '"end":"dial timed out"'
	run -0 jq -c 'select(.event == "close") | [.target, .end]' "$LOUT"
	assert_line --index 0 "[\"127.0.0.1 $BPORT\",\"closed\"]"
	assert_line --index 1 "[\"relay-target.test $BPORT\",\"dial timed out\"]"
	assert_equal "$(cat "$LERR")" "$(libc_words "tcp-listen: connect relay-target.test $BPORT: Connection timed out")"
}

@test "tcp-listen --forward HOST:PORT looks HOST up once, before it listens" {
	run -68 --separate-stderr tcp-listen --port-file "$T/port" --forward "no-such-host.test:80" 0
	assert_stderr "tcp-listen: no-such-host.test: Name or service not known"
	[ ! -e "$T/port" ]
}

@test "tcp-listen --forward: a client that resets mid-stream resets the target's connection" {
	cat >"$T/target.py" <<'PY'
import os, socket, sys
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % srv.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
c, _ = srv.accept()
c.settimeout(10)
try:
    while c.recv(65536):
        pass
    print("eof")
except ConnectionResetError:
    print("reset")
PY
	spawn python3 "$T/target.py" "$T/target.port" >"$T/target.out"
	local tpid=$SPAWN_PID
	wait_file "$T/target.port" "$tpid"
	start_listen --forward "127.0.0.1:$(<"$T/target.port")"
	python3 "$PEER_PY" rstclient "$PORT" "some data"
	wait_status "$tpid"
	assert_equal "$(cat "$T/target.out")" reset
	wait_status "$LPID"
	assert_equal "$STATUS" 74
}

@test "tcp-listen --forward: a target that resets resets the client's connection" {
	start_peer reset 5
	start_listen --forward "127.0.0.1:$PORT"
	run python3 -c "
import socket, time
s = socket.create_connection(('127.0.0.1', $PORT), timeout=10)
s.sendall(b'hello')
try:
    while s.recv(65536):
        pass
    print('eof')
except ConnectionResetError:
    print('reset')"
	assert_output reset
}

# --- many at once, signals, logs ------------------------------------------

@test "tcp-listen -k --forward relays 100 connections at once, each its own bytes" {
	start_peer echo
	local target=$PORT
	# the echo peer serves one at a time: socat serves each at once
	echo_unix "$T/echo.sock"
	start_listen -k --forward "$T/echo.sock"
	run -0 python3 "$BATS_TEST_DIRNAME/test_helper/clients.py" echoed "$PORT" 100 100000
	assert_output 100
	[ -n "$target" ]
}

@test "SIGTERM to tcp-listen -U -k --forward closes every relay and removes the socket file" {
	echo_unix "$T/echo.sock"
	forward_unix "$T/front.sock" "$T/echo.sock" -k
	python3 - "$T/front.sock" "$T/held" >"$T/ends" <<'PY' 3>&- &
import os, socket, sys, time
socks = []
for _ in range(5):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(b"x")
    assert s.recv(1) == b"x"
    socks.append(s)
open(sys.argv[2], "w").close()
for s in socks:
    s.settimeout(10)
    print(s.recv(1) == b"")
PY
	local clients=$!
	wait_until "$clients" test -e "$T/held" || fail "$WAIT_WHY"
	kill -TERM "$LPID"
	wait_status "$LPID"
	assert_equal "$STATUS" 143
	[ ! -e "$T/front.sock" ]
	# each client read an end of file
	wait "$clients"
	assert_equal "$(sort -u "$T/ends")" True
}

@test "tcp-listen --forward -v tells each connection's peer, target, bytes and end" {
	start_peer echo
	local target=$PORT
	start_listen -v --forward "127.0.0.1:$target"
	run -0 bash -c "printf hello | nc -N 127.0.0.1 $PORT"
	wait_status "$LPID"
	run -0 cat "$LERR"
	assert_line --index 1 --regexp "^tcp-listen: connection from 127\\.0\\.0\\.1 [0-9]+ to 127\\.0\\.0\\.1 $target\$"
	assert_line --index 2 --regexp "^tcp-listen: 127\\.0\\.0\\.1 [0-9]+ closed: 5 bytes received, 5 sent, in [0-9.]+ s, closed\$"
	assert_equal "$(cat "$LOUT")" ""
}

@test "tcp-listen --forward -j writes an open and a close object, nothing else" {
	echo_unix "$T/echo.sock"
	start_listen -j --forward "$T/echo.sock"
	run -0 bash -c "printf hello | nc -N 127.0.0.1 $PORT"
	wait_status "$LPID"
	run -0 jq -c '[.event, .target, .received, .sent, .end, (.ms >= 0)]' "$LOUT"
	assert_line --index 0 "[\"open\",\"$T/echo.sock\",null,null,null,false]"
	assert_line --index 1 "[\"close\",\"$T/echo.sock\",5,5,\"closed\",true]"
	assert_equal "${#lines[@]}" 2
}

# --- usage ----------------------------------------------------------------

@test "tcp-listen --forward with --reply, --max-bytes or -x is a usage error" {
	run -64 --separate-stderr tcp-listen --forward /x.sock --reply hi 0
	assert_stderr_regex "--forward.*--reply"
	run -64 --separate-stderr tcp-listen --forward /x.sock --max-bytes 5 0
	assert_stderr_regex "--forward.*--max-bytes"
	run -64 --separate-stderr tcp-listen --forward /x.sock -x 0
	assert_stderr_regex "--forward.*-x"
}

@test "tcp-listen --forward with a malformed target is a usage error" {
	run -64 --separate-stderr tcp-listen --forward db 0
	assert_stderr_regex "^tcp-listen: forward db: "
	run -64 --separate-stderr tcp-listen --forward '[::1' 0
	assert_stderr_regex "^tcp-listen: forward \\[::1: "
	run -64 --separate-stderr tcp-listen --forward 'db:99999' 0
	assert_stderr_regex "99999"
	run -64 --separate-stderr tcp-listen --forward '' 0
}
