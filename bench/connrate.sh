# shellcheck shell=bash
# bench/connrate.sh: short connections, one after another, to a listener
# that accepts them all.

CONN_TOOLS=(ours nc socat sink)
declare -A CONN_LABEL=(
	[ours]="tcp-listen -k"
	[nc]="nc -lk (OpenBSD)"
	[socat]="socat TCP-LISTEN:…,fork"
	[sink]="bench/sink (accept, read, close)"
)

# conn_server TOOL: starts TOOL's accepting server (output to /dev/null),
# waits until it listens; sets SPID and PORT, or WHY and returns 1.
conn_server() {
	local pf="$BENCH_TMP/conn.port"
	case $1 in
	ours)
		rm -f "$pf"
		bg_start "$((LIMIT + 10))" "$BENCH_TOOLS/tcp-listen" -k \
			--port-file "$pf" 0 </dev/null >/dev/null
		server_up "$pf"
		;;
	sink)
		rm -f "$pf"
		bg_start "$((LIMIT + 10))" "$BENCH_BIN/sink" "$pf" </dev/null
		server_up "$pf"
		;;
	nc)
		PORT=$(free_port)
		bg_start "$((LIMIT + 10))" nc -lk 127.0.0.1 "$PORT" </dev/null >/dev/null
		server_up
		;;
	socat)
		PORT=$(free_port)
		bg_start "$((LIMIT + 10))" socat \
			"TCP-LISTEN:$PORT,fork,reuseaddr,bind=127.0.0.1" - \
			</dev/null >/dev/null
		server_up
		;;
	esac
}

figure_connrate() {
	local n count case
	n=$(runs 5 1)
	count=$(runs 10000 300)
	case="$(thousands "$count") connections"
	figure connrate "Connection rate" conns/s higher \
		"\`bench/connrate\` (built with the tools) makes $(thousands "$count") connections one after another to the listener: connect, send a byte, shutdown(SHUT_WR), read to EOF, close; $n runs each, interleaved. \`bench/sink\`, a server that only accepts, reads to EOF and closes, is the ceiling: what this client and the kernel allow. The target, twice the better anchor, is out of reach of any server here: nc already runs at the ceiling, so the client and the kernel, not the listener, set the rate."
	reset_samples
	have_ours tcp-listen || skip ours "tool not built"
	conn_samples conn_server 1 "$count" "$n" "${CONN_TOOLS[@]}"
	emit connrate "$case" ours "${CONN_LABEL[ours]}" ours ""
	emit connrate "$case" nc "${CONN_LABEL[nc]}" anchor "ratio>=2"
	emit connrate "$case" socat "${CONN_LABEL[socat]}" anchor "ratio>=2"
	emit connrate "$case" sink "${CONN_LABEL[sink]}" ceiling ""
}

# --- many clients at once ---------------------------------------------------

CONC_CLIENTS=16
CONC_TOOLS=(ours ncat socat sink)
declare -A CONC_LABEL=(
	[ours]="tcp-listen -k"
	[ncat]="ncat -lk"
	[socat]="socat TCP-LISTEN:…,fork,reuseaddr"
	[sink]="bench/sink -c (one epoll loop: accept, read, close)"
)

# conc_server TOOL: TOOL's concurrent server, as conn_server starts it.
conc_server() {
	local pf="$BENCH_TMP/conn.port"
	case $1 in
	ours | socat) conn_server "$1" ;;
	sink)
		rm -f "$pf"
		bg_start "$((LIMIT + 10))" "$BENCH_BIN/sink" -c "$pf" </dev/null
		server_up "$pf"
		;;
	ncat)
		PORT=$(free_port)
		bg_start "$((LIMIT + 10))" ncat -lk 127.0.0.1 "$PORT" </dev/null >/dev/null
		server_up
		;;
	esac
}

figure_concurrency() {
	local n count case
	n=$(runs 5 1)
	count=$(runs 20000 500)
	case="$(thousands "$count") connections, $CONC_CLIENTS clients at once"
	figure concurrency "Connection rate, $CONC_CLIENTS clients at once" conns/s higher \
		"\`bench/connrate ... $CONC_CLIENTS\` makes $(thousands "$count") connections from $CONC_CLIENTS client processes at once, each connecting, sending a byte, shutting down its write side, reading to EOF and closing; $n runs each, interleaved. ncat -k and socat fork serve clients concurrently (socat forks a process for each); \`bench/sink -c\`, one epoll loop that only accepts, reads to EOF and closes, is the ceiling. Target: at least twice the better anchor and 0.8 of the ceiling."
	reset_samples
	have_ours tcp-listen || skip ours "tool not built"
	conn_samples conc_server "$CONC_CLIENTS" "$count" "$n" "${CONC_TOOLS[@]}"
	emit concurrency "$case" ours "${CONC_LABEL[ours]}" ours ""
	emit concurrency "$case" ncat "${CONC_LABEL[ncat]}" anchor "ratio>=2"
	emit concurrency "$case" socat "${CONC_LABEL[socat]}" anchor "ratio>=2"
	emit concurrency "$case" sink "${CONC_LABEL[sink]}" ceiling "ratio>=0.8"
}
