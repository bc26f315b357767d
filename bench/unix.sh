# shellcheck shell=bash
# bench/unix.sh: Unix stream socket throughput, file -> /dev/null, and the
# memory of each end, against nc -U and socat in the same run.

UNIX_TOOLS=(ours nc socat)
declare -A UNIX_LABEL=(
	[ours]="tcp-send -U → tcp-listen -U"
	[nc]="nc -NU → nc -lU (OpenBSD)"
	[socat]="socat -u UNIX-CONNECT → UNIX-LISTEN"
	[ours.sender]="tcp-send -U" [ours.receiver]="tcp-listen -U"
	[nc.sender]="nc -NU" [nc.receiver]="nc -lU"
)

# unix_listening TOOL PATH: does TOOL's stream socket listen at PATH?
# Ours makes PATH appear only once it listens; the others bind it first,
# so ss is asked (a connect would use up a one-shot listener).
unix_listening() {
	if [ "$1" = ours ]; then
		[ -S "$2" ]
	else
		[ -n "$(ss -Hxl "src = $2" 2>/dev/null)" ]
	fi
}

# unix_transfer TOOL FILE OUT: sends FILE over a Unix stream socket with
# TOOL's sender (under SWRAP) to its receiver (under RWRAP) writing to
# OUT. Sets US (microseconds from starting the sender to both ends having
# exited); returns 1 with WHY set on failure.
unix_transfer() {
	local tool=$1 file=$2 out=$3 sock="$BENCH_TMP/unix.$RANDOM.sock"
	local -a recv send
	local t0 t1 s_rc r_rc rpid tries=500
	rm -f "$sock"
	case $tool in
	ours)
		recv=("$BENCH_TOOLS/tcp-listen" -U "$sock")
		send=("$BENCH_TOOLS/tcp-send" -U "$sock") ;;
	nc)
		recv=(nc -lU "$sock")
		send=(nc -NU "$sock") ;;
	socat)
		recv=(socat -u "UNIX-LISTEN:$sock" -)
		send=(socat -u - "UNIX-CONNECT:$sock") ;;
	esac
	bg_start "$LIMIT" "${RWRAP[@]}" "${recv[@]}" </dev/null >"$out"
	rpid=$BG_PID
	until unix_listening "$tool" "$sock"; do
		tries=$((tries - 1))
		if [ "$tries" -le 0 ] || ! kill -0 "$rpid" 2>/dev/null; then
			bg_stop "$rpid"
			WHY="receiver not listening after 5 s"
			return 1
		fi
		sleep 0.01
	done
	t0=${EPOCHREALTIME/./}
	bounded "$LIMIT" "${SWRAP[@]}" "${send[@]}" <"$file" >/dev/null
	s_rc=$?
	if [ "$s_rc" != 0 ]; then
		bg_stop "$rpid"
		WHY="sender exited $s_rc"
		return 1
	fi
	wait "$rpid"
	r_rc=$?
	t1=${EPOCHREALTIME/./}
	US=$((t1 - t0))
	rm -f "$sock"
	if [ "$r_rc" != 0 ]; then
		WHY="receiver exited $r_rc"
		return 1
	fi
}

# unix_throughput SIZE RUNS: the throughput rows.
unix_throughput() {
	local size=$1 n=$2 file="$BENCH_TMP/data.$1" small="$BENCH_TMP/data.check"
	local out="$BENCH_TMP/received" case tool i target
	make_file "$file" "$size" || return 1
	make_file "$small" 1048576 || return 1
	case="$(size_label "$size"), file → /dev/null"
	figure unix "Unix stream socket throughput" MiB/s higher \
		"\`SENDER < FILE\` (a file on tmpfs, in the page cache) to \`RECEIVER >/dev/null\` over a Unix stream socket on tmpfs; time from starting the sender until both ends have exited."
	reset_samples
	have_ours tcp-send tcp-listen || skip ours "tool not built"
	for tool in "${UNIX_TOOLS[@]}"; do
		measuring "$tool" || continue
		rm -f "$out"
		if ! unix_transfer "$tool" "$small" "$out"; then
			fail "$tool" "1 MiB check: $WHY"
		elif ! cmp -s "$small" "$out"; then
			fail "$tool" "1 MiB check: received $(stat -c %s "$out") bytes"
		fi
	done
	for ((i = 1; i <= n; i++)); do
		say "  run $i of $n"
		for tool in "${UNIX_TOOLS[@]}"; do
			measuring "$tool" || continue
			if unix_transfer "$tool" "$file" /dev/null; then
				sample "$tool" "$(rate "$size" "$US")"
			else
				fail "$tool" "$WHY"
			fi
		done
	done
	for tool in "${UNIX_TOOLS[@]}"; do
		if [ "$tool" = ours ]; then
			emit unix "$case" ours "${UNIX_LABEL[$tool]}" ours ""
			continue
		fi
		target=
		[ "$tool" = nc ] && target="ratio>=1.5"
		emit unix "$case" "$tool" "${UNIX_LABEL[$tool]}" anchor "$target"
	done
}

# unix_memory RUNS: peak resident memory of each end, small and large.
unix_memory() {
	local n=$1 size i tool side case target small_label
	local rss_s="$BENCH_TMP/rss.sender" rss_r="$BENCH_TMP/rss.receiver"
	local -a sizes=(1048576 "$BIG")
	small_label=$(size_label 1048576)
	figure unix-memory "Unix stream socket memory" KiB lower \
		"Peak resident set size of each end (GNU time %M) in the Unix stream throughput transfer; median of $n run$([ "$n" = 1 ] || echo s). Target: at most 4 MiB, and the same for a large transfer as for a small one (within 256 KiB)."
	for size in "${sizes[@]}"; do
		make_file "$BENCH_TMP/data.$size" "$size" || return 1
		reset_samples
		have_ours tcp-send tcp-listen || skip ours "tool not built"
		for ((i = 1; i <= n; i++)); do
			for tool in ours nc; do
				measuring "$tool" || continue
				rm -f "$rss_s" "$rss_r"
				RWRAP=(/usr/bin/time -f %M -o "$rss_r")
				SWRAP=(/usr/bin/time -f %M -o "$rss_s")
				if unix_transfer "$tool" "$BENCH_TMP/data.$size" /dev/null; then
					sample "$tool.sender" "$(tail -n 1 "$rss_s")"
					sample "$tool.receiver" "$(tail -n 1 "$rss_r")"
				else
					fail "$tool" "$WHY"
				fi
				RWRAP=() SWRAP=()
			done
		done
		for side in sender receiver; do
			case="$side, $(size_label "$size")"
			for tool in ours nc; do
				copy_failure "$tool" "$tool.$side"
				if [ "$tool" != ours ]; then
					emit unix-memory "$case" "$tool.$side" "${UNIX_LABEL[$tool.$side]}" anchor ""
					continue
				fi
				target="value<=4096"
				[ "$size" = 1048576 ] || target="$target&same:$side, $small_label"
				emit unix-memory "$case" "$tool.$side" "${UNIX_LABEL[$tool.$side]}" ours "$target"
			done
		done
	done
}

figure_unix() {
	unix_throughput "$BIG" "$(runs 7 3)"
	unix_memory "$(runs 5 3)"
}
