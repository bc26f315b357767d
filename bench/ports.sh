# shellcheck shell=bash
# bench/ports.sh: checking a range of ports of which half never answer.

PORTS_ADDR=127.0.0.1

# ports_run KEY RANGE OUT: one timed check of RANGE; sets US, or WHY and
# returns 1.  Every port must be reported, none open.
ports_run() {
	local key=$1 range=$2 out=$3 t0 t1 rc want got
	local -a cmd
	case $key in
	ours) cmd=("$BENCH_TOOLS/tcp-send" -zj -t 1 "$PORTS_ADDR" "$range") ;;
	nc) cmd=(nc -zv -w 1 "$PORTS_ADDR" "$range") ;;
	esac
	t0=${EPOCHREALTIME/./}
	# ours: the JSON rows alone; nc -v: its report, on stderr
	if [ "$key" = ours ]; then
		bounded "$LIMIT" "${cmd[@]}" >"$out" 2>/dev/null </dev/null
	else
		bounded "$LIMIT" "${cmd[@]}" >"$out" 2>&1 </dev/null
	fi
	rc=$?
	t1=${EPOCHREALTIME/./}
	US=$((t1 - t0))
	want=$((${range#*-} - ${range%-*} + 1))
	if [ "$key" = ours ]; then
		got=$(grep -c '"open":false' "$out")
	else
		got=$(grep -Ec 'refused|timed out' "$out")
	fi
	# none open: 75 (the first port is silent) for ours, 1 for nc
	if [ "$rc" != 75 ] && [ "$rc" != 1 ]; then
		WHY="exited $rc: $(tail -n 1 "$out")"
		return 1
	fi
	if [ "$got" != "$want" ]; then
		WHY="$got of $want ports reported closed; $(grep -v -e '"open":false' \
			-e refused -e 'timed out' "$out" | head -n 3)"
		return 1
	fi
}

figure_ports() {
	local count=1000 n i key range pf="$BENCH_TMP/tarpit.port"
	local out="$BENCH_TMP/ports.out" case
	n=$(runs 5 2)
	case="$(thousands "$count") ports of 127.0.0.1, every other one silent"
	figure ports "A port range, half silent" s lower \
		"\`tcp-send -z -t 1\` and \`nc -z -w 1\` over one range of $count ports, every other one a tarpit that never answers SYNs (\`bench/tarpit.py\`), the rest refused; $n runs of ours, and one of nc in full runs only (it checks one port at a time: about $((count / 2)) s)."
	reset_samples
	have_ours tcp-send || skip ours "tool not built"
	[ "$QUICK" = 0 ] || skip nc "about $((count / 2)) s, one port at a time: full runs only"
	rm -f "$pf"
	bg_start 3600 "$PYTHON" "$BENCH_DIR/tarpit.py" "$PORTS_ADDR" "$count" "$pf" \
		</dev/null >"$BENCH_TMP/tarpit.log" 2>&1
	local tarpit=$BG_PID
	if ! range=$(wait_port_file "$pf" 3000); then
		fail ours "tarpit.py did not start: $(tail -n 1 "$BENCH_TMP/tarpit.log")"
		copy_failure ours nc
	fi
	for ((i = 1; i <= n; i++)); do
		for key in ours nc; do
			measuring "$key" || continue
			[ "$key" = ours ] || [ "$i" = 1 ] || continue
			if ports_run "$key" "$range" "$out"; then
				sample "$key" "$(seconds "$US")"
			else
				fail "$key" "$WHY"
			fi
		done
	done
	bg_stop "$tarpit"
	emit ports "$case" ours "tcp-send -z -t 1" ours "value<=1.5"
	emit ports "$case" nc "nc -z -w 1" anchor ""
}

# manyports_run KEY COUNT RSS: one check of ports 1 to COUNT of
# 127.0.0.2 (nothing listens there: all refuse) under ulimit -n 1024, its
# peak RSS to RSS; sets WHY and returns 1 unless each was reported refused.
manyports_run() {
	local key=$1 count=$2 rss=$3 out="$BENCH_TMP/manyports.out" rc got
	local -a cmd
	case $key in
	ours) cmd=("$BENCH_TOOLS/tcp-send" -zj 127.0.0.2 "1-$count") ;;
	nc) cmd=(nc -zv 127.0.0.2 "1-$count") ;;
	esac
	# shellcheck disable=SC2016 # expanded by that bash
	bounded "$LIMIT" bash -c 'ulimit -n 1024 && exec "$@"' _ \
		/usr/bin/time -f %M -o "$rss" "${cmd[@]}" >"$out" 2>"$out.err" </dev/null
	rc=$?
	if [ "$key" = ours ]; then
		got=$(grep -c '"error":"Connection refused"' "$out")
	else
		got=$(grep -c 'Connection refused' "$out.err")
	fi
	if [ "$rc" != 69 ] && [ "$rc" != 1 ]; then
		WHY="exited $rc: $(tail -n 1 "$out.err")"
		return 1
	fi
	if [ "$got" != "$count" ]; then
		WHY="$got of $count ports reported refused"
		return 1
	fi
}

figure_manyports() {
	local n i key count rss="$BENCH_TMP/manyports.rss" case small
	n=$(runs 3 1)
	small="$(thousands 10000) ports"
	figure manyports "Memory for many ports" KiB lower \
		"Peak resident set size (GNU time %M) of \`tcp-send -zj\` and \`nc -zv\` checking ports of 127.0.0.2 that all refuse, under \`ulimit -n 1024\`; median of $n run$([ "$n" = 1 ] || echo s). Ours grows with the 4,096 targets it has between the first not yet reported and the last started, then no more: target at most 4 MiB, and as much for every port as for 10,000 (within 256 KiB)."
	for count in 10000 65535; do
		case="$(thousands "$count") ports"
		reset_samples
		have_ours tcp-send || skip ours "tool not built"
		for ((i = 1; i <= n; i++)); do
			for key in ours nc; do
				measuring "$key" || continue
				if manyports_run "$key" "$count" "$rss"; then
					sample "$key" "$(tail -n 1 "$rss")"
				else
					fail "$key" "$WHY"
				fi
			done
		done
		if [ "$count" = 10000 ]; then
			emit manyports "$case" ours "tcp-send -zj" ours "value<=4096"
		else
			emit manyports "$case" ours "tcp-send -zj" ours \
				"value<=4096&same:$small"
		fi
		emit manyports "$case" nc "nc -zv" anchor ""
	done
}
