# shellcheck shell=bash
# shellcheck disable=SC2034 # STATUS, MATCH and the like are for the callers
# What every test of a socket tool shares, TCP and UDP alike: processes
# in the background, each bounded by timeout(1) and killed by PID in
# teardown (kill_spawned), waits bounded to 10 s that fail at once when
# the process waited for has gone, and ports learnt, never fixed.  The
# files using it set BATS_TEST_TIMEOUT too, so that no test hangs.

# Nothing a test starts may outlive it by much, whatever goes wrong.
SPAWN_LIMIT=60
SPAWN_PIDS=()
# A wait polls every WAIT_STEP seconds, WAIT_TRIES times: 10 s.
WAIT_STEP=0.01
WAIT_TRIES=1000

# spawn CMD...: run CMD in the background (bats must not wait for it: fd 3
# closed; 0<&0 keeps the caller's stdin instead of /dev/null); its PID
# is SPAWN_PID and it is killed in teardown.
spawn() {
	timeout "$SPAWN_LIMIT" "$@" 3>&- 0<&0 &
	SPAWN_PID=$!
	SPAWN_PIDS+=("$SPAWN_PID")
}

# kill_spawned: teardown's end for what spawn started, waited for.
kill_spawned() {
	local pid
	for pid in "${SPAWN_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || :
	done
	for pid in "${SPAWN_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || :
	done
	SPAWN_PIDS=()
}

# wait_until PID TEST...: until TEST succeeds; returns 1 with WAIT_WHY
# set once the time is up, or at once if PID (not empty) has exited and
# TEST, tried once more, still fails.
wait_until() {
	local pid=$1 tries=$WAIT_TRIES
	shift
	until "$@"; do
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			# it may have done it and ended since the test above
			"$@" && return 0
			WAIT_WHY="$pid exited"
			return 1
		fi
		tries=$((tries - 1))
		if [ "$tries" -le 0 ]; then
			WAIT_WHY="timed out"
			return 1
		fi
		sleep "$WAIT_STEP"
	done
}

# wait_file FILE [PID [ERRFILE]]: until FILE is not empty; the failure
# quotes what PID wrote to ERRFILE.
wait_file() {
	wait_until "${2-}" test -s "$1" ||
		fail "$WAIT_WHY before writing $1${3+: $(cat "$3")}"
}

_has_match() {
	[ -f "$1" ] && _line=$(grep -Em1 -- "$2" "$1")
}

# wait_match FILE REGEX [PID]: until a line of FILE matches REGEX; MATCH
# is the first match of the first group (or the whole).
wait_match() {
	local _line
	wait_until "${3-}" _has_match "$1" "$2" ||
		fail "$WAIT_WHY before printing /$2/ to $1"
	[[ $_line =~ $2 ]]
	MATCH=${BASH_REMATCH[1]-${BASH_REMATCH[0]}}
}

_has_lines() {
	[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]
}

# wait_lines FILE N [PID]: until FILE has N lines.
wait_lines() {
	wait_until "${3-}" _has_lines "$1" "$2" ||
		fail "$WAIT_WHY before $2 lines were in $1"
}

_has_size() {
	[ -f "$1" ] && [ "$(wc -c <"$1")" -ge "$2" ]
}

# wait_size FILE BYTES [PID]: until FILE has BYTES bytes.
wait_size() {
	wait_until "${3-}" _has_size "$1" "$2" ||
		fail "$WAIT_WHY before $2 bytes were in $1"
}

_udp_bound() {
	[ -n "$(ss -Hunl "sport = :$1")" ]
}

# wait_udp_port PORT [PID]: until a UDP socket is bound to PORT, for peers
# that cannot tell their port (socat).
wait_udp_port() {
	wait_until "${2-}" _udp_bound "$1" ||
		fail "$WAIT_WHY before a UDP socket was bound to port $1"
}

# wait_status PID: waits for PID and sets STATUS to its exit status.
wait_status() {
	STATUS=0
	wait "$1" || STATUS=$?
}

# free_port [4|6]: a loopback port (127.0.0.1, or ::1 with 6) that nothing
# listens on now, for TCP nor UDP (bound to 0 and let go).
free_port() {
	python3 - "${1-4}" <<'PY'
import socket, sys
af, host = {"4": (socket.AF_INET, "127.0.0.1"),
            "6": (socket.AF_INET6, "::1")}[sys.argv[1]]
while True:
    t = socket.socket(af, socket.SOCK_STREAM)
    t.bind((host, 0))
    u = socket.socket(af, socket.SOCK_DGRAM)
    try:
        u.bind((host, t.getsockname()[1]))
        break
    except OSError:
        t.close()
        u.close()
print(t.getsockname()[1])
PY
}
