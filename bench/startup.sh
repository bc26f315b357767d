# shellcheck shell=bash
# bench/startup.sh: start-up, each lookup tool on an answer from the hosts
# file, against getent, Debian's hostname and python3 one-liners.

# startup_case CASE OURS ANCHOR: one hyperfine run of our tool (a command
# line in OURS, with our tool's name first), the anchor and python3 doing
# the same (PY: the Python statement that prints the answer).
startup_case() {
	local case=$1 ours=$2 anchor=$3 py=$4 json tool n warm why
	local -a cmds=()
	n=$(runs 300 20)
	warm=$(runs 30 3)
	tool=${ours%% *}
	json="$BENCH_TMP/hyperfine.json"
	reset_samples
	if ! have_ours "$tool"; then
		skip ours "tool not built"
	else
		cmds+=(-n ours "$(printf %q "$BENCH_TOOLS/$tool")${ours#"$tool"}")
	fi
	cmds+=(-n anchor "$anchor")
	cmds+=(-n python3 "python3 -c 'import socket; print(socket.$py)'")
	say "  $case"
	if ! bounded 600 hyperfine -N --style none --warmup "$warm" \
		--runs "$n" --export-json "$json" "${cmds[@]}" >/dev/null 2>"$BENCH_TMP/hyperfine.err"; then
		why="hyperfine: $(tail -n 1 "$BENCH_TMP/hyperfine.err")"
		fail anchor "$why"
		fail python3 "$why"
		! measuring ours || fail ours "$why"
	else
		# every run's time, in ms: the median is taken by render.py
		while IFS=$'\t' read -r key times; do
			sample "$key" "$times"
		done < <(python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], " ".join("%.3f" % (t * 1e3) for t in r["times"]), sep="\t")' "$json")
	fi
	emit startup "$case" ours "$ours" ours ""
	emit startup "$case" anchor "$anchor" anchor "ratio<=1.1"
	emit startup "$case" python3 "python3 socket.$py" anchor "ratio<=0.02"
}

figure_startup() {
	figure startup "Start-up" ms lower \
		"Wall time of one run, answered from the hosts file: \`hyperfine -N\` (no shell), $(runs 300 20) runs after $(runs 30 3) warm-up runs; the median of all runs."
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
