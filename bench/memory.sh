# shellcheck shell=bash
# bench/memory.sh: peak resident memory of each end, small and large
# transfers.

MEM_TOOLS=(ours nc socat)
declare -A MEM_LABEL=(
	[ours.sender]="tcp-send" [ours.receiver]="tcp-listen"
	[nc.sender]="nc -N" [nc.receiver]="nc -l"
	[socat.sender]="socat -u (sending)" [socat.receiver]="socat -u (listening)"
)

# memory_rows ID RUNS KIB TOOL...: figure ID's rows, each end of each
# TOOL (the first one ours, its target at most KIB) sending a file to
# /dev/null with transfer, small and large; labels from
# MEM_LABEL[TOOL.sender] and [TOOL.receiver].
memory_rows() {
	local id=$1 n=$2 kib=$3 i tool size side case rss_s="$BENCH_TMP/rss.sender"
	local rss_r="$BENCH_TMP/rss.receiver" target small_label
	local -a sizes=(1048576 "$BIG")
	shift 3
	small_label=$(size_label 1048576)
	for size in "${sizes[@]}"; do
		make_file "$BENCH_TMP/data.$size" "$size" || return 1
		reset_samples
		have_ours tcp-send tcp-listen || skip "$1" "tool not built"
		say "  $(size_label "$size")"
		for ((i = 1; i <= n; i++)); do
			for tool; do
				measuring "$tool" || continue
				rm -f "$rss_s" "$rss_r"
				# shellcheck disable=SC2034 # used by transfer
				RWRAP=(/usr/bin/time -f %M -o "$rss_r")
				# shellcheck disable=SC2034 # used by transfer
				SWRAP=(/usr/bin/time -f %M -o "$rss_s")
				if transfer "$tool" direct "$BENCH_TMP/data.$size" /dev/null; then
					sample "$tool.sender" "$(tail -n 1 "$rss_s")"
					sample "$tool.receiver" "$(tail -n 1 "$rss_r")"
				else
					fail "$tool" "$WHY"
				fi
				# shellcheck disable=SC2034 # used by transfer
				RWRAP=() SWRAP=()
			done
		done
		for side in sender receiver; do
			case="$side, $(size_label "$size")"
			for tool; do
				copy_failure "$tool" "$tool.$side"
				if [ "$tool" != "$1" ]; then
					emit "$id" "$case" "$tool.$side" "${MEM_LABEL[$tool.$side]}" anchor ""
					continue
				fi
				target="value<=$kib"
				[ "$size" = 1048576 ] || target="$target&same:$side, $small_label"
				emit "$id" "$case" "$tool.$side" "${MEM_LABEL[$tool.$side]}" ours "$target"
			done
		done
	done
}

figure_memory() {
	local n
	n=$(runs 5 1)
	figure memory "Memory" KiB lower \
		"Peak resident set size of each end (GNU time %M) sending a file to /dev/null on 127.0.0.1, as in the throughput figure; median of $n run$([ "$n" = 1 ] || echo s). Target: at most 4 MiB, and the same for a large transfer as for a small one (within 256 KiB: the peak of one program varies by about 200 KiB from run to run)."
	memory_rows memory "$n" 4096 "${MEM_TOOLS[@]}"
}

# --- many connections open at once -------------------------------------------

CONNMEM_TOOLS=(ours ncat)
declare -A CONNMEM_LABEL=(
	[ours]="tcp-listen -k"
	[ncat]="ncat -lk"
)

# connmem_server TOOL: ours as connrate.sh's conn_server starts it,
# the others as its conc_server does.
connmem_server() {
	if [ "$1" = ours ]; then conn_server ours; else conc_server "$1"; fi
}

figure_connmem() {
	local n case
	n=$(runs 5 1)
	case="$CONNMEM_OPEN connections open"
	figure connmem "Memory, $CONNMEM_OPEN connections open" KiB lower \
		"Peak resident set size (VmHWM) of the server while $CONNMEM_OPEN connections are open at once, each having sent an unfinished line of 32 KiB less a byte, the longest tcp-listen keeps whole: its worst case, as every line is held until its newline; median of $n run$([ "$n" = 1 ] || echo s). Target: at most 8 MiB."
	reset_samples
	have_ours tcp-listen || skip ours "tool not built"
	connmem_samples "$n" connmem_server "" "${CONNMEM_TOOLS[@]}"
	emit connmem "$case" ours "${CONNMEM_LABEL[ours]}" ours "value<=8192"
	emit connmem "$case" ncat "${CONNMEM_LABEL[ncat]}" anchor ""
}
