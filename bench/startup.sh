# shellcheck shell=bash
# bench/startup.sh: start-up, each lookup tool on a local answer (hosts
# and services files, the kernel's host name), against getent, Debian's
# hostname and python3 one-liners.

# startup_case CASE OURS ANCHOR PY: hyperfine runs of our tool (OURS: a
# command line, our tool's name first), the anchor and a python3 one-liner
# printing socket.PY, in rounds so that a change in load hits them alike.
startup_case() {
	local case=$1 ours=$2 anchor=$3 py=$4 json tool round why
	local -a cmds=()
	tool=${ours%% *}
	json="$BENCH_TMP/hyperfine.json"
	reset_samples
	if ! have_ours "$tool"; then
		skip ours "tool not built"
	else
		cmds+=(-n ours "$(printf %q "$BENCH_TOOLS/$tool")${ours#"$tool"}")
	fi
	cmds+=(-n anchor "$anchor")
	cmds+=(-n python3 "$PYTHON -c 'import socket; print(socket.$py)'")
	say "  $case"
	for ((round = 1; round <= STARTUP_ROUNDS; round++)); do
		if ! bounded "$LIMIT" hyperfine -N --style none \
			--warmup "$STARTUP_WARMUP" --runs "$STARTUP_RUNS" \
			--export-json "$json" "${cmds[@]}" \
			>/dev/null 2>"$BENCH_TMP/hyperfine.err"; then
			why="hyperfine: $(tail -n 1 "$BENCH_TMP/hyperfine.err")"
			fail anchor "$why"
			fail python3 "$why"
			! measuring ours || fail ours "$why"
			break
		fi
		# every run's time, in ms: the median is taken by render.py
		while IFS=$'\t' read -r key times; do
			sample "$key" "$times"
		done < <("$PYTHON" -c 'import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], " ".join("%.3f" % (t * 1e3) for t in r["times"]), sep="\t")' "$json")
	done
	emit startup "$case" ours "$ours" ours ""
	emit startup "$case" anchor "$anchor" anchor "ratio<=1.1"
	emit startup "$case" python3 "python3 socket.$py" anchor "ratio<=0.02"
}

figure_startup() {
	STARTUP_ROUNDS=$(runs 3 1)
	STARTUP_RUNS=$(runs 100 20)
	STARTUP_WARMUP=$(runs 10 3)
	figure startup "Start-up" ms lower \
		"Wall time of one run, answered from local files (hosts, services) or the kernel (host name): \`hyperfine -N\` (no shell), $STARTUP_RUNS runs of each command after $STARTUP_WARMUP warm-up runs, the commands one after another, in $STARTUP_ROUNDS round$([ "$STARTUP_ROUNDS" = 1 ] || echo s); the median of all runs. python3 is Debian's /usr/bin/python3, the fastest one a user has: the target of 50 times faster than python3 is beyond reach, since a process of any kind takes most of a millisecond to start here and python3 about 16 ms, a ratio near 20."
	startup_case "name → address" "resolve localhost" \
		"getent ahostsv4 localhost" 'gethostbyname("localhost")'
	startup_case "name → canonical name, aliases, addresses" \
		"resolve-ex localhost" "getent hosts localhost" \
		'gethostbyname_ex("localhost")'
	startup_case "address → name" "rlookup 127.0.0.1" \
		"getent hosts 127.0.0.1" 'gethostbyaddr("127.0.0.1")[0]'
	startup_case "service → port" "servport http" \
		"getent services http" 'getservbyname("http")'
	startup_case "host name" "hostname" "/bin/hostname" 'gethostname()'
}
