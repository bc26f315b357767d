# shellcheck shell=bash
# bench/startup.sh: start-up, each lookup tool on a local answer (hosts
# and services files, the kernel's host name), against getent, Debian's
# hostname and python3 one-liners.

# hyperfine_samples JSON: every run's time in hyperfine's JSON (ms), a
# sample of its command's key (the command names); render.py takes the
# median.
hyperfine_samples() {
	while IFS=$'\t' read -r key times; do
		sample "$key" "$times"
	done < <("$PYTHON" -c 'import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], " ".join("%.3f" % (t * 1e3) for t in r["times"]), sep="\t")' "$1")
}

# hyperfine_rounds ROUNDS RUNS WARMUP KEYS ARGS...: ROUNDS hyperfine
# runs of the commands of ARGS (-n KEY COMMAND ...), each one's times
# samples of its KEY; if one fails, every key of KEYS (a list) fails
# with hyperfine's words, and the rounds end.
hyperfine_rounds() {
	local rounds=$1 runs=$2 warmup=$3 keys=$4 round why key
	local json="$BENCH_TMP/hyperfine.json"
	shift 4
	for ((round = 1; round <= rounds; round++)); do
		if ! bounded "$LIMIT" hyperfine -N --style none \
			--warmup "$warmup" --runs "$runs" --export-json "$json" \
			"$@" >/dev/null 2>"$BENCH_TMP/hyperfine.err"; then
			why="hyperfine: $(tail -n 1 "$BENCH_TMP/hyperfine.err")"
			for key in $keys; do
				fail "$key" "$why"
			done
			return
		fi
		hyperfine_samples "$json"
	done
}

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
		hyperfine_samples "$json"
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

# The static build (./dev static, $BENCH_STATIC) against the dynamic one
# (BENCH_TOOLS), both run the same way in the same hyperfine runs: what
# the dynamic loader and libc's start cost.  STATIC_CASES: each case's
# command line, a tool's name first.
STATIC_CASES=("resolve localhost" "resolve-ex localhost" "rlookup 127.0.0.1"
	"servport http" "hostname")

figure_static() {
	local cmdline tool
	STARTUP_ROUNDS=$(runs 3 1)
	STARTUP_RUNS=$(runs 100 20)
	STARTUP_WARMUP=$(runs 10 3)
	figure static "Start-up of the static build" ms lower \
		"Wall time of one run of the static musl build's tools (\`./dev static\`: links to one file, sockutils) against the dynamic build's, answered from local files or the kernel as in the start-up figure: \`hyperfine -N\`, $STARTUP_RUNS runs of each after $STARTUP_WARMUP warm-up runs, in $STARTUP_ROUNDS round$([ "$STARTUP_ROUNDS" = 1 ] || echo s); the median of all runs. Target: the static tool in at most 0.7 of the dynamic one's time (no dynamic loader, no libc to map)."
	for cmdline in "${STATIC_CASES[@]}"; do
		tool=${cmdline%% *}
		reset_samples
		say "  $cmdline"
		if [ ! -x "$BENCH_STATIC/tools/$tool" ]; then
			skip static "static build not made (./dev static)"
		elif ! have_ours "$tool"; then
			skip dynamic "tool not built"
		else
			hyperfine_rounds "$STARTUP_ROUNDS" "$STARTUP_RUNS" \
				"$STARTUP_WARMUP" "static dynamic" \
				-n static "$BENCH_STATIC/tools/$cmdline" \
				-n dynamic "$BENCH_TOOLS/$cmdline"
		fi
		emit static "$cmdline" static "static: $cmdline" ours ""
		emit static "$cmdline" dynamic "dynamic: $cmdline" anchor "ratio<=0.7"
	done
}

# stripped_kib FILE...: the size in KiB of FILEs stripped, together.
stripped_kib() {
	local f bytes=0
	for f in "$@"; do
		strip -o "$BENCH_TMP/stripped" "$f" || return 1
		bytes=$((bytes + $(stat -c %s "$BENCH_TMP/stripped")))
	done
	awk -v b="$bytes" 'BEGIN { printf "%.1f\n", b / 1024 }'
}

figure_size() {
	local -a dynamic=()
	local src kib
	figure size "Size" KiB lower \
		"What a container image gets: the static build's one file, sockutils (\`./dev static\`, stripped, all nine tools, needing nothing else), against the dynamic build's nine tools, stripped (they also need glibc and its loader, about 2 MiB, and cannot run on Alpine's musl), and the published sizes of the single static files people copy into images for the same checks: wait4x 2.14 (27 MiB installed) and dockerize (about 9 MiB); those two are as published, not measured here. Target: at most 352 KiB (issues 16 and 21: room for TLS)."
	reset_samples
	if [ -f "$BENCH_STATIC/sockutils" ]; then
		sample static "$(stripped_kib "$BENCH_STATIC/sockutils")"
	else
		skip static "static build not made (./dev static)"
	fi
	for src in "$ROOT"/tools/*.c; do
		dynamic+=("$BENCH_TOOLS/$(basename "$src" .c)")
	done
	if kib=$(stripped_kib "${dynamic[@]}" 2>/dev/null); then
		sample dynamic "$kib"
	else
		skip dynamic "tool not built"
	fi
	sample wait4x $((27 * 1024))
	sample dockerize $((9 * 1024))
	emit size "all nine tools" static "sockutils (static, musl)" ours "value<=352"
	emit size "all nine tools" dynamic "the dynamic build's nine tools" anchor ""
	emit size "all nine tools" wait4x "wait4x 2.14 (published)" anchor ""
	emit size "all nine tools" dockerize "dockerize (published, about)" anchor ""
}
