# shellcheck shell=bash
# bench/forward.sh: a relay between a client and a target, tcp-listen
# --forward against socat's fork relay and HAProxy in tcp mode: the
# throughput through it (forward), the connections it relays per second
# (forwardrate) and its memory with many relays open (forwardmem).

FWD_TOOLS=(ours socat haproxy)
declare -A FWD_LABEL=(
	[ours]="tcp-listen -k --forward"
	[socat]="socat TCP-LISTEN:…,fork TCP: (or UNIX-CONNECT:)"
	[haproxy]="HAProxy, mode tcp, option splice-auto"
	[direct]="no relay: straight to the target (ceiling)"
)

# haproxy_config PORT TARGET: a configuration relaying 127.0.0.1:PORT to
# TARGET (127.0.0.1:PORT, or a Unix socket's absolute path), as a
# production relay is set up: splicing, no logs, bounds that no run meets.
haproxy_config() {
	cat <<EOF
global
	maxconn 4000
defaults
	mode tcp
	option splice-auto
	timeout connect 10s
	timeout client 300s
	timeout server 300s
frontend relay
	bind 127.0.0.1:$1
	default_backend target
backend target
	server target $2
EOF
}

# relay_up TOOL TARGET: starts TOOL's relay to TARGET (HOST:PORT, or a
# Unix socket's path) and waits until it listens; sets FPID (the
# bg_start process: TOOL runs under it) and FPORT, or WHY and returns 1.
relay_up() {
	local tool=$1 target=$2 pf="$BENCH_TMP/relay.port" conf="$BENCH_TMP/haproxy.cfg"
	local connect
	case $target in
	/*) connect="UNIX-CONNECT:$target" ;;
	*) connect="TCP:$target" ;;
	esac
	case $tool in
	ours)
		rm -f "$pf"
		bg_start "$((LIMIT + 10))" "$BENCH_TOOLS/tcp-listen" -k \
			--port-file "$pf" --forward "$target" 0 </dev/null >/dev/null
		FPID=$BG_PID
		FPORT=$(wait_port_file "$pf") && return 0
		;;
	socat)
		FPORT=$(free_port)
		bg_start "$((LIMIT + 10))" socat \
			"TCP-LISTEN:$FPORT,fork,reuseaddr,bind=127.0.0.1,backlog=1024" \
			"$connect" </dev/null >/dev/null 2>&1
		FPID=$BG_PID
		wait_listening "$FPORT" && return 0
		;;
	haproxy)
		FPORT=$(free_port)
		haproxy_config "$FPORT" "$target" >"$conf"
		bg_start "$((LIMIT + 10))" haproxy -db -q -f "$conf" </dev/null \
			>/dev/null 2>&1
		FPID=$BG_PID
		wait_listening "$FPORT" && return 0
		;;
	esac
	WHY="$tool's relay did not come up"
	bg_stop "$FPID"
	return 1
}

# relayed TOOL KIND FILE OUT: FILE sent by tcp-send through TOOL's relay
# to a one-shot tcp-listen writing OUT, over TCP (KIND tcp) or a Unix
# socket (KIND unix) behind the relay. Sets US (from starting the sender
# until the sender, which reads until the relay closes, and the target
# have exited); returns 1 with WHY set.
# shellcheck disable=SC2153 # RPID: start_receiver's (throughput.sh)
relayed() {
	local tool=$1 kind=$2 file=$3 out=$4 target t0 t1 rc
	if [ "$kind" = unix ]; then
		start_receiver ours-unix direct "$out" || return 1
		target=$PORT
	else
		start_receiver ours direct "$out" || return 1
		target="127.0.0.1:$PORT"
	fi
	if ! relay_up "$tool" "$target"; then
		bg_stop "$RPID"
		return 1
	fi
	t0=${EPOCHREALTIME/./}
	bounded "$LIMIT" "$BENCH_TOOLS/tcp-send" -r 127.0.0.1 "$FPORT" <"$file" >/dev/null
	rc=$?
	if [ "$rc" != 0 ]; then
		bg_stop "$RPID"
		bg_stop "$FPID"
		WHY="tcp-send exited $rc"
		return 1
	fi
	wait "$RPID"
	rc=$?
	t1=${EPOCHREALTIME/./}
	bg_stop "$FPID"
	US=$((t1 - t0))
	if [ "$rc" != 0 ]; then
		WHY="target exited $rc"
		return 1
	fi
}

# forward_case KIND SIZE RUNS: the throughput rows through each relay to
# a target of KIND (tcp or unix).
forward_case() {
	local kind=$1 size=$2 n=$3 file="$BENCH_TMP/data.$2" small="$BENCH_TMP/data.check"
	local check="$BENCH_TMP/received" case tool i target
	make_file "$file" "$size" || return 1
	make_file "$small" 1048576 || return 1
	case="$(size_label "$size"), TCP → TCP"
	[ "$kind" = tcp ] || case="$(size_label "$size"), TCP → Unix"
	reset_samples
	have_ours tcp-listen tcp-send || { skip ours "tool not built"; return 0; }
	for tool in "${FWD_TOOLS[@]}"; do
		rm -f "$check"
		if ! relayed "$tool" "$kind" "$small" "$check"; then
			fail "$tool" "1 MiB check: $WHY"
		elif ! cmp -s "$small" "$check"; then
			fail "$tool" "1 MiB check: received $(stat -c %s "$check") bytes of 1048576"
		fi
	done
	for ((i = 1; i <= n; i++)); do
		say "  $case: run $i of $n"
		for tool in "${FWD_TOOLS[@]}"; do
			measuring "$tool" || continue
			if relayed "$tool" "$kind" "$file" /dev/null; then
				sample "$tool" "$(rate "$size" "$US")"
			else
				fail "$tool" "$WHY"
			fi
		done
	done
	emit forward "$case" ours "${FWD_LABEL[ours]}" ours ""
	emit forward "$case" socat "${FWD_LABEL[socat]}" anchor "ratio>=2"
	emit forward "$case" haproxy "${FWD_LABEL[haproxy]}" anchor "ratio>=1"
}

figure_forward() {
	local n
	n=$(runs 5 1)
	figure forward "Forwarding throughput" MiB/s higher \
		"\`tcp-send -r 127.0.0.1 RELAY < FILE\` (a file on tmpfs) through the relay to a one-shot \`tcp-listen >/dev/null\` on 127.0.0.1, or on a Unix socket on tmpfs; time from starting the sender until it has read the relay's close and the target has exited; $n runs each, interleaved. Each relay is started for the run. Targets: twice socat, and HAProxy's."
	forward_case tcp "$BIG" "$n"
	forward_case unix "$BIG" "$n"
}

# --- connections per second through the relay --------------------------------

figure_forwardrate() {
	local n count case tool i v pf="$BENCH_TMP/sink.port" sink
	n=$(runs 5 1)
	count=$(runs 20000 500)
	case="$(thousands "$count") connections, $CONC_CLIENTS clients at once"
	figure forwardrate "Connections relayed per second" conns/s higher \
		"\`bench/connrate ... $CONC_CLIENTS\` makes $(thousands "$count") connections from $CONC_CLIENTS client processes at once through the relay to \`bench/sink -c\` (one epoll loop: accept, read to EOF, close), each connecting, sending a byte, shutting down its write side and reading to EOF, which the relay passes on both ways; $n runs each, interleaved. The same clients straight to the sink are the ceiling. Targets: three times socat, 0.8 of HAProxy."
	reset_samples
	have_ours tcp-listen || skip ours "tool not built"
	rm -f "$pf"
	bg_start "$((LIMIT * (n + 1) * 4))" "$BENCH_BIN/sink" -c "$pf" </dev/null
	sink=$BG_PID
	if ! PORT=$(wait_port_file "$pf"); then
		bg_stop "$sink"
		for tool in "${FWD_TOOLS[@]}" direct; do fail "$tool" "no sink"; done
	fi
	for ((i = 1; i <= n; i++)); do
		say "  run $i of $n"
		for tool in "${FWD_TOOLS[@]}" direct; do
			measuring "$tool" || continue
			if [ "$tool" = direct ]; then
				FPORT=$PORT FPID=
			elif ! relay_up "$tool" "127.0.0.1:$PORT"; then
				fail "$tool" "$WHY"
				continue
			fi
			if v=$(bounded "$LIMIT" "$BENCH_BIN/connrate" 127.0.0.1 "$FPORT" \
				"$count" "$CONC_CLIENTS" 2>&1); then
				sample "$tool" "$v"
			else
				fail "$tool" "$v"
			fi
			[ -z "$FPID" ] || bg_stop "$FPID"
		done
	done
	bg_stop "$sink"
	emit forwardrate "$case" ours "${FWD_LABEL[ours]}" ours ""
	emit forwardrate "$case" socat "${FWD_LABEL[socat]}" anchor "ratio>=3"
	emit forwardrate "$case" haproxy "${FWD_LABEL[haproxy]}" anchor "ratio>=0.8"
	emit forwardrate "$case" direct "${FWD_LABEL[direct]}" ceiling ""
}

# --- memory with many relays open ---------------------------------------------

FWDMEM_OPEN=100
FWDMEM_BYTES=65536

# tree_peak PID: the peak RSS (VmHWM, KiB) of PID's descendants, summed:
# the relay under bg_start's timeout, and socat's forked children.
tree_peak() {
	local pid sum=0 kib
	for pid in $(pgrep -P "$1"); do
		kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
		sum=$((sum + ${kib:-0} + $(tree_peak "$pid")))
	done
	echo "$sum"
}

# relayed_all PORT COUNT: COUNT connections through the relay reached the
# sink on PORT and it has read all they sent.
relayed_all() {
	[ "$(ss -Htn state established "sport = :$1" | wc -l)" = "$2" ] && held_read "$1"
}

# forwardmem_peak TOOL SINKPORT: the summed peak RSS of TOOL's relay while
# FWDMEM_OPEN connections are open through it to the sink, each having
# sent FWDMEM_BYTES; or why not, returning 1.
forwardmem_peak() {
	local tool=$1 sinkport=$2 ready="$BENCH_TMP/relays.ready" tries=2000 peak
	relay_up "$tool" "127.0.0.1:$sinkport" || { echo "$WHY"; return 1; }
	rm -f "$ready"
	bg_start "$((LIMIT + 10))" "$PYTHON" -c 'import os, socket, sys, time
socks = [socket.create_connection(("127.0.0.1", int(sys.argv[1])))
         for _ in range(int(sys.argv[2]))]
for s in socks:
    s.sendall(b"x" * int(sys.argv[3]))
open(sys.argv[4] + ".tmp", "w").close()
os.rename(sys.argv[4] + ".tmp", sys.argv[4])
time.sleep(3600)' "$FPORT" "$FWDMEM_OPEN" "$FWDMEM_BYTES" "$ready"
	local hold=$BG_PID
	until [ -e "$ready" ] && relayed_all "$sinkport" "$FWDMEM_OPEN"; do
		tries=$((tries - 1))
		if [ "$tries" -le 0 ]; then
			bg_stop "$hold"
			bg_stop "$FPID"
			echo "the relays never all reached the sink"
			return 1
		fi
		sleep 0.01
	done
	peak=$(tree_peak "$FPID")
	bg_stop "$hold"
	bg_stop "$FPID"
	[ "$peak" -gt 0 ] || { echo "no peak read"; return 1; }
	echo "$peak"
}

figure_forwardmem() {
	local n i tool v case pf="$BENCH_TMP/sink.port" sink sinkport
	n=$(runs 5 1)
	case="$FWDMEM_OPEN relayed connections open"
	figure forwardmem "Memory, $FWDMEM_OPEN relayed connections open" KiB lower \
		"Peak resident set size (VmHWM) of the relay, all its processes summed (socat forks one for each connection), while $FWDMEM_OPEN connections are open through it to \`bench/sink -c\`, each having sent $((FWDMEM_BYTES / 1024)) KiB that the sink has read; median of $n run$([ "$n" = 1 ] || echo s). Target: at most 8 MiB."
	reset_samples
	have_ours tcp-listen || skip ours "tool not built"
	rm -f "$pf"
	bg_start "$((LIMIT * (n + 1) * 4))" "$BENCH_BIN/sink" -c "$pf" </dev/null
	sink=$BG_PID
	if ! sinkport=$(wait_port_file "$pf"); then
		bg_stop "$sink"
		for tool in "${FWD_TOOLS[@]}"; do fail "$tool" "no sink"; done
	fi
	for ((i = 1; i <= n; i++)); do
		for tool in "${FWD_TOOLS[@]}"; do
			measuring "$tool" || continue
			if v=$(forwardmem_peak "$tool" "$sinkport"); then
				sample "$tool" "$v"
			else
				fail "$tool" "$v"
			fi
		done
	done
	bg_stop "$sink"
	emit forwardmem "$case" ours "${FWD_LABEL[ours]}" ours "value<=8192"
	emit forwardmem "$case" socat "${FWD_LABEL[socat]}" anchor ""
	emit forwardmem "$case" haproxy "${FWD_LABEL[haproxy]}" anchor ""
}
