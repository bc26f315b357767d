# shellcheck shell=bash
# bench/batch.sh: many names from stdin through a slow DNS server, and
# through one that loses queries.

DNS_ADDR=127.0.0.3
# tests/hermetic/lossydns.py in front of DNS_ADDR, losing LOSSY_PERCENT
LOSSY_ADDR=127.0.0.5
LOSSY_PERCENT=10
DNS_DELAY_MS=50
BATCH_ANSWER=192.0.2.1

# batch_run KEY NAMES OUT: one timed run, its peak RSS (KiB) in OUT.rss;
# sets US, or WHY and returns 1.
batch_run() {
	local key=$1 names=$2 out=$3 t0 t1 rc
	local -a cmd
	case $key in
	ours) cmd=("$BENCH_TOOLS/resolve" -) ;;
	adnshost) cmd=(adnshost -a -f) ;;
	xargs) cmd=(xargs -P 16 -n 1 getent ahostsv4) ;;
	esac
	t0=${EPOCHREALTIME/./}
	bounded "$LIMIT" /usr/bin/time -f %M -o "$out.rss" "${cmd[@]}" \
		<"$names" >"$out"
	rc=$?
	t1=${EPOCHREALTIME/./}
	US=$((t1 - t0))
	if [ "$rc" != 0 ]; then
		WHY="exited $rc"
		return 1
	fi
	batch_check "$key" "$names" "$out"
}

# batch_check KEY NAMES OUT: was every name answered?
batch_check() {
	local want got
	want=$(wc -l <"$2")
	case $1 in
	ours) got=$(grep -c " $BATCH_ANSWER\$" "$3") ;;
	adnshost) got=$(grep -c " A INET $BATCH_ANSWER\$" "$3") ;;
	*) got=$(grep -c "^$BATCH_ANSWER *STREAM " "$3") ;;
	esac
	if [ "$got" != "$want" ]; then
		WHY="$got of $want names answered"
		return 1
	fi
}

# Points the resolver at the slow server (in place: /etc/resolv.conf is a
# bind mount in the namespace); batch_dns_off puts it back.
batch_dns_on() {
	local ready="$BENCH_TMP/slowdns.ready" tries=500
	rm -f "$ready"
	bg_start 3600 "$PYTHON" "$BENCH_DIR/slowdns.py" "$DNS_ADDR" \
		"$DNS_DELAY_MS" "$ready" </dev/null >"$BENCH_TMP/slowdns.log" 2>&1
	DNS_PID=$BG_PID
	until [ -s "$ready" ]; do
		tries=$((tries - 1))
		if [ "$tries" -le 0 ] || ! kill -0 "$DNS_PID" 2>/dev/null; then
			WHY="slowdns.py did not start: $(tail -n 1 "$BENCH_TMP/slowdns.log")"
			bg_stop "$DNS_PID"
			DNS_PID=
			return 1
		fi
		sleep 0.01
	done
	cat /etc/resolv.conf >"$BENCH_TMP/resolv.conf.saved"
	printf 'nameserver %s\noptions timeout:5 attempts:2\n' "$DNS_ADDR" \
		>/etc/resolv.conf
}

batch_dns_off() {
	cat "$BENCH_TMP/resolv.conf.saved" >/etc/resolv.conf
	bg_stop "$DNS_PID"
	DNS_PID=
}

DNS_PID=

# batch_unavailable KEY...: the slow server cannot be had here.
batch_unavailable() {
	local key
	if [ "${SOCKUTILS_HERMETIC-}" != 1 ]; then
		for key; do
			skip "$key" "needs the private namespaces of tests/hermetic"
		done
		return 0
	fi
	batch_dns_on && return 1
	for key; do fail "$key" "$WHY"; done
}

figure_batch() {
	local count big i key names="$BENCH_TMP/names" out="$BENCH_TMP/batch.out"
	local case mem_case mem_big_case v
	local -A reps
	count=$(runs 10000 2000)
	big=$((count * 10))
	reps=([ours]=$(runs 7 1) [adnshost]=$(runs 3 1) [xargs]=$(runs 3 1))
	case="$(thousands "$count") names, each answered after $DNS_DELAY_MS ms"
	# "same:" names the other case by what follows its last ", "
	mem_case="answered after $DNS_DELAY_MS ms, $(thousands "$count") names"
	mem_big_case="answered after $DNS_DELAY_MS ms, $(thousands "$big") names"
	figure batch "Batch resolution" s lower \
		"\`resolve - < names\`: $(thousands "$count") distinct names on stdin, through a DNS server on $DNS_ADDR (\`bench/slowdns.py\`) that answers each query after $DNS_DELAY_MS ms; wall time of the whole batch, every name answered. The others: adnshost (adns-tools) reading names on stdin too, and 16 \`getent ahostsv4\` at a time with xargs."
	reset_samples
	have_ours resolve || skip ours "tool not built"
	command -v adnshost >/dev/null || skip adnshost "adnshost not installed (./dev bench installs adns-tools)"
	if ! batch_unavailable ours adnshost xargs; then
		seq -f "h%06g.bench.test" "$big" >"$names.big"
		head -n "$count" "$names.big" >"$names"
	fi
	declare -A rss=()
	for ((i = 1; i <= reps[ours]; i++)); do
		for key in ours adnshost xargs; do
			if ! measuring "$key" || [ "$i" -gt "${reps[$key]}" ]; then
				continue
			fi
			say "  $key, run $i of ${reps[$key]}"
			if batch_run "$key" "$names" "$out"; then
				sample "$key" "$(seconds "$US")"
				rss[$key]="${rss[$key]-}${rss[$key]:+ }$(tail -n 1 "$out.rss")"
			else
				fail "$key" "$WHY"
			fi
		done
	done
	emit batch "$case" ours "resolve -" ours "value<=2"
	emit batch "$case" adnshost "adnshost -a -f" anchor ""
	emit batch "$case" xargs "xargs -P 16 -n 1 getent ahostsv4" anchor ""

	# memory: the same at ten times the names
	local -A why=([ours]=${FAILED[ours]-} [adnshost]=${FAILED[adnshost]-})
	reset_samples
	figure batchmem "Batch memory" KiB lower \
		"Peak resident set size (GNU time %M) of the batch runs above, and of \`resolve -\` with ten times the names (the same server): the window of 512 lookups in flight holds the memory flat however many names pass. Targets: at most 6 MiB, and the same for $(thousands "$big") names as for $(thousands "$count") (within 256 KiB)."
	for key in ours adnshost; do
		[ -z "${why[$key]}" ] || FAILED["$key"]=${why[$key]}
		# shellcheck disable=SC2086 # one sample a word
		for v in ${rss[$key]-}; do sample "$key" "$v"; done
	done
	copy_failure ours ours.big
	for ((i = 1; i <= $(runs 3 1); i++)); do
		measuring ours.big || break
		say "  ours, $(thousands "$big") names, run $i"
		if batch_run ours "$names.big" "$out"; then
			sample ours.big "$(tail -n 1 "$out.rss")"
		else
			fail ours.big "$WHY"
		fi
	done
	[ -z "$DNS_PID" ] || batch_dns_off
	emit batchmem "$mem_case" ours "resolve -" ours "value<=6144"
	emit batchmem "$mem_case" adnshost "adnshost -a -f" anchor ""
	emit batchmem "$mem_big_case" ours.big "resolve -" ours "same:$mem_case"
}

figure_first() {
	local i n key v ms case="one name after a pause, answered after $DNS_DELAY_MS ms"
	local -a cmd
	n=$(runs 20 5)
	figure first "First answer" ms lower \
		"The time from writing one line into a running resolver reading names on stdin to reading its answer, through the DNS server of the batch figure (\`bench/slowdns.py\`, $DNS_DELAY_MS ms), timed by \`bench/firstanswer.py\`: $n names a process, each after a pause of 20–50 ms with nothing in flight, in $(runs 3 2) processes a tool, interleaved. Before this streaming, \`resolve -\` answered nothing until the end of its input."
	reset_samples
	have_ours resolve || skip ours "tool not built"
	command -v adnshost >/dev/null || skip adnshost "adnshost not installed (./dev bench installs adns-tools)"
	batch_unavailable ours adnshost || :
	for ((i = 1; i <= $(runs 3 2); i++)); do
		for key in ours adnshost; do
			measuring "$key" || continue
			case $key in
			ours) cmd=("$BENCH_TOOLS/resolve" -) ;;
			adnshost) cmd=(adnshost -f) ;;
			esac
			say "  $key, process $i"
			if v=$(bounded 60 "$PYTHON" "$BENCH_DIR/firstanswer.py" 10 "$n" "${cmd[@]}" 2>&1); then
				# shellcheck disable=SC2086 # one time a line
				for ms in $v; do sample "$key" "$ms"; done
			else
				fail "$key" "$v"
			fi
		done
	done
	[ -z "$DNS_PID" ] || batch_dns_off
	emit first "$case" ours "resolve -" ours "value<=60"
	emit first "$case" adnshost "adnshost -f" anchor ""
}

# Points the resolver at lossydns.py in front of the slow server (which
# batch_dns_on starts); batch_dns_off puts both back.
lossy_dns_on() {
	local ready="$BENCH_TMP/lossydns.ready" tries=500
	batch_dns_on || return 1
	rm -f "$ready"
	bg_start 3600 "$PYTHON" "$ROOT/tests/hermetic/lossydns.py" "$LOSSY_ADDR" \
		"$DNS_ADDR" "$LOSSY_PERCENT" "$ready" </dev/null >/dev/null \
		2>"$BENCH_TMP/lossydns.log"
	LOSSY_PID=$BG_PID
	until [ -s "$ready" ]; do
		tries=$((tries - 1))
		if [ "$tries" -le 0 ] || ! kill -0 "$LOSSY_PID" 2>/dev/null; then
			WHY="lossydns.py did not start: $(tail -n 1 "$BENCH_TMP/lossydns.log")"
			return 1
		fi
		sleep 0.01
	done
	printf 'nameserver %s\noptions timeout:5 attempts:2\n' "$LOSSY_ADDR" \
		>/etc/resolv.conf
}

LOSSY_PID=

# lossy_run KEY NAMES OUT: one timed run (US), and how many names were
# left unanswered (LEFT); returns 1 with WHY if the tool failed otherwise.
lossy_run() {
	local answered
	batch_run "$@" && { LEFT=0; return 0; }
	case $WHY in
	*" names answered")
		answered=${WHY%% *}
		LEFT=$(($(wc -l <"$2") - answered))
		;;
	*) return 1 ;;
	esac
}

figure_lossy() {
	local count i key names="$BENCH_TMP/names.lossy" out="$BENCH_TMP/lossy.out"
	local case v
	local -A left=()
	count=$(runs 10000 2000)
	case="$(thousands "$count") names, $LOSSY_PERCENT % of queries lost, each answered after $DNS_DELAY_MS ms"
	figure lossy "Batch resolution, queries lost" s lower \
		"\`resolve - < names\`: $(thousands "$count") distinct names on stdin through \`tests/hermetic/lossydns.py\` on $LOSSY_ADDR, which loses $LOSSY_PERCENT % of the queries at random and passes the others on to the server of the batch figure (answers after $DNS_DELAY_MS ms); \`options timeout:5 attempts:2\`. Wall time of the whole batch, against adnshost (adns-tools), which resends a query itself after 2 s. A run counts whatever it answered; the names each tool left unanswered are the figure below."
	reset_samples
	have_ours resolve || skip ours "tool not built"
	command -v adnshost >/dev/null || skip adnshost "adnshost not installed (./dev bench installs adns-tools)"
	if [ "${SOCKUTILS_HERMETIC-}" != 1 ]; then
		skip ours "needs the private namespaces of tests/hermetic"
		skip adnshost "needs the private namespaces of tests/hermetic"
	elif ! lossy_dns_on; then
		fail ours "$WHY"
		fail adnshost "$WHY"
	fi
	seq -f "lossy%06g.bench.test" "$count" >"$names"
	for ((i = 1; i <= $(runs 3 1); i++)); do
		for key in ours adnshost; do
			measuring "$key" || continue
			say "  $key, run $i"
			if lossy_run "$key" "$names" "$out"; then
				sample "$key" "$(seconds "$US")"
				left[$key]="${left[$key]-}${left[$key]:+ }$LEFT"
			else
				fail "$key" "$WHY"
			fi
		done
	done
	[ -z "$LOSSY_PID" ] || { bg_stop "$LOSSY_PID"; LOSSY_PID=; }
	[ -z "$DNS_PID" ] || batch_dns_off
	emit lossy "$case" ours "resolve -" ours ""
	emit lossy "$case" adnshost "adnshost -a -f" anchor "ratio<=0.5"

	local -A why=([ours]=${FAILED[ours]-} [adnshost]=${FAILED[adnshost]-})
	reset_samples
	figure lossyleft "Batch resolution, names left unanswered" names lower \
		"The names of each run above that the tool did not answer with their address (out of $(thousands "$count")). Target: none."
	for key in ours adnshost; do
		[ -z "${why[$key]}" ] || FAILED["$key"]=${why[$key]}
		# shellcheck disable=SC2086 # one count a word
		for v in ${left[$key]-}; do sample "$key" "$v"; done
	done
	emit lossyleft "$case" ours "resolve -" ours "value<=0"
	emit lossyleft "$case" adnshost "adnshost -a -f" anchor ""
}
