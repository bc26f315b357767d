# shellcheck shell=bash
# bench/mockhttp.sh: a mock HTTP endpoint under ab, as users set one up
# today, with and without idle connections held open meanwhile.

MOCK_CLIENTS=50
MOCK_IDLE=10
MOCK_BODY=ok
MOCK_REPLY='HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'
MOCK_TOOLS=(ours serial socat ncat python)
declare -A MOCK_LABEL=(
	[ours]="tcp-listen -k --reply"
	[serial]="tcp-listen -k --max-conns 1 --reply (one at a time, as before)"
	[socat]="socat TCP-LISTEN:…,fork SYSTEM:'printf …'"
	[ncat]="ncat -lk --sh-exec 'printf …'"
	[python]="python3 -m http.server"
)

# mock_server TOOL: TOOL answering every request with MOCK_BODY; sets
# SPID, PORT and URL, or WHY and returns 1.
mock_server() {
	local pf="$BENCH_TMP/mock.port" dir="$BENCH_TMP/mock.www"
	URL=/
	case $1 in
	ours | serial)
		rm -f "$pf"
		local -a more=()
		[ "$1" = ours ] || more=(--max-conns 1)
		bg_start "$((LIMIT + 10))" "$BENCH_TOOLS/tcp-listen" -k "${more[@]}" \
			--reply "$MOCK_REPLY" --port-file "$pf" 0 </dev/null >/dev/null
		server_up "$pf"
		;;
	socat | ncat | python)
		PORT=$(free_port)
		case $1 in
		socat)
			bg_start "$((LIMIT + 10))" socat \
				"TCP-LISTEN:$PORT,fork,reuseaddr,bind=127.0.0.1" \
				"SYSTEM:printf '$MOCK_REPLY'" </dev/null >/dev/null 2>&1
			;;
		ncat)
			bg_start "$((LIMIT + 10))" ncat -lk 127.0.0.1 "$PORT" \
				--sh-exec "printf '$MOCK_REPLY'" </dev/null >/dev/null 2>&1
			;;
		python)
			mkdir -p "$dir" && printf '%s' "$MOCK_BODY" >"$dir/ok"
			URL=/ok
			bg_start "$((LIMIT + 10))" "$PYTHON" -m http.server --bind 127.0.0.1 \
				--directory "$dir" "$PORT" </dev/null >/dev/null 2>&1
			;;
		esac
		server_up
		;;
	esac
}

# hold_idle PORT N: N connections to PORT, open and silent until HPID is
# stopped; returns once they are connected.
hold_idle() {
	local ready="$BENCH_TMP/idle.ready"
	rm -f "$ready"
	bg_start "$((LIMIT + 10))" "$PYTHON" -c 'import os, socket, sys, time
socks = [socket.create_connection(("127.0.0.1", int(sys.argv[1])))
         for _ in range(int(sys.argv[2]))]
open(sys.argv[3] + ".tmp", "w").close()
os.rename(sys.argv[3] + ".tmp", sys.argv[3])
time.sleep(3600)' "$1" "$2" "$ready"
	HPID=$BG_PID
	local tries=500
	until [ -e "$ready" ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.01
	done
}

# ab_rate REQUESTS PORT URL: prints requests per second; or why not,
# returning 1, when ab failed or a request did.
ab_rate() {
	local out failed
	# -r: a reset counts as a failed request instead of ending ab
	if ! out=$(bounded "$LIMIT" ab -q -r -n "$1" -c "$MOCK_CLIENTS" \
		"http://127.0.0.1:$2$3" 2>&1); then
		echo "ab failed: $(tail -n 1 <<<"$out")"
		return 1
	fi
	failed=$(awk '/^Failed requests:/ { print $3 }' <<<"$out")
	if [ "$failed" != 0 ] || grep -q '^Non-2xx' <<<"$out"; then
		echo "${failed:-?} failed requests$(grep -o 'Non-2xx.*' <<<"$out" | sed 's/^/, /')"
		return 1
	fi
	awk '/^Requests per second:/ { print $4 }' <<<"$out"
}

figure_mockhttp() {
	local n requests i tool v idle case_idle case_none
	n=$(runs 5 1)
	requests=$(runs 5000 300)
	case_none="$(thousands "$requests") requests, $MOCK_CLIENTS at once"
	case_idle="$case_none, $MOCK_IDLE idle connections held"
	figure mockhttp "Mock HTTP endpoint" "requests/s" higher \
		"\`ab -n $(thousands "$requests") -c $MOCK_CLIENTS\` against a server answering every request with a fixed HTTP/1.0 reply, as users set up a mock today; $n run$([ "$n" = 1 ] || echo s) each, interleaved, the median. In the second case $MOCK_IDLE more connections are opened first and held open, silent, meanwhile, as health checkers and keep-alive pools do. A failed request fails our run; an anchor with failed requests (socat closes with the request unread, and the reset cuts replies short) has no rate. Targets: with the idle connections, at least 10 times the best anchor; without them, concurrency costs at most 10% of serving one connection at a time (\`--max-conns 1\`, what \`-k\` did before)."
	for idle in 0 "$MOCK_IDLE"; do
		reset_samples
		have_ours tcp-listen || { skip ours "tool not built"; skip serial "tool not built"; }
		# one at a time, an idle connection holds every request off
		[ "$idle" = 0 ] || skip serial "serves no one past an idle connection"
		say "  $idle idle connections"
		for ((i = 1; i <= n; i++)); do
			for tool in "${MOCK_TOOLS[@]}"; do
				measuring "$tool" || continue
				if ! mock_server "$tool"; then
					fail "$tool" "$WHY"
					continue
				fi
				HPID=
				if [ "$idle" != 0 ] && ! hold_idle "$PORT" "$idle"; then
					fail "$tool" "idle connections did not connect"
				elif v=$(ab_rate "$requests" "$PORT" "$URL"); then
					sample "$tool" "$v"
				elif [ "$tool" = ours ] || [[ $v != *"failed requests"* ]]; then
					fail "$tool" "$v"
				else
					# an anchor's broken answers are a finding, not a rate
					skip "$tool" "$v, replies cut short"
				fi
				[ -z "$HPID" ] || bg_stop "$HPID"
				# shellcheck disable=SC2153 # set by mock_server's server_up
				bg_stop "$SPID"
			done
		done
		if [ "$idle" = 0 ]; then
			emit mockhttp "$case_none" ours "${MOCK_LABEL[ours]}" ours ""
			emit mockhttp "$case_none" serial "${MOCK_LABEL[serial]}" anchor "ratio>=0.9"
			for tool in socat ncat python; do
				emit mockhttp "$case_none" "$tool" "${MOCK_LABEL[$tool]}" anchor ""
			done
		else
			emit mockhttp "$case_idle" ours "${MOCK_LABEL[ours]}" ours ""
			emit mockhttp "$case_idle" serial "${MOCK_LABEL[serial]}" anchor ""
			for tool in socat ncat python; do
				emit mockhttp "$case_idle" "$tool" "${MOCK_LABEL[$tool]}" anchor "ratio>=10"
			done
		fi
	done
}
