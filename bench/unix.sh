# shellcheck shell=bash
# bench/unix.sh: Unix stream socket throughput, file -> /dev/null, and the
# memory of each end, against nc -U and socat in the same run; the -unix
# tools of throughput.sh carry it, memory.sh measures it.

UNIX_TOOLS=(ours-unix nc-unix socat-unix)
declare -A UNIX_LABEL=(
	[ours-unix]="tcp-send -U → tcp-listen -U"
	[nc-unix]="nc -NU → nc -lU (OpenBSD)"
	[socat-unix]="socat -u UNIX-CONNECT → UNIX-LISTEN"
)
MEM_LABEL+=(
	[ours-unix.sender]="tcp-send -U" [ours-unix.receiver]="tcp-listen -U"
	[nc-unix.sender]="nc -NU" [nc-unix.receiver]="nc -lU"
)

# unix_throughput SIZE RUNS: the throughput rows.
unix_throughput() {
	local size=$1 n=$2 file="$BENCH_TMP/data.$1" small="$BENCH_TMP/data.check"
	local case tool target
	make_file "$file" "$size" || return 1
	make_file "$small" 1048576 || return 1
	case="$(size_label "$size"), file → /dev/null"
	figure unix "Unix stream socket throughput" MiB/s higher \
		"\`SENDER < FILE\` (a file on tmpfs, in the page cache) to \`RECEIVER >/dev/null\` over a Unix stream socket on tmpfs; time from starting the sender until both ends have exited."
	reset_samples
	check_tools direct "$small" "${UNIX_TOOLS[@]}"
	transfer_samples "$n" "$file" "${UNIX_TOOLS[@]}"
	for tool in "${UNIX_TOOLS[@]}"; do
		if [ "$tool" = ours-unix ]; then
			emit unix "$case" "$tool" "${UNIX_LABEL[$tool]}" ours ""
			continue
		fi
		target=
		[ "$tool" = nc-unix ] && target="ratio>=1.5"
		emit unix "$case" "$tool" "${UNIX_LABEL[$tool]}" anchor "$target"
	done
}

figure_unix() {
	local n
	unix_throughput "$BIG" "$(runs 7 1)"
	n=$(runs 5 1)
	figure unix-memory "Unix stream socket memory" KiB lower \
		"Peak resident set size of each end (GNU time %M) in the Unix stream throughput transfer; median of $n run$([ "$n" = 1 ] || echo s). Target: at most 4 MiB, and the same for a large transfer as for a small one (within 256 KiB)."
	memory_rows unix-memory "$n" 4096 ours-unix nc-unix
}
