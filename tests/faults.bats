#!/usr/bin/env bats
# A misbehaving world: signals in the middle of a transfer, a burst of
# clients, a reader slower than the network.  Peer resets, full or
# closed stdout and failing or silent DNS are in each tool's own file.

BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}

setup() { load test_helper/common-setup && _common_setup tcp; }
teardown() { _common_teardown; }

# tool_pid PID: the tool that spawn's timeout(1) PID runs.
tool_pid() {
	local pid tries=100
	until pid=$(pgrep -P "$1"); do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "$1 started nothing"
		sleep 0.01
	done
	echo "$pid"
}

# consumed FILTER: sets TOOK to how many bytes the process owning the
# TCP connection FILTER (an ss filter) has read from it: what the kernel
# received on it (RECEIVED) less what still waits in its queue.  Both ends must be
# stopped; asks until two answers 50 ms apart agree.
consumed() {
	local info last='' tries=40
	while :; do
		info=$(ss -Htni state connected "$1")
		# STATE RECV-Q SEND-Q ...: the state is ESTAB or FIN-WAIT-2
		[[ $info =~ ^[A-Z2-]+[[:space:]]+([0-9]+).*bytes_received:([0-9]+) ]] ||
			fail "no connection for $1: $info"
		RECEIVED=${BASH_REMATCH[2]}
		TOOK=$((RECEIVED - BASH_REMATCH[1]))
		[ "$TOOK" = "$last" ] && break
		last=$TOOK
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "the connection $1 never settled"
		sleep 0.05
	done
}

# interrupt SIGNAL SPAWNED PEER FILTER OUT: in the middle of a transfer
# into OUT, stops PEER's process and the tool SPAWNED runs, reads how
# much the tool took from its socket (FILTER), then sends it SIGNAL.
# STATUS is the tool's exit status; OUT must hold exactly what it took:
# whatever it had read was written before it died.
interrupt() {
	local signal=$1 tool peer
	tool=$(tool_pid "$2")
	peer=$(tool_pid "$3")
	wait_size "$5" $((1024 * 1024))
	kill -STOP "$peer"
	kill -STOP "$tool"
	consumed "$4"
	kill "-$signal" "$tool"
	kill -CONT "$tool"
	wait_status "$2"
	kill -CONT "$peer"
	assert_equal "$(stat -c %s "$5")" "$TOOK"
	python3 "$PEER_PY" prefix "$5"
}

# --- signals in the middle of a transfer -------------------------------------

# Each is done a few times: the stop lands anywhere in the tool's loop,
# between reading from the socket and writing out too.

@test "SIGINT in the middle of a transfer: tcp-listen exits 130 with all it read written" {
	for _ in 1 2 3; do
		start_listen
		spawn python3 "$PEER_PY" streamto "$PORT"
		interrupt INT "$LPID" "$SPAWN_PID" "sport = :$PORT" "$LOUT"
		assert_equal "$STATUS" 130
		assert_equal "$(cat "$LERR")" ""
	done
}

@test "SIGTERM in the middle of a transfer: tcp-listen -x exits 143 with all it read written" {
	for _ in 1 2 3; do
		start_listen -x
		spawn python3 "$PEER_PY" streamto "$PORT"
		interrupt TERM "$LPID" "$SPAWN_PID" "sport = :$PORT" "$LOUT"
		assert_equal "$STATUS" 143
	done
}

# sending N: tcp-listen -j has written data of N peers to LOUT.
sending() {
	[ "$(grep -v '"event"' "$LOUT" | grep -o '"port":[0-9]*' | sort -u | wc -l)" = "$1" ]
}

# drained N: N connections to PORT, their receive queues all read.
drained() {
	[ "$(ss -Htn state established "sport = :$PORT" | awk '$1 == 0' | wc -l)" = "$1" ]
}

@test "SIGTERM to tcp-listen -k with clients open: each one's unfinished line is written" {
	start_listen -k
	tool=$(tool_pid "$LPID")
	rm -f "$T/ready"
	spawn python3 "$BATS_TEST_DIRNAME/test_helper/clients.py" partial "$PORT" 5 "$T/ready"
	wait_file "$T/ready" "$SPAWN_PID"
	# read by the tool: nothing left in its sockets' queues
	wait_until "$LPID" drained 5 || fail "$WAIT_WHY before the tool read all"
	kill -TERM "$tool"
	wait_status "$LPID"
	assert_equal "$STATUS" 143
	run -0 grep -o 'peer [0-9] partial' "$LOUT"
	assert_equal "$(sort <<<"$output")" "$(for i in 0 1 2 3 4; do echo "peer $i partial"; done)"
	assert_equal "$(wc -c <"$LOUT")" $((5 * 14))
}

# queued N BYTES: N connections to PORT each with BYTES unread bytes.
queued() {
	[ "$(ss -Htn state established "sport = :$PORT" | awk -v b="$2" '$1 == b' | wc -l)" = "$1" ]
}

@test "SIGTERM to tcp-listen -k: what peers sent and it had not read yet is written too" {
	start_listen -k -v
	tool=$(tool_pid "$LPID")
	for i in 1 2; do
		mkfifo "$T/fifo$i"
		exec {fd}<>"$T/fifo$i"	# held open: tcp-send's stdin does not end
		spawn tcp-send 127.0.0.1 "$PORT" <"$T/fifo$i"
	done
	wait_until "$LPID" counted_connections 2 || fail "$WAIT_WHY before 2 connected"
	kill -STOP "$tool"
	echo "sent while it was stopped 1" >"$T/fifo1"
	echo "sent while it was stopped 2" >"$T/fifo2"
	wait_until "" queued 2 28 || fail "$WAIT_WHY before both were queued"
	kill -TERM "$tool"
	kill -CONT "$tool"
	wait_status "$LPID"
	assert_equal "$STATUS" 143
	assert_equal "$(sort "$LOUT")" "$(printf 'sent while it was stopped %s\n' 1 2)"
}

# counted_connections N: tcp-listen -v has reported N connections in LERR.
counted_connections() {
	[ "$(grep -c 'connection from' "$LERR")" = "$1" ]
}

@test "SIGINT to tcp-listen -k -j with 4 clients streaming: every byte each had sent is written" {
	for _ in 1 2; do
		start_listen -k -j
		tool=$(tool_pid "$LPID")
		peers=()
		for _ in 1 2 3 4; do
			spawn python3 "$PEER_PY" streamto "$PORT"
			peers+=("$(tool_pid "$SPAWN_PID")")
		done
		# each has sent something: ss counts bytes received from then on
		wait_until "$LPID" sending 4 || fail "$WAIT_WHY before 4 peers sent"
		wait_size "$LOUT" $((4 * 1024 * 1024))
		kill -STOP "${peers[@]}"
		kill -STOP "$tool"
		ports=$(ss -Htn state established "sport = :$PORT" | awk '{ sub(/.*:/, "", $4); print $4 }')
		declare -A got=()
		for p in $ports; do
			consumed "sport = :$PORT and dport = :$p"
			got[$p]=$RECEIVED
		done
		assert_equal "${#got[@]}" 4
		kill -INT "$tool"
		kill -CONT "$tool"
		wait_status "$LPID"
		kill -CONT "${peers[@]}"
		assert_equal "$STATUS" 130
		rm -rf "$T/split" && mkdir "$T/split"
		python3 "$BATS_TEST_DIRNAME/test_helper/streams.py" split "$LOUT" "$T/split"
		for p in $ports; do
			# what it had read, and what waited in its socket then; the
			# kernel may have taken more from the stopped peer since
			size=$(stat -c %s "$T/split/$p")
			[ "$size" -ge "${got[$p]}" ] ||
				fail "peer $p: $size bytes written of ${got[$p]} received"
			python3 "$PEER_PY" prefix "$T/split/$p"
		done
		unset got
	done
}

@test "SIGINT and SIGTERM in the middle of a transfer: tcp-send -r exits 130 and 143 with all it read written" {
	for signal in INT TERM HUP; do
		start_peer stream
		spawn tcp-send -r 127.0.0.1 "$PORT" </dev/null >"$T/out" 2>"$T/err"
		interrupt "$signal" "$SPAWN_PID" "$PEER_PID" "dport = :$PORT" "$T/out"
		assert_equal "$STATUS" $((128 + $(kill -l "$signal")))
		assert_equal "$(cat "$T/err")" ""
	done
}

@test "a stop signal waits while received bytes cannot be written out; a second one ends the tool" {
	# the test holds the read end and never reads: tcp-listen blocks
	# writing what it received
	mkfifo "$T/fifo"
	exec {never_read}<>"$T/fifo"
	spawn tcp-listen -x --port-file "$T/port" 0 >"$T/fifo"
	wait_file "$T/port" "$SPAWN_PID"
	listener=$(tool_pid "$SPAWN_PID")
	head -c 1M /dev/zero | tr '\0' a >"$T/in"
	spawn tcp-send 127.0.0.1 "$(<"$T/port")" <"$T/in"
	tries=1000
	# pipe_write, or anon_pipe_write on later kernels
	until [[ $(cat /proc/"$listener"/wchan) == *pipe_write ]]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "tcp-listen never blocked writing"
		sleep 0.01
	done
	kill -TERM "$listener"
	sleep 0.2	# not readiness: it must still be there after a while
	kill -0 "$listener" || fail "the first SIGTERM ended it"
	[[ $(cat /proc/"$listener"/wchan) == *pipe_write ]] ||
		fail "tcp-listen is not writing any more"
	kill -TERM "$listener"
	tries=1000
	while kill -0 "$listener" 2>/dev/null; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "the second SIGTERM did not end it"
		sleep 0.01
	done
	exec {never_read}<&-
}

@test "a stop signal ignored by the caller (nohup, a script's background job) stays ignored" {
	start_listen -k
	tool=$(tool_pid "$LPID")
	spawn bash -c 'trap "" INT; exec tcp-listen --port-file "$1" 0' - "$T/port"
	IGNORING_PID=$SPAWN_PID
	wait_file "$T/port" "$IGNORING_PID"
	ignoring=$(pgrep -f "tcp-listen --port-file $T/port")
	kill -INT "$ignoring"
	run -0 tcp-send 127.0.0.1 "$(<"$T/port")" still here
	wait_status "$IGNORING_PID"
	assert_equal "$STATUS" 0
	kill -INT "$tool"
	wait_status "$LPID"
	assert_equal "$STATUS" 130
}

@test "SIGTERM while tcp-send sends a stream that does not end: 143" {
	start_listen
	spawn tcp-send 127.0.0.1 "$PORT" < <(yes)
	wait_size "$LOUT" 65536
	kill -TERM "$(tool_pid "$SPAWN_PID")"
	wait_status "$SPAWN_PID"
	assert_equal "$STATUS" 143
}

@test "SIGTERM to udp-listen -k: 143, every datagram it received written" {
	spawn udp-listen -k --port-file "$T/port" 0 >"$T/out"
	wait_file "$T/port" "$SPAWN_PID"
	python3 - "$(<"$T/port")" <<-'EOF'
		import socket, sys
		s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		for i in range(100):
		    s.sendto(b"datagram %d\n" % i, ("127.0.0.1", int(sys.argv[1])))
	EOF
	tries=500
	until [ "$(wc -l <"$T/out")" -ge 100 ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "only $(wc -l <"$T/out") datagrams arrived"
		sleep 0.01
	done
	kill -TERM "$(tool_pid "$SPAWN_PID")"
	wait_status "$SPAWN_PID"
	assert_equal "$STATUS" 143
	assert_equal "$(cat "$T/out")" "$(seq -f 'datagram %g' 0 99)"
}

# --- many clients, slow readers ----------------------------------------------

# descriptors PID: what the process's descriptors are, in order, by kind
# ("file", "socket", "pipe"...).
descriptors() {
	local fd kinds=()
	for fd in /proc/"$1"/fd/*; do
		fd=$(readlink "$fd") || continue
		[[ $fd == /* ]] && kinds+=(file) || kinds+=("${fd%%:*}")
	done
	echo "${kinds[@]}"
}

@test "tcp-listen -k takes 200 clients connecting at once: every byte arrives, no descriptor kept" {
	start_listen -k
	tool=$(tool_pid "$LPID")
	fds=$(descriptors "$tool")
	run -0 python3 "$PEER_PY" burst "$PORT" 200
	tries=1000
	until [ "$(wc -l <"$LOUT")" -ge 200 ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "$(wc -l <"$LOUT") of 200 clients arrived"
		sleep 0.01
	done
	x4096=$(printf 'x%.0s' {1..4096})
	for i in {0..199}; do echo "client $i $x4096"; done | sort >"$T/want"
	sort "$LOUT" | cmp - "$T/want"
	# the last client's descriptor closes once its end of file is seen
	tries=100
	until [ "$(descriptors "$tool")" = "$fds" ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] ||
			fail "open: $(descriptors "$tool"); before the clients: $fds"
		sleep 0.01
	done
	assert_equal "$(cat "$LERR")" ""
}

# nonblocking_listen OUT [ARGS...]: tcp-listen ARGS 0 with its stdout a
# non-blocking pipe read only after a while, into OUT; PORT, LPID.
nonblocking_listen() {
	local out=$1
	shift
	rm -f "$T/port"
	spawn python3 "$BATS_TEST_DIRNAME/test_helper/nonblocking_stdout.py" \
		"$out" tcp-listen --port-file "$T/port" "$@" 0
	LPID=$SPAWN_PID
	wait_file "$T/port" "$LPID"
	PORT=$(<"$T/port")
}

@test "tcp-listen writes all it receives to a non-blocking stdout pipe that fills up" {
	head -c 4M /dev/urandom >"$T/in"
	nonblocking_listen "$T/out"
	run -0 tcp-send 127.0.0.1 "$PORT" <"$T/in"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	cmp "$T/in" "$T/out"
	# escaped: the same as into a file
	start_listen -x
	run -0 tcp-send 127.0.0.1 "$PORT" <"$T/in"
	wait_status "$LPID"
	nonblocking_listen "$T/out" -x
	run -0 tcp-send 127.0.0.1 "$PORT" <"$T/in"
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	cmp "$LOUT" "$T/out"
}

@test "tcp-send -r writes the whole reply to a non-blocking stdout pipe that fills up" {
	head -c 4M /dev/urandom >"$T/in"
	start_peer echo
	run -0 python3 "$BATS_TEST_DIRNAME/test_helper/nonblocking_stdout.py" \
		"$T/out" tcp-send -r 127.0.0.1 "$PORT" <"$T/in"
	cmp "$T/in" "$T/out"
}

@test "udp-listen writes every datagram to a non-blocking stdout pipe that fills up" {
	local i
	rm -f "$T/port"
	spawn python3 "$BATS_TEST_DIRNAME/test_helper/nonblocking_stdout.py" \
		"$T/out" udp-listen -c 3 --port-file "$T/port" 0
	LPID=$SPAWN_PID
	wait_file "$T/port" "$LPID"
	: >"$T/want"
	for i in 1 2 3; do
		head -c 40000 /dev/urandom >"$T/d$i"
		cat "$T/d$i" >>"$T/want"
		udp-send 127.0.0.1 "$(<"$T/port")" <"$T/d$i"
	done
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	cmp "$T/want" "$T/out"
}

# vm_hwm PID: the process's peak resident memory in kB.
vm_hwm() {
	awk '/^VmHWM:/ { print $2 }' /proc/"$1"/status
}

@test "tcp-send to tcp-listen into a slow reader: nothing lost, memory flat" {
	# more than the kernel's buffers hold (socket buffers of a few MiB
	# each, a 1 MiB pipe), so both tools still run when measured late
	head -c 32M /dev/urandom >"$T/in"
	# 64 KiB every 5 ms: about 12 MiB/s, against a loopback of GiB/s
	mkfifo "$T/fifo"
	spawn python3 -c 'import sys, time
with open(sys.argv[1], "rb") as fifo, open(sys.argv[2], "wb") as out:
    while data := fifo.read1(65536):
        out.write(data)
        time.sleep(0.005)' "$T/fifo" "$T/out"
	READER_PID=$SPAWN_PID
	spawn tcp-listen --port-file "$T/port" 0 >"$T/fifo"
	LPID=$SPAWN_PID
	wait_file "$T/port" "$LPID"
	listener=$(tool_pid "$LPID")
	spawn tcp-send 127.0.0.1 "$(<"$T/port")" <"$T/in"
	SEND_PID=$SPAWN_PID
	sender=$(tool_pid "$SEND_PID")
	wait_size "$T/out" $((2 * 1024 * 1024))
	early_listener=$(vm_hwm "$listener")
	early_sender=$(vm_hwm "$sender")
	wait_size "$T/out" $((14 * 1024 * 1024))
	late_listener=$(vm_hwm "$listener")
	late_sender=$(vm_hwm "$sender")
	wait_status "$SEND_PID"
	assert_equal "$STATUS" 0
	wait_status "$LPID"
	assert_equal "$STATUS" 0
	wait_status "$READER_PID"
	cmp "$T/in" "$T/out"
	# the kernel's buffers hold what the reader has not taken, not ours
	[ $((late_listener - early_listener)) -le 256 ] ||
		fail "tcp-listen grew from $early_listener kB to $late_listener kB"
	[ $((late_sender - early_sender)) -le 256 ] ||
		fail "tcp-send grew from $early_sender kB to $late_sender kB"
}
