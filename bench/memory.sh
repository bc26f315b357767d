# shellcheck shell=bash
# bench/memory.sh: peak resident memory of each end, small and large
# transfers.

MEM_TOOLS=(ours nc socat)
declare -A MEM_LABEL=(
	[ours.sender]="tcp-send" [ours.receiver]="tcp-listen"
	[nc.sender]="nc -N" [nc.receiver]="nc -l"
	[socat.sender]="socat -u (sending)" [socat.receiver]="socat -u (listening)"
)

# memory_rows ID RUNS TOOL...: figure ID's rows, each end of each TOOL
# (the first one ours) sending a file to /dev/null with transfer, small
# and large; labels from MEM_LABEL[TOOL.sender] and [TOOL.receiver].
memory_rows() {
	local id=$1 n=$2 i tool size side case rss_s="$BENCH_TMP/rss.sender"
	local rss_r="$BENCH_TMP/rss.receiver" target small_label
	local -a sizes=(1048576 "$BIG")
	shift 2
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
				target="value<=4096"
				[ "$size" = 1048576 ] || target="$target&same:$side, $small_label"
				emit "$id" "$case" "$tool.$side" "${MEM_LABEL[$tool.$side]}" ours "$target"
			done
		done
	done
}

figure_memory() {
	local n
	n=$(runs 5 3)
	figure memory "Memory" KiB lower \
		"Peak resident set size of each end (GNU time %M) sending a file to /dev/null on 127.0.0.1, as in the throughput figure; median of $n run$([ "$n" = 1 ] || echo s). Target: at most 4 MiB, and the same for a large transfer as for a small one (within 256 KiB: the peak of one program varies by about 200 KiB from run to run)."
	memory_rows memory "$n" "${MEM_TOOLS[@]}"
}

# --- many connections open at once -------------------------------------------

CONNMEM_OPEN=100
CONNMEM_TOOLS=(ours ncat)
declare -A CONNMEM_LABEL=(
	[ours]="tcp-listen -k"
	[ncat]="ncat -lk"
)

# held_read PORT: every connection the server on PORT took has had all
# it was sent read (its receive queue is empty).
held_read() {
	[ "$(ss -Htn state established "sport = :$1" | awk '$1 != 0' | wc -l)" = 0 ]
}

# connmem_peak TOOL: the peak RSS (KiB) of TOOL's server while
# CONNMEM_OPEN connections each sent it an unfinished line as long as
# tcp-listen keeps whole; or why not, returning 1.
connmem_peak() {
	local ready="$BENCH_TMP/held.ready" pid tries=1000 peak
	if [ "$1" = ours ]; then conn_server ours || { echo "$WHY"; return 1; }
	else conc_server ncat || { echo "$WHY"; return 1; }
	fi
	rm -f "$ready"
	bg_start "$((LIMIT + 10))" "$PYTHON" -c 'import os, socket, sys, time
socks = [socket.create_connection(("127.0.0.1", int(sys.argv[1])))
         for _ in range(int(sys.argv[2]))]
for s in socks:
    s.sendall(b"x" * (32 * 1024 - 1))
open(sys.argv[3] + ".tmp", "w").close()
os.rename(sys.argv[3] + ".tmp", sys.argv[3])
time.sleep(3600)' "$PORT" "$CONNMEM_OPEN" "$ready"
	local hold=$BG_PID
	until [ -e "$ready" ] && held_read "$PORT"; do
		tries=$((tries - 1))
		if [ "$tries" -le 0 ]; then
			bg_stop "$hold"; bg_stop "$SPID"
			echo "the connections were never all read"
			return 1
		fi
		sleep 0.01
	done
	pid=$(pgrep -P "$SPID" | head -n 1)
	peak=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	bg_stop "$hold"
	bg_stop "$SPID"
	[ -n "$peak" ] || { echo "no peak read"; return 1; }
	echo "$peak"
}

figure_connmem() {
	local n i tool v case
	n=$(runs 5 1)
	case="$CONNMEM_OPEN connections open"
	figure connmem "Memory, $CONNMEM_OPEN connections open" KiB lower \
		"Peak resident set size (VmHWM) of the server while $CONNMEM_OPEN connections are open at once, each having sent an unfinished line of 32 KiB less a byte, the longest tcp-listen keeps whole: its worst case, as every line is held until its newline; median of $n run$([ "$n" = 1 ] || echo s). Target: at most 8 MiB."
	reset_samples
	have_ours tcp-listen || skip ours "tool not built"
	for ((i = 1; i <= n; i++)); do
		for tool in "${CONNMEM_TOOLS[@]}"; do
			measuring "$tool" || continue
			if v=$(connmem_peak "$tool"); then
				sample "$tool" "$v"
			else
				fail "$tool" "$v"
			fi
		done
	done
	emit connmem "$case" ours "${CONNMEM_LABEL[ours]}" ours "value<=8192"
	emit connmem "$case" ncat "${CONNMEM_LABEL[ncat]}" anchor ""
}
