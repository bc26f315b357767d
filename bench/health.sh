# shellcheck shell=bash
# bench/health.sh: HTTP health checks that see the answer: one check's
# latency, and how soon a waiter sees a health path turn 200.

HEALTH_REPLY='HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n'
# a request line and the blank line that ends the request: -C makes CRLF
HEALTH_REQUEST="'GET /health HTTP/1.0
'"

figure_health() {
	local n json pf="$BENCH_TMP/health.port" url round why
	local -a cmds=()
	n=$(runs 100 20)
	figure health "Health-check latency" ms lower \
		"Wall time of one HTTP health check (connect, GET /health, a 200 seen) against \`tcp-listen -k --reply\` on loopback: \`hyperfine -N\` (no shell), $n runs of each command after 3 warm-up runs, in $(runs 3 1) round(s); the median of all runs."
	reset_samples
	have_ours tcp-send || skip ours "tool not built"
	have_ours tcp-listen || skip ours "tool not built"
	if measuring ours; then
		rm -f "$pf"
		bg_start "$((LIMIT + 10))" "$BENCH_TOOLS/tcp-listen" -k \
			--reply "$HEALTH_REPLY" --port-file "$pf" 0 </dev/null >/dev/null
		server_up "$pf" || fail ours "$WHY"
	fi
	url="http://127.0.0.1:$PORT/health"
	cmds+=(-n ours "$(printf %q "$BENCH_TOOLS/tcp-send") -C --expect '^HTTP/1\\.[01] 200' 127.0.0.1:$PORT $HEALTH_REQUEST")
	cmds+=(-n curl "curl -sf -o /dev/null $url")
	cmds+=(-n wget "wget -q --spider $url")
	cmds+=(-n python3 "$PYTHON -c 'import urllib.request; urllib.request.urlopen(\"$url\", timeout=10)'")
	json="$BENCH_TMP/hyperfine.json"
	for ((round = 1; round <= $(runs 3 1); round++)); do
		measuring ours || break
		if ! bounded "$LIMIT" hyperfine -N --style none --warmup 3 \
			--runs "$n" --export-json "$json" "${cmds[@]}" \
			>/dev/null 2>"$BENCH_TMP/hyperfine.err"; then
			why="hyperfine: $(tail -n 1 "$BENCH_TMP/hyperfine.err")"
			fail ours "$why"
			break
		fi
		hyperfine_samples "$json"
	done
	for key in curl wget python3; do copy_failure ours "$key"; done
	bg_stop_all
	local case="GET /health, 200"
	emit health "$case" ours "tcp-send -C --expect" ours ""
	emit health "$case" curl "curl -sf" anchor "ratio<=0.3"
	emit health "$case" wget "wget -q --spider" anchor ""
	emit health "$case" python3 "python3 urllib.request.urlopen" anchor ""
}

figure_healthreact() {
	# shellcheck disable=SC2016 # expanded by that sh
	reaction_figure healthreact "Health reaction" health \
		"/health turns from 503 to 200 100–300 ms after the waiter starts" \
		"From the health path answering 200 (a python3 HTTP server)" \
		'until curl -sf -o /dev/null "http://127.0.0.1:$1/health"; do sleep 1; done' \
		"until curl -sf; do sleep 1; done" "tcp-send -C --wait --expect" \
		"$BENCH_TOOLS/tcp-send" -C --wait 30 --expect '^HTTP/1\.[01] 200' \
		'127.0.0.1:{port}' $'GET /health HTTP/1.0\n'
}
