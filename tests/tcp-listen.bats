#!/usr/bin/env bats
# tcp-listen: accept connections and print what they send.
# shellcheck disable=SC2154 # bats sets status, output, stderr, lines

BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}

setup_file() { load test_helper/common-setup && random_file 64M; }
setup() { load test_helper/common-setup && _common_setup tcp; }
teardown() { _common_teardown; }

# --- receiving ------------------------------------------------------------

@test "tcp-listen writes what a connection sends and exits 0 when the peer closes" {
	start_listen
	run -0 tcp-send 127.0.0.1 "$PORT" hello world
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$LOUT")" "hello world"
	assert_equal "$(cat "$LERR")" ""
}

@test "tcp-listen passes every byte value to a pipe or file unchanged" {
	python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 3)' >"$T/bytes"
	start_listen
	run -0 tcp-send 127.0.0.1 "$PORT" <"$T/bytes"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	cmp "$T/bytes" "$LOUT"
}

@test "tcp-listen writes to a pipe, a file and a file opened for appending alike" {
	rm -f "$T/listen.port"
	spawn sh -c "tcp-listen --port-file '$T/listen.port' 0 | cat >'$T/piped'"
	LPID=$SPAWN_PID
	wait_file "$T/listen.port" "$LPID"
	cat "$RANDOM_FILE" | tcp-send 127.0.0.1 "$(<"$T/listen.port")"
	wait_status "$LPID"
	assert_same_bytes "$T/piped" "$RANDOM_FILE"

	echo first >"$T/appended"
	rm -f "$T/listen.port"
	spawn tcp-listen --port-file "$T/listen.port" 0 >>"$T/appended"
	LPID=$SPAWN_PID
	wait_file "$T/listen.port" "$LPID"
	tcp-send 127.0.0.1 "$(<"$T/listen.port")" second
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$T/appended")" "$(printf 'first\nsecond')"
}

@test "tcp-listen --port-file writes the port and a newline once it listens" {
	start_listen
	run -0 cat "$T/listen.port"
	assert_output --regexp '^[1-9][0-9]*$'
	assert_equal "$(wc -c <"$T/listen.port")" "$((${#output} + 1))"
	# listening already: a connection is accepted at once
	run -0 tcp-send -z 127.0.0.1 "$PORT"
}

@test "tcp-listen --port-file that cannot be written fails before listening" {
	run -71 --separate-stderr tcp-listen --port-file "$T/no/such/dir/port" 0
	assert_stderr "tcp-listen: $T/no/such/dir/port: No such file or directory"
}

@test "tcp-listen -v reports the address it listens on and each peer" {
	start_listen -v
	run -0 tcp-send -b 127.0.0.2 127.0.0.1 "$PORT" x
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	run -0 cat "$LERR"
	assert_line --index 0 "tcp-listen: listening on 127.0.0.1 $PORT"
	assert_line --index 1 --regexp '^tcp-listen: connection from 127\.0\.0\.2 [0-9]+$'
}

@test "tcp-listen binds 127.0.0.1 by default and with -4, ::1 with -6" {
	start_listen -v -4
	wait_match "$LERR" 'listening on (.*)'
	assert_equal "$MATCH" "127.0.0.1 $PORT"
	start_listen -v
	wait_match "$LERR" 'listening on (.*)'
	assert_equal "$MATCH" "127.0.0.1 $PORT"
	run -69 tcp-send ::1 "$PORT" x
	run -0 tcp-send 127.0.0.1 "$PORT" x
	start_listen -v -6
	wait_match "$LERR" 'listening on (.*)'
	assert_equal "$MATCH" "::1 $PORT"
	run -69 tcp-send 127.0.0.1 "$PORT" x
	run -0 tcp-send ::1 "$PORT" x
}

@test "tcp-listen -b listens on the address given: 0.0.0.0, :: or one address" {
	start_listen -v -b 0.0.0.0
	wait_match "$LERR" 'listening on (.*)'
	assert_equal "$MATCH" "0.0.0.0 $PORT"
	run -0 tcp-send 127.0.0.2 "$PORT" x
	start_listen -v -b ::
	wait_match "$LERR" 'listening on (.*)'
	assert_equal "$MATCH" ":: $PORT"
	run -0 tcp-send ::1 "$PORT" x
	start_listen -v -b 127.0.0.2
	run -69 tcp-send 127.0.0.1 "$PORT" x
	run -0 tcp-send 127.0.0.2 "$PORT" x
}

@test "tcp-listen takes a service name as PORT" {
	require_hermetic	# root of its own network namespace: port 80 is free
	run -75 --separate-stderr tcp-listen -v -t 0.01 http
	assert_equal "${stderr_lines[0]}" "tcp-listen: listening on 127.0.0.1 80"
}

# bats test_tags=valgrind
@test "tcp-listen -k accepts one connection after another" {
	start_listen -k
	for word in one two three; do
		run -0 tcp-send 127.0.0.1 "$PORT" "$word"
	done
	run -0 tcp-send -z 127.0.0.1 "$PORT"
	kill "$LPID"
	assert_equal "$(cat "$LOUT")" "$(printf 'one\ntwo\nthree')"
}

@test "tcp-listen -c stops after COUNT connections and stops listening" {
	start_listen -c 2
	run -0 tcp-send 127.0.0.1 "$PORT" one
	run -0 tcp-send 127.0.0.1 "$PORT" two
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$LOUT")" "$(printf 'one\ntwo')"
	run -69 tcp-send 127.0.0.1 "$PORT" three
}

@test "tcp-listen without -k stops listening once a connection is accepted" {
	start_listen -v
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"	# held open: tcp-send's stdin does not end
	spawn tcp-send 127.0.0.1 "$PORT" <"$T/fifo" 5>&-
	wait_match "$LERR" 'connection from' "$LPID"
	run -69 --separate-stderr tcp-send 127.0.0.1 "$PORT" second
	assert_stderr "tcp-send: connect 127.0.0.1 $PORT: Connection refused"
	echo first >&5
	exec 5>&-
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$LOUT")" first
}

@test "tcp-listen -t gives up waiting for a connection with 75" {
	run -75 --separate-stderr tcp-listen -t 0.2 0
	assert_stderr "tcp-listen: accept: no connection in 0.2 s"
}

@test "tcp-listen -t gives up on a connection idle that long with 75" {
	start_listen -t 0.3
	# bash's own connection, at once: -t bounds the wait for one too,
	# which a client process slow to start on a busy machine would miss
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'partial' >&5
	wait_status "$LPID"
	exec 5>&-
	assert_equal "$STATUS" 75
	assert_equal "$(cat "$LOUT")" partial
	run -0 cat "$LERR"
	assert_output --regexp '^tcp-listen: 127\.0\.0\.1 [0-9]+: idle for 0\.3 s$'
}

@test "tcp-listen -k -t: an idle connection is closed and the next one served" {
	start_listen -k -t 0.5
	# bash's own connections, at once (as above)
	exec 5<>"/dev/tcp/127.0.0.1/$PORT"
	wait_match "$LERR" 'idle for' "$LPID"
	exec 5>&- 6<>"/dev/tcp/127.0.0.1/$PORT"
	echo next >&6
	exec 6>&-
	wait_status "$LPID"	# then no connection for 0.5 s
	assert_equal "$STATUS" 75
	assert_equal "$(cat "$LOUT")" next
}

@test "tcp-listen --max-bytes reads at most N bytes from a connection, then closes it" {
	start_listen -k --max-bytes 5
	run -0 tcp-send 127.0.0.1 "$PORT" abc
	run tcp-send 127.0.0.1 "$PORT" <"$RANDOM_FILE"
	# the rest is refused with a reset
	assert_equal "$status" 74
	run -0 tcp-send -n 127.0.0.1 "$PORT" 12345
	kill "$LPID"
	assert_equal "$(cat "$LOUT")" "$(printf 'abc\n%s12345' "$(head -c 5 "$RANDOM_FILE")")"
}

@test "tcp-listen --max-bytes 0 closes each connection at once" {
	start_listen --max-bytes 0 --reply 'bye\n'
	run -0 tcp-send -r 127.0.0.1 "$PORT"
	assert_output bye
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(wc -c <"$LOUT")" 0
}

# --- many clients at once (-k) -------------------------------------------

CLIENTS_PY="$BATS_TEST_DIRNAME/test_helper/clients.py"
STREAMS_PY="$BATS_TEST_DIRNAME/test_helper/streams.py"

# hold_idle N: N connections to PORT, open and silent until teardown.
hold_idle() {
	rm -f "$T/held"
	spawn python3 "$CLIENTS_PY" hold "$PORT" "$1" "$T/held"
	HOLD_PID=$SPAWN_PID
	wait_file "$T/held" "$HOLD_PID"
}

# accept_queue: how many connections wait in the accept queue of PORT.
accept_queue() {
	ss -Hltn "sport = :$PORT" | awk '{ print $2 }'
}

# queued N: N connections wait in PORT's accept queue.
queued() {
	[ "$(accept_queue)" = "$1" ]
}

# wait_queue N: until N connections wait in PORT's accept queue.
wait_queue() {
	wait_until "$LPID" queued "$1" || fail "$WAIT_WHY; accept queue: $(accept_queue), not $1"
}

# counted FILE REGEX N: N lines of FILE match REGEX.
counted() {
	[ "$(grep -c -- "$2" "$1")" = "$3" ]
}

# wait_count FILE REGEX N [PID]: until N lines of FILE match REGEX.
wait_count() {
	wait_until "${4-}" counted "$1" "$2" "$3" ||
		fail "$WAIT_WHY; $(grep -c -- "$2" "$1") lines of $1 match /$2/, not $3"
}

# bats test_tags=valgrind
@test "tcp-listen -k: an idle client does not delay another's --reply" {
	start_listen -k --reply 'HTTP/1.0 200 OK\r\n\r\nok'
	hold_idle 1
	start=$(date +%s%3N)
	run -0 curl -sS --max-time 5 "http://127.0.0.1:$PORT/health"
	assert_output ok
	# 100 ms in the benchmark; bounded generously for a loaded machine
	[ "$(ms_since "$start")" -lt 2000 ]
}

@test "tcp-listen -k: 200 clients at once, 100 numbered lines each: every line whole, each peer's in order" {
	start_listen -k -v
	run -0 python3 "$CLIENTS_PY" lines "$PORT" 200 100
	wait_count "$LERR" ' closed: ' 200 "$LPID"
	run -0 python3 "$STREAMS_PY" lines "$LOUT" 200 100
	# each peer's count of bytes is what one of them sent
	awk 'BEGIN {
		for (i = 0; i < 200; i++) {
			n = 0
			for (j = 0; j < 100; j++)
				n += length("peer " i " line " j "\n")
			print n
		}
	}' | sort -n >"$T/want"
	sed -n 's/.* closed: \([0-9]*\) bytes received, 0 sent$/\1/p' "$LERR" |
		sort -n | cmp - "$T/want"
	assert_equal "$(grep -vc -e ' closed: ' -e 'connection from' -e 'listening on' "$LERR")" 0
}

@test "tcp-listen -k: one client alone passes its bytes as they come, without waiting for a newline" {
	start_listen -k
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"	# held open: tcp-send's stdin does not end
	spawn tcp-send 127.0.0.1 "$PORT" <"$T/fifo" 5>&-
	printf 'no newline yet' >&5
	wait_match "$LOUT" 'no newline yet' "$LPID"
	assert_equal "$(cat "$LOUT")" "no newline yet"
	exec 5>&-
}

@test "tcp-listen -k: a line another client left unfinished is not broken into" {
	start_listen -k
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"
	spawn tcp-send 127.0.0.1 "$PORT" <"$T/fifo" 5>&-
	SENDER=$SPAWN_PID
	printf 'first half, ' >&5
	wait_match "$LOUT" 'first half, ' "$LPID"
	run -0 tcp-send 127.0.0.1 "$PORT" 'a whole line from another'
	printf 'second half\n' >&5
	exec 5>&-
	wait_status "$SENDER"
	run -0 tcp-send -z 127.0.0.1 "$PORT"
	wait_lines "$LOUT" 2 "$LPID"
	assert_equal "$(cat "$LOUT")" "$(printf 'first half, second half\na whole line from another')"
}

@test "tcp-listen -k: a client gone idle half-way through a line holds the others' lines off only a while" {
	start_listen -k
	mkfifo "$T/fifo"
	exec 5<>"$T/fifo"
	spawn tcp-send 127.0.0.1 "$PORT" <"$T/fifo" 5>&-
	printf 'half a line, then nothing' >&5
	wait_match "$LOUT" 'then nothing' "$LPID"
	run -0 tcp-send 127.0.0.1 "$PORT" 'a whole line from another'
	# written while the first is still open and silent
	wait_match "$LOUT" 'a whole line from another' "$LPID"
	printf ' and the rest\n' >&5
	exec 5>&-
	run -0 tcp-send -z 127.0.0.1 "$PORT"
	wait_lines "$LOUT" 2 "$LPID"
	assert_equal "$(cat "$LOUT")" "$(printf 'half a line, then nothinga whole line from another\n and the rest')"
}

@test "tcp-listen -k -j: 4 clients at once sending 16 MiB each: each peer's bytes reassemble to the same SHA-256" {
	start_listen -k -j
	run -0 python3 "$CLIENTS_PY" random "$PORT" 4 $((16 * 1024 * 1024))
	sort <<<"$output" >"$T/want"
	wait_count "$LOUT" '"event":"close"' 4 "$LPID"
	run -0 python3 "$STREAMS_PY" json "$LOUT"
	assert_equal "$output" "$(cat "$T/want")"
}

# bats test_tags=valgrind
@test "tcp-listen -j writes an open, data and a close object, udp-listen -j's form" {
	start_listen -j --reply 'ok\n'
	run -0 tcp-send -b 127.0.0.2 -r 127.0.0.1 "$PORT" 'héllo "you"'
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	run -0 jq -c '.port = 0' "$LOUT"
	assert_line --index 0 '{"event":"open","address":"127.0.0.2","port":0}'
	assert_line --index 1 '{"address":"127.0.0.2","port":0,"length":13,"data":"héllo \"you\"\n"}'
	assert_line --index 2 '{"event":"close","address":"127.0.0.2","port":0,"received":13,"sent":3}'
	assert_equal "${#lines[@]}" 3
	# one peer's port in every object
	assert_equal "$(jq .port "$LOUT" | sort -u | wc -l)" 1
}

@test "tcp-listen --json writes bytes that are not UTF-8 as base64" {
	start_listen --json
	printf 'a\377\000b' | tcp-send 127.0.0.1 "$PORT"
	wait_status "$LPID"
	run -0 jq -c 'select(.length) | [.length, .base64, .data]' "$LOUT"
	assert_output '[4,"Yf8AYg==",null]'
}

@test "tcp-listen -k --reply serves ab -n 5000 -c 50 with no failed request" {
	start_listen -k --reply 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok' >/dev/null
	run -0 ab -q -n 5000 -c 50 "http://127.0.0.1:$PORT/"
	assert_line --regexp '^Complete requests: +5000$'
	assert_line --regexp '^Failed requests: +0$'
	refute_line --partial 'Non-2xx'
}

@test "tcp-listen -k --reply serves curl --parallel with every request answered" {
	start_listen -k --reply 'HTTP/1.0 200 OK\r\n\r\nok'
	hold_idle 5
	run -0 curl -sS --max-time 20 --parallel --parallel-max 50 \
		-w '%{http_code}\n' -o /dev/null "http://127.0.0.1:$PORT/[1-200]"
	assert_equal "$(grep -c '^200$' <<<"$output")" 200
}

# bats test_tags=valgrind
@test "tcp-listen -c COUNT under concurrency: stops once COUNT clients have come and ended" {
	start_listen -c 20 --reply 'ok\n'
	run -0 python3 "$CLIENTS_PY" wave "$PORT" 20
	assert_equal "$(grep -c '^ok$' <<<"$output")" 20
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(sort "$LOUT")" "$(for i in {0..19}; do echo "wave $i"; done | sort)"
	run -69 tcp-send 127.0.0.1 "$PORT" late
}

# bats test_tags=valgrind
@test "tcp-listen --max-conns N: the next client waits in the accept queue until one closes" {
	start_listen -k --max-conns 2 --reply 'ok\n'
	hold_idle 2
	spawn tcp-send -r 127.0.0.1 "$PORT" third >"$T/third"
	THIRD=$SPAWN_PID
	wait_queue 1
	assert_equal "$(wc -c <"$T/third")" 0
	kill "$HOLD_PID"
	wait_status "$THIRD"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$T/third")" ok
}

# sockets PID N: process PID has N sockets open.
sockets() {
	[ "$(find "/proc/$1/fd" -lname 'socket:*' | wc -l)" = "$2" ]
}

@test "tcp-listen -k serves 100 connections at once by default, the rest queued" {
	start_listen -k --reply 'ok\n'
	tool=$(pgrep -P "$LPID")
	hold_idle 101
	# the listener and 100 connections, never more
	wait_until "$LPID" sockets "$tool" 101 || fail "$WAIT_WHY before 100 were open"
	wait_queue 1
	sockets "$tool" 101
}

@test "tcp-listen -k --max-bytes and -t are each connection's own" {
	# long enough for python to start and connect before -t ends the wait
	start_listen -k -v --max-bytes 4 -t 3
	hold_idle 1
	pids=()
	for _ in 1 2 3; do
		tcp-send -n 127.0.0.1 "$PORT" wave 3>&- &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid"
	done
	wait_match "$LERR" 'idle for 3 s'
	assert_equal "$(cat "$LOUT")" wavewavewave
	assert_equal "$(grep -c ' closed: 4 bytes received, 0 sent$' "$LERR")" 3
	assert_equal "$(grep -c 'idle for' "$LERR")" 1
}

@test "tcp-listen -k out of descriptors: every client served in the end, no spinning while it waits" {
	rm -f "$T/listen.port"
	spawn bash -c 'ulimit -n 16 && exec tcp-listen -k --reply "ok\n" --port-file "$1" 0' - \
		"$T/listen.port" >"$T/out" 2>"$T/err"
	LPID=$SPAWN_PID
	wait_file "$T/listen.port" "$LPID"
	PORT=$(<"$T/listen.port")
	tool=$(pgrep -P "$LPID")
	hold_idle 20	# more than 16 descriptors take
	wait_match "$T/err" "accept: ($(libc_words 'Too many open files'))"
	# its CPU time over a second of waiting: clock ticks, utime + stime
	before=$(awk '{ print $14 + $15 }' "/proc/$tool/stat")
	sleep 1	# not readiness: the time it would spin in
	after=$(awk '{ print $14 + $15 }' "/proc/$tool/stat")
	[ $((after - before)) -le 5 ] || fail "$((after - before)) ticks of CPU in 1 s"
	spawn python3 "$CLIENTS_PY" wave "$PORT" 100
	WAVE=$SPAWN_PID
	kill "$HOLD_PID"
	wait_status "$WAVE"
	assert_equal "$STATUS" 0
	wait_lines "$T/out" 100 "$LPID"
	assert_equal "$(sort "$T/out")" "$(for i in {0..99}; do echo "wave $i"; done | sort)"
	# said once; -v says it each time
	assert_equal "$(grep -c "accept: $(libc_words 'Too many open files')" "$T/err")" 1
}

@test "tcp-listen -k -v out of descriptors: says so each time it runs out" {
	rm -f "$T/listen.port"
	spawn bash -c 'ulimit -n 16 && exec tcp-listen -k -v --port-file "$1" 0' - \
		"$T/listen.port" >"$T/out" 2>"$T/err"
	LPID=$SPAWN_PID
	wait_file "$T/listen.port" "$LPID"
	PORT=$(<"$T/listen.port")
	hold_idle 20
	wait_count "$T/err" "$(libc_words 'accept: Too many open files')" 1 "$LPID"
	kill "$HOLD_PID"
	wait_count "$T/err" ' closed: ' 20 "$LPID"
	hold_idle 20
	wait_count "$T/err" "$(libc_words 'accept: Too many open files')" 2 "$LPID"
	kill "$HOLD_PID"
	wait_count "$T/err" ' closed: ' 40 "$LPID"
	# and it still serves: stdout is what the one client that spoke sent
	run -0 tcp-send 127.0.0.1 "$PORT" after
	wait_lines "$T/out" 1 "$LPID"
	assert_equal "$(cat "$T/out")" after
	# stderr is -v's lines and the two reports, nothing else
	run -1 grep -Ev "^tcp-listen: (listening on |connection from |.* closed: |$(libc_words 'accept: Too many open files')\$)" "$T/err"
}

@test "tcp-listen -k escapes each client's unprintable bytes on a terminal" {
	rm -f "$T/listen.port"
	spawn script -qec "tcp-listen -k -c 2 --port-file '$T/listen.port' 0" "$T/typescript"
	TPID=$SPAWN_PID
	wait_file "$T/listen.port" "$TPID"
	printf 'a\033[31m\n' | tcp-send 127.0.0.1 "$(<"$T/listen.port")"
	printf 'b\001\n' | tcp-send 127.0.0.1 "$(<"$T/listen.port")"
	wait_status "$TPID"
	assert_equal "$STATUS" 0
	run -0 cat "$T/typescript"
	assert_output --partial 'a\033[31m'
	assert_output --partial 'b\001'
	refute_output --partial $'\033'
}

# --- --reply ---------------------------------------------------------------

# bats test_tags=valgrind
@test "tcp-listen --reply answers an HTTP/1.0 client such as curl" {
	start_listen --reply 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhealthy\n'
	run -0 curl -sS --max-time 10 --http1.0 "http://127.0.0.1:$PORT/health"
	assert_output healthy
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	run -0 head -1 "$LOUT"
	assert_output $'GET /health HTTP/1.0\r'
}

@test "tcp-listen -k --reply serves a port check and then curl (a CI mock)" {
	start_listen -k --reply 'HTTP/1.0 204 No Content\r\n\r\n'
	run -0 tcp-send -z --wait 5 127.0.0.1 "$PORT"
	run -0 curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/"
	assert_output 204
	run -0 curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/again"
	assert_output 204
}

@test "tcp-listen --reply undoes C escapes" {
	start_listen --reply 'a\tb\\c\x41\101\0\x7f\e\a\b\f\v\r\n'
	tcp-send -r 127.0.0.1 "$PORT" >"$T/got"
	printf 'a\tb\\cAA\0\177\033\a\b\f\v\r\n' >"$T/want"
	cmp "$T/want" "$T/got"
}

@test "tcp-listen --reply refuses unknown escapes and a lone backslash with 64" {
	run -64 --separate-stderr tcp-listen --reply 'x\q' 0
	assert_equal "${stderr_lines[0]}" 'tcp-listen: reply x\q: unknown escape'
	run -64 --separate-stderr tcp-listen --reply 'x\' 0
	assert_equal "${stderr_lines[0]}" 'tcp-listen: reply x\: backslash at the end'
	run -64 --separate-stderr tcp-listen --reply '\400' 0
	assert_equal "${stderr_lines[0]}" 'tcp-listen: reply \400: octal escape over \377'
}

@test "tcp-listen -k --reply-file sends 64 MiB to 10 clients at once, each whole, memory flat" {
	start_listen -k --reply-file "$RANDOM_FILE"
	local listener
	listener=$(pgrep -P "$LPID")
	local clients=()
	for i in $(seq 10); do
		nc -N 127.0.0.1 "$PORT" </dev/null >"$T/got$i" 3>&- &
		clients+=($!)
	done
	for pid in "${clients[@]}"; do
		wait "$pid"
	done
	for i in $(seq 10); do
		assert_same_bytes "$T/got$i" "$RANDOM_FILE"
	done
	# sent by the kernel: none of the 64 MiB in its memory
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$listener/status")
	[ "$hwm" -lt 16384 ] || fail "peak resident memory $hwm kB"
}

@test "tcp-listen --reply-file without -k serves one client, what it sends to stdout" {
	printf 'HTTP/1.0 200 OK\r\n\r\nfrom a file\n' >"$T/response"
	start_listen --reply-file "$T/response"
	run -0 curl -sS --max-time 10 "http://127.0.0.1:$PORT/fixture"
	assert_output "from a file"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	run -0 head -1 "$LOUT"
	assert_output $'GET /fixture HTTP/1.1\r'
}

@test "tcp-listen --reply-file: a missing file, a directory, or with --reply fails at once" {
	run -71 --separate-stderr tcp-listen --reply-file "$T/none" 0
	assert_stderr "tcp-listen: $T/none: No such file or directory"
	run -64 --separate-stderr tcp-listen --reply-file "$T" 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: reply-file $T: not a regular file"
	run -64 --separate-stderr tcp-listen --reply-file "$T" --reply x 0
	assert_stderr_regex "--reply-file.*--reply"
}

# --- escaping -------------------------------------------------------------

@test "tcp-listen escapes unprintable bytes when stdout is a terminal" {
	rm -f "$T/listen.port"
	spawn script -qec "tcp-listen --port-file '$T/listen.port' 0" "$T/typescript"
	TPID=$SPAWN_PID
	wait_file "$T/listen.port" "$TPID"
	printf 'a\001b\033[31mc\0\n' | tcp-send 127.0.0.1 "$(<"$T/listen.port")"
	wait_status "$TPID"
	assert_equal "$STATUS" 0
	run -0 cat "$T/typescript"
	assert_output --partial 'a\001b\033[31mc\0'
	refute_output --partial $'\033'
}

@test "tcp-listen --raw writes bytes unchanged to a terminal" {
	rm -f "$T/listen.port"
	spawn script -qec "tcp-listen --raw --port-file '$T/listen.port' 0" "$T/typescript"
	TPID=$SPAWN_PID
	wait_file "$T/listen.port" "$TPID"
	printf 'a\001b\033[31mc\n' | tcp-send 127.0.0.1 "$(<"$T/listen.port")"
	wait_status "$TPID"
	assert_equal "$STATUS" 0
	run -0 cat "$T/typescript"
	assert_output --partial $'a\001b\033[31mc'
}

@test "tcp-listen -x escapes also into a pipe; without it bytes pass" {
	start_listen -x
	printf 'a\001b\n' | tcp-send 127.0.0.1 "$PORT"
	wait_status "$LPID"
	assert_equal "$(cat "$LOUT")" 'a\001b'
	start_listen
	printf 'a\001b\n' | tcp-send 127.0.0.1 "$PORT"
	wait_status "$LPID"
	assert_equal "$(cat "$LOUT")" $'a\001b'
}

@test "tcp-listen -x and --raw exclude each other" {
	run -64 --separate-stderr tcp-listen -x --raw 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: -x and --raw exclude each other"
}

# --- failures -------------------------------------------------------------

@test "tcp-listen fails with 74 when stdout is full" {
	rm -f "$T/listen.port"
	spawn tcp-listen --port-file "$T/listen.port" 0 >/dev/full 2>"$T/err"
	LPID=$SPAWN_PID
	wait_file "$T/listen.port" "$LPID"
	tcp-send 127.0.0.1 "$(<"$T/listen.port")" data || :
	wait_status "$LPID"
	assert_equal "$STATUS" 74
	assert_equal "$(cat "$T/err")" "tcp-listen: write error: stdout: No space left on device"
}

@test "tcp-listen fails with 74 when stdout is closed" {
	rm -f "$T/listen.port"
	spawn tcp-listen --port-file "$T/listen.port" 0 >&- 2>"$T/err"
	LPID=$SPAWN_PID
	wait_file "$T/listen.port" "$LPID"
	tcp-send 127.0.0.1 "$(<"$T/listen.port")" data || :
	wait_status "$LPID"
	assert_equal "$STATUS" 74
	assert_equal "$(cat "$T/err")" "tcp-listen: write error: stdout: Bad file descriptor"
}

@test "tcp-listen ends quietly by SIGPIPE when the reader of its stdout goes away" {
	rm -f "$T/listen.port"
	# shellcheck disable=SC2016 # expanded by the inner bash
	spawn bash -c 'tcp-listen --port-file "$1/listen.port" 0 2>"$1/err" |
		head -c 1 >/dev/null; echo "${PIPESTATUS[0]}" >"$1/status"' - "$T"
	wait_file "$T/listen.port" "$SPAWN_PID"
	tcp-send 127.0.0.1 "$(<"$T/listen.port")" <"$RANDOM_FILE" || :
	wait_status "$SPAWN_PID"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$T/status")" 141
	assert_equal "$(cat "$T/err")" ""
}

@test "tcp-listen -k and -k -j end quietly by SIGPIPE when the reader of their stdout goes away" {
	local opts
	for opts in -k "-k -j"; do
		rm -f "$T/listen.port"
		# shellcheck disable=SC2086 # one word per option
		spawn python3 "$BATS_TEST_DIRNAME/test_helper/closed-pipe.py" \
			tcp-listen $opts --port-file "$T/listen.port" 0 2>"$T/err"
		wait_file "$T/listen.port" "$SPAWN_PID"
		tcp-send 127.0.0.1 "$(<"$T/listen.port")" data || :
		wait_status "$SPAWN_PID"
		assert_equal "$STATUS" 141
		assert_equal "$(cat "$T/err")" ""
	done
}

# bats test_tags=valgrind
@test "tcp-listen fails with 74 when the peer resets the connection" {
	start_listen
	run -0 python3 "$PEER_PY" rstclient "$PORT" hello
	wait_status "$LPID"
	assert_equal "$STATUS" 74
	run -0 cat "$LERR"
	assert_output --regexp '^tcp-listen: recv 127\.0\.0\.1 [0-9]+: Connection reset by peer$'
}

@test "tcp-listen -c: a reset connection is reported, the next served, the status kept" {
	start_listen -c 2
	run -0 python3 "$PEER_PY" rstclient "$PORT" hello
	run -0 tcp-send 127.0.0.1 "$PORT" after
	wait_status "$LPID"
	assert_equal "$STATUS" 74
	run -0 cat "$LOUT"
	# what came before the reset is written too
	assert_output --regexp '^(hello)?after$'
}

@test "tcp-listen fails with 69 when the port is in use" {
	start_listen
	run -69 --separate-stderr tcp-listen "$PORT"
	assert_stderr "tcp-listen: bind 127.0.0.1 $PORT: Address already in use"
}

@test "tcp-listen fails with 69 for an address that is not local" {
	run -69 --separate-stderr tcp-listen -b ::2 0
	assert_stderr "tcp-listen: bind ::2 0: Cannot assign requested address"
}

@test "tcp-listen fails with 77 on a privileged port without the right" {
	command -v setpriv >/dev/null || skip "no setpriv"
	run -77 --separate-stderr setpriv --bounding-set -net_bind_service tcp-listen -t 0.1 80
	assert_stderr "tcp-listen: bind 127.0.0.1 80: Permission denied"
}

@test "tcp-listen refuses bad ports with 64" {
	for port in 65536 -1 '' 1x 99999999999999999999 no-such-service; do
		run -64 --separate-stderr tcp-listen "$port"
		assert_regex "${stderr_lines[0]}" "^tcp-listen: (port $port: |unknown option)"
	done
	run -64 --separate-stderr tcp-listen 65536
	assert_equal "${stderr_lines[0]}" "tcp-listen: port 65536: too large"
}

@test "tcp-listen refuses a malformed -b with 64" {
	for addr in 127.0.0.256 localhost '' 1.2.3 127.1 ::g ' ::1'; do
		run -64 --separate-stderr tcp-listen -b "$addr" 0
		assert_equal "${stderr_lines[0]}" "tcp-listen: bind address $addr: not an IPv4 or IPv6 address"
	done
	run -64 --separate-stderr tcp-listen -6 -b 127.0.0.1 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: bind address 127.0.0.1: not an IPv6 address"
	run -64 --separate-stderr tcp-listen -4 -b ::1 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: bind address ::1: not an IPv4 address"
}

@test "tcp-listen refuses bad -t, -c, --max-bytes and --max-conns values with 64" {
	run -64 --separate-stderr tcp-listen -t 0 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: timeout 0: too small"
	run -64 --separate-stderr tcp-listen -t abc 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: timeout abc: invalid"
	run -64 --separate-stderr tcp-listen -t -1 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: timeout -1: invalid"
	run -64 --separate-stderr tcp-listen -t 1e3 0
	run -64 --separate-stderr tcp-listen -c 0 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: count 0: too small"
	run -64 --separate-stderr tcp-listen -c x 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: count x: invalid"
	run -64 --separate-stderr tcp-listen --max-bytes -5 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: max-bytes -5: invalid"
	run -64 --separate-stderr tcp-listen --max-bytes 1k 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: max-bytes 1k: invalid"
	run -64 --separate-stderr tcp-listen --max-conns 0 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: max-conns 0: too small"
	run -64 --separate-stderr tcp-listen --max-conns 1000001 0
	assert_equal "${stderr_lines[0]}" "tcp-listen: max-conns 1000001: too large"
}

@test "tcp-listen refuses a missing or extra operand with 64" {
	run -64 --separate-stderr tcp-listen
	assert_equal "${stderr_lines[0]}" "tcp-listen: no PORT given"
	run -64 --separate-stderr tcp-listen 1 2
	assert_equal "${stderr_lines[0]}" "tcp-listen: too many operands"
	run -64 --separate-stderr tcp-listen -b
	assert_equal "${stderr_lines[0]}" "tcp-listen: option -b needs a value"
}

# --- peers no one here wrote ------------------------------------------------

@test "tcp-listen -4 -6 listens on 127.0.0.1 and ::1 on one port and says both" {
	start_listen -v -4 -6
	run -0 cat "$LERR"
	assert_line --index 0 "tcp-listen: listening on 127.0.0.1 $PORT"
	assert_line --index 1 "tcp-listen: listening on ::1 $PORT"
	run -0 ss -Htln "sport = :$PORT"
	assert_output --partial "127.0.0.1:$PORT"
	assert_output --partial "[::1]:$PORT"
	# without -k: the one connection, over either family, from nc
	printf six | nc -N ::1 "$PORT"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$LOUT")" six
	start_listen -46
	printf four | nc -N 127.0.0.1 "$PORT"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$LOUT")" four
}

@test "tcp-listen -4 -6 -k serves a client over ::1 and one over 127.0.0.1 at once" {
	mkfifo "$T/six"
	start_listen -v -46 -k -c 2
	spawn sh -c "nc -N ::1 $PORT <'$T/six'"
	exec 4>"$T/six"
	wait_match "$LERR" 'connection from ::1 [0-9]+'
	# the ::1 connection is open: the 127.0.0.1 one is served meanwhile
	run -0 tcp-send 127.0.0.1 "$PORT" four
	wait_match "$LERR" 'closed'
	assert_equal "$(cat "$LOUT")" four
	printf six >&4
	exec 4>&-
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$LOUT")" "$(printf 'four\nsix')"
}

@test "tcp-listen -4 -6 -c 2 counts connections over both families, then ends" {
	start_listen -v -46 -c 2
	run -0 python3 "$PEER_PY" send "$PORT" /dev/null ::1
	run -0 python3 "$PEER_PY" send "$PORT" /dev/null 127.0.0.1
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	run -0 grep -c 'connection from' "$LERR"
	assert_output 2
	run -0 grep -E 'connection from (::1|127\.0\.0\.1) ' "$LERR"
	assert_line --index 0 --regexp '^tcp-listen: connection from ::1 [0-9]+$'
	assert_line --index 1 --regexp '^tcp-listen: connection from 127\.0\.0\.1 [0-9]+$'
}

@test "tcp-listen -4 -6 -b ADDR listens on ADDR alone, of its own family" {
	start_listen -v -46 -b ::1
	run -0 cat "$LERR"
	assert_output "tcp-listen: listening on ::1 $PORT"
	run -69 tcp-send 127.0.0.1 "$PORT" x
	run -0 tcp-send ::1 "$PORT" x
	start_listen -v -46 -b 127.0.0.1
	run -0 cat "$LERR"
	assert_output "tcp-listen: listening on 127.0.0.1 $PORT"
}

@test "tcp-listen -b :: takes IPv4 clients too, as IPv4-mapped addresses" {
	require_hermetic	# its own namespace: net.ipv6.bindv6only is 0
	start_listen -v -b ::
	run -0 tcp-send 127.0.0.1 "$PORT" x
	wait_status "$LPID"
	run -0 cat "$LERR"
	assert_line --index 1 --regexp '^tcp-listen: connection from ::ffff:127\.0\.0\.1 [0-9]+$'
}

@test "tcp-listen -4 -6 on a port ::1 holds fails with 69 after its tries" {
	require_hermetic	# a network namespace of the test's own
	# one ephemeral port, which ::1 holds: every try of PORT 0 collides
	run -69 --separate-stderr unshare -n python3 "$BATS_TEST_DIRNAME/test_helper/hold-port.py" \
		tcp ::1 tcp-listen -46 0
	assert_stderr "tcp-listen: bind ::1 40000: Address already in use"
}

@test "tcp-listen receives 64 MiB from nc unchanged" {
	start_listen
	run -0 nc -N 127.0.0.1 "$PORT" <"$RANDOM_FILE"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_same_bytes "$LOUT" "$RANDOM_FILE"
}

@test "tcp-listen receives 64 MiB from socat unchanged" {
	start_listen
	run -0 socat -u "OPEN:$RANDOM_FILE" "TCP:127.0.0.1:$PORT"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_same_bytes "$LOUT" "$RANDOM_FILE"
}

@test "tcp-listen receives 64 MiB from python3 sendall unchanged" {
	start_listen
	run -0 python3 "$PEER_PY" send "$PORT" "$RANDOM_FILE"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_same_bytes "$LOUT" "$RANDOM_FILE"
}

@test "tcp-listen over IPv6 receives from python3 unchanged" {
	start_listen -6
	run -0 python3 "$PEER_PY" send "$PORT" "$RANDOM_FILE" ::1
	wait_status "$LPID"
	assert_same_bytes "$LOUT" "$RANDOM_FILE"
}

@test "tcp-listen takes the long forms of its options" {
	start_listen --ipv4 --bind 127.0.0.1 --count 2 --keep-open --timeout 10 \
		--verbose --escape --max-bytes 100 --max-conns 5 --reply 'ok\n'
	run -0 tcp-send -r 127.0.0.1 "$PORT" $'one\001'
	assert_output ok
	run -0 tcp-send -r 127.0.0.1 "$PORT" two
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$LOUT")" "$(printf 'one\\001\ntwo')"
	start_listen --ipv6 --raw
	run -0 tcp-send ::1 "$PORT" six
	wait_status "$LPID"
	assert_equal "$(cat "$LOUT")" six
}
