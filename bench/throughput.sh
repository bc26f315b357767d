# shellcheck shell=bash
# bench/throughput.sh: TCP throughput, from a file and through pipes; also
# the ways each tool sends and receives, which memory.sh uses too.

# The tools that carry a stream, and how each is shown in the tables.
STREAM_TOOLS=(ours nc socat ncat bash)
declare -A STREAM_LABEL=(
	[ours]="tcp-send → tcp-listen"
	[nc]="nc -N → nc -l (OpenBSD)"
	[socat]="socat -u"
	[ncat]="ncat --send-only → --recv-only"
	[bash]="bash /dev/tcp (cat) → nc -l"
)

# receiver_cmd TOOL PORT|PORTFILE|PATH: sets RECV to the receiving command
# line; the -unix tools (unix.sh) listen on the Unix socket PATH, the -tls
# ones (tls.sh) serve TLS with TLS_CERT and TLS_KEY.
receiver_cmd() {
	case $1 in
	ours) RECV=("$BENCH_TOOLS/tcp-listen" --port-file "$2" 0) ;;
	ours-tls)
		RECV=("$BENCH_TOOLS/tcp-listen" --tls --cert "$TLS_CERT" --key "$TLS_KEY"
			--port-file "$2" 0)
		;;
	socat-tls)
		RECV=(socat -u "OPENSSL-LISTEN:$2,bind=127.0.0.1,reuseaddr,cert=$TLS_CERT,key=$TLS_KEY,verify=0" -)
		;;
	ncat-tls)
		RECV=(ncat --ssl --ssl-cert "$TLS_CERT" --ssl-key "$TLS_KEY" --recv-only
			-l 127.0.0.1 "$2")
		;;
	ours-unix) RECV=("$BENCH_TOOLS/tcp-listen" -U "$2") ;;
	nc-unix) RECV=(nc -lU "$2") ;;
	socat-unix) RECV=(socat -u "UNIX-LISTEN:$2" -) ;;
	nc | bash) RECV=(nc -l 127.0.0.1 "$2") ;;
	socat) RECV=(socat -u "TCP-LISTEN:$2,bind=127.0.0.1,reuseaddr" -) ;;
	ncat) RECV=(ncat --recv-only -l 127.0.0.1 "$2") ;;
	esac
}

# shellcheck disable=SC2016 # expanded by that bash
BASH_SEND='cat >"/dev/tcp/127.0.0.1/$1"'

# sender_cmd TOOL PORT|PATH: sets SEND to the sending command line (reads
# stdin); the -tls tools verify the certificate for localhost against
# TLS_CA.
sender_cmd() {
	case $1 in
	ours) SEND=("$BENCH_TOOLS/tcp-send" 127.0.0.1 "$2") ;;
	ours-tls)
		SEND=("$BENCH_TOOLS/tcp-send" --tls --ca "$TLS_CA" --servername localhost
			127.0.0.1 "$2")
		;;
	socat-tls)
		SEND=(socat -u - "OPENSSL:127.0.0.1:$2,cafile=$TLS_CA,commonname=localhost")
		;;
	ncat-tls)
		SEND=(ncat --ssl --ssl-trustfile "$TLS_CA" --ssl-servername localhost
			--send-only 127.0.0.1 "$2")
		;;
	ours-unix) SEND=("$BENCH_TOOLS/tcp-send" -U "$2") ;;
	nc-unix) SEND=(nc -NU "$2") ;;
	socat-unix) SEND=(socat -u - "UNIX-CONNECT:$2") ;;
	nc) SEND=(nc -N 127.0.0.1 "$2") ;;
	socat) SEND=(socat -u - "TCP:127.0.0.1:$2") ;;
	ncat) SEND=(ncat --send-only 127.0.0.1 "$2") ;;
	bash) SEND=(bash -c "$BASH_SEND" bash "$2") ;;
	esac
}

# Is the tool there to be measured? Prints why not.
stream_tool_missing() {
	if [ "${1%-*}" = ours ] && ! have_ours tcp-send tcp-listen; then
		echo "tool not built"
	fi
}

# Commands that the receiver and the sender run under, such as GNU time;
# empty but for memory.sh.
RWRAP=()
SWRAP=()

# unix_listening TOOL PATH: does TOOL's stream socket listen at PATH?
# Ours makes PATH appear only once it listens; the others bind it first,
# so ss is asked (a connect would use up a one-shot listener).
unix_listening() {
	if [ "$1" = ours-unix ]; then
		[ -S "$2" ]
	else
		[ -n "$(ss -Hxl "src = $2" 2>/dev/null)" ]
	fi
}

# wait_unix TOOL PATH PID: until unix_listening, at most 5 s, while PID runs.
wait_unix() {
	local tries=500
	until unix_listening "$1" "$2"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] && kill -0 "$3" 2>/dev/null || return 1
		sleep 0.01
	done
}

# start_receiver TOOL MODE OUT: starts TOOL's receiver (under RWRAP)
# writing to OUT (directly, or through `| cat` for MODE pipe), and waits
# until it listens. Sets RPID and PORT (a socket path for the -unix
# tools); returns 1 with WHY set if it does not come up.
start_receiver() {
	local tool=$1 mode=$2 out=$3 pf
	if [ "${tool%-unix}" != "$tool" ]; then
		PORT="$BENCH_TMP/unix.$RANDOM.sock"
		rm -f "$PORT"
		receiver_cmd "$tool" "$PORT"
	elif [ "${tool%-tls}" = ours ]; then
		pf="$BENCH_TMP/port.$RANDOM"
		rm -f "$pf"
		receiver_cmd "$tool" "$pf"
	else
		PORT=$(free_port)
		receiver_cmd "$tool" "$PORT"
	fi
	if [ "$mode" = pipe ]; then
		# shellcheck disable=SC2016 # expanded by that bash
		bg_start "$LIMIT" bash -c 'set -o pipefail; out=$1; shift; "$@" | cat >"$out"' \
			bash "$out" "${RWRAP[@]}" "${RECV[@]}" </dev/null
	else
		bg_start "$LIMIT" "${RWRAP[@]}" "${RECV[@]}" </dev/null >"$out"
	fi
	RPID=$BG_PID
	if [ "${tool%-unix}" != "$tool" ]; then
		wait_unix "$tool" "$PORT" "$RPID" || {
			WHY="receiver not listening after 5 s"
			bg_stop "$RPID"
			return 1
		}
	elif [ "${tool%-tls}" = ours ]; then
		PORT=$(wait_port_file "$pf") || {
			WHY="no port file from tcp-listen"
			bg_stop "$RPID"
			return 1
		}
	elif ! wait_listening "$PORT"; then
		WHY="receiver not listening after 5 s"
		bg_stop "$RPID"
		return 1
	fi
}

# transfer TOOL MODE FILE OUT: sends FILE with TOOL (under SWRAP) to its
# receiver writing to OUT; MODE direct reads the file, MODE pipe reads it
# from cat and writes through cat. Sets US (microseconds from starting the
# sender to both ends having exited); returns 1 with WHY set on failure.
transfer() {
	local tool=$1 mode=$2 file=$3 out=$4 t0 t1 s_rc r_rc
	start_receiver "$tool" "$mode" "$out" || return 1
	sender_cmd "$tool" "$PORT"
	t0=${EPOCHREALTIME/./}
	if [ "$mode" = pipe ]; then
		cat -- "$file" | bounded "$LIMIT" "${SWRAP[@]}" "${SEND[@]}" >/dev/null
		s_rc=${PIPESTATUS[1]}
	else
		bounded "$LIMIT" "${SWRAP[@]}" "${SEND[@]}" <"$file" >/dev/null
		s_rc=$?
	fi
	if [ "$s_rc" != 0 ]; then
		# the receiver would wait for a connection until its time is up
		bg_stop "$RPID"
		WHY="sender exited $s_rc"
		return 1
	fi
	wait "$RPID"
	r_rc=$?
	t1=${EPOCHREALTIME/./}
	US=$((t1 - t0))
	if [ "$r_rc" != 0 ]; then
		WHY="receiver exited $r_rc"
		return 1
	fi
}

# check_transfer TOOL MODE FILE: does FILE arrive whole? (untimed)
check_transfer() {
	local out="$BENCH_TMP/received"
	rm -f "$out"
	transfer "$1" "$2" "$3" "$out" || return 1
	if ! cmp -s "$3" "$out"; then
		WHY="received $(stat -c %s "$out" 2>/dev/null || echo 0) of $(stat -c %s "$3") bytes"
		return 1
	fi
}

# check_tools MODE FILE TOOL...: the untimed check that FILE arrives whole
# with each TOOL; one that fails it, or is not built, is not measured.
check_tools() {
	local mode=$1 file=$2 tool why
	shift 2
	for tool; do
		why=$(stream_tool_missing "$tool")
		if [ -n "$why" ]; then
			skip "$tool" "$why"
		elif ! check_transfer "$tool" "$mode" "$file"; then
			fail "$tool" "1 MiB check: $WHY"
		fi
	done
}

# transfer_samples RUNS FILE TOOL...: RUNS interleaved transfers of FILE
# to /dev/null with each TOOL still measured, their MiB/s as samples.
transfer_samples() {
	local n=$1 file=$2 size i tool
	shift 2
	size=$(stat -c %s "$file") || return 1
	for ((i = 1; i <= n; i++)); do
		say "  run $i of $n"
		for tool; do
			measuring "$tool" || continue
			if transfer "$tool" direct "$file" /dev/null; then
				sample "$tool" "$(rate "$size" "$US")"
			else
				fail "$tool" "$WHY"
			fi
		done
	done
}

# iperf3_rate BYTES: one iperf3 run; prints the receiver's MiB/s.
iperf3_rate() {
	local port json="$BENCH_TMP/iperf3.json" pid
	port=$(free_port)
	bg_start "$LIMIT" iperf3 -s -1 -B 127.0.0.1 -p "$port" </dev/null >/dev/null
	pid=$BG_PID
	if ! wait_listening "$port"; then
		bg_stop "$pid"
		return 1
	fi
	bounded "$LIMIT" iperf3 -c 127.0.0.1 -p "$port" -n "$1" -J >"$json" ||
		{ bg_stop "$pid"; return 1; }
	wait "$pid"
	"$PYTHON" -c 'import json, sys
e = json.load(open(sys.argv[1]))["end"]["sum_received"]
print("%.1f" % (e["bits_per_second"] / 8 / 1048576))' "$json"
}

# throughput_case MODE SIZE RUNS: one figure's rows.
throughput_case() {
	local mode=$1 size=$2 n=$3 id file small tool i v case target
	file="$BENCH_TMP/data.$size"
	small="$BENCH_TMP/data.check"
	make_file "$file" "$size" || return 1
	make_file "$small" 1048576 || return 1
	if [ "$mode" = pipe ]; then
		id=pipes
		case="$(size_label "$size"), cat → sender, receiver → cat"
		figure "$id" "TCP through pipes" MiB/s higher \
			"\`cat FILE | SENDER\` to \`RECEIVER | cat >/dev/null\` on 127.0.0.1; time from starting the sender until both ends have exited."
	else
		id=throughput
		case="$(size_label "$size"), file → /dev/null"
		figure "$id" "TCP throughput" MiB/s higher \
			"\`SENDER < FILE\` (a file on tmpfs, in the page cache) to \`RECEIVER >/dev/null\` on 127.0.0.1; time from starting the sender until both ends have exited. iperf3 (memory to memory, its own figure) is the ceiling."
	fi
	reset_samples
	check_tools "$mode" "$small" "${STREAM_TOOLS[@]}"
	for ((i = 1; i <= n; i++)); do
		say "  run $i of $n"
		for tool in "${STREAM_TOOLS[@]}"; do
			measuring "$tool" || continue
			if transfer "$tool" "$mode" "$file" /dev/null; then
				sample "$tool" "$(rate "$size" "$US")"
			else
				fail "$tool" "$WHY"
			fi
		done
		if [ "$mode" = direct ] && measuring iperf3; then
			if v=$(iperf3_rate "$size"); then
				sample iperf3 "$v"
			else
				fail iperf3 "iperf3 failed"
			fi
		fi
	done
	for tool in "${STREAM_TOOLS[@]}"; do
		target=
		if [ "$tool" = nc ]; then
			if [ "$mode" = pipe ]; then target="ratio>=1.3"; else target="ratio>=1.5"; fi
		fi
		if [ "$tool" = ours ]; then
			emit "$id" "$case" ours "${STREAM_LABEL[$tool]}" ours ""
		else
			emit "$id" "$case" "$tool" "${STREAM_LABEL[$tool]}" anchor "$target"
		fi
	done
	if [ "$mode" = direct ]; then
		emit "$id" "$case" iperf3 "iperf3 (ceiling)" ceiling "ratio>=0.9"
	fi
}

figure_throughput() {
	throughput_case direct "$BIG" "$(runs 7 1)"
}

figure_pipes() {
	throughput_case pipe "$BIG" "$(runs 7 1)"
}
