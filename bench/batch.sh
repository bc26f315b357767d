# shellcheck shell=bash
# bench/batch.sh: many names from stdin through a slow DNS server.

DNS_ADDR=127.0.0.3
DNS_DELAY_MS=50
BATCH_ANSWER=192.0.2.1

# shellcheck disable=SC2016 # expanded by that bash
SERIAL_LOOP='while read -r n; do getent ahostsv4 "$n" || exit; done'

# batch_run KEY NAMES OUT: one timed run; sets US, or WHY and returns 1.
batch_run() {
	local key=$1 names=$2 out=$3 t0 t1 rc
	local -a cmd
	case $key in
	ours) cmd=("$BENCH_TOOLS/resolve" -) ;;
	serial) cmd=(bash -c "$SERIAL_LOOP") ;;
	xargs) cmd=(xargs -P 16 -n 1 getent ahostsv4) ;;
	esac
	t0=${EPOCHREALTIME/./}
	bounded "$LIMIT" "${cmd[@]}" <"$names" >"$out"
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
	if [ "$1" = ours ]; then
		got=$(grep -c " $BATCH_ANSWER\$" "$3")
	else
		got=$(grep -c "^$BATCH_ANSWER *STREAM " "$3")
	fi
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

figure_batch() {
	local count i key names="$BENCH_TMP/names" out="$BENCH_TMP/batch.out"
	local case
	local -A reps
	count=$(runs 1000 40)
	reps=([ours]=$(runs 7 3) [xargs]=$(runs 3 3) [serial]=$(runs 3 2))
	case="$(thousands "$count") names, each answered after $DNS_DELAY_MS ms"
	figure batch "Batch resolution" s lower \
		"\`resolve - < names\`: $(thousands "$count") distinct names on stdin, through a DNS server on $DNS_ADDR (\`bench/slowdns.py\`) that answers each query after $DNS_DELAY_MS ms; wall time of the whole batch. The shell ways: one \`getent ahostsv4\` per name in a loop, and 16 at a time with xargs."
	reset_samples
	have_ours resolve || skip ours "tool not built"
	if [ "${SOCKUTILS_HERMETIC-}" != 1 ]; then
		for key in ours serial xargs; do
			skip "$key" "needs the private namespaces of tests/hermetic"
		done
	else
		seq -f "h%04g.bench.test" "$count" >"$names"
		if ! batch_dns_on; then
			for key in ours serial xargs; do fail "$key" "$WHY"; done
		fi
	fi
	for ((i = 1; i <= reps[ours]; i++)); do
		for key in ours xargs serial; do
			if ! measuring "$key" || [ "$i" -gt "${reps[$key]}" ]; then
				continue
			fi
			say "  $key, run $i of ${reps[$key]}"
			if batch_run "$key" "$names" "$out"; then
				sample "$key" "$(seconds "$US")"
			else
				fail "$key" "$WHY"
			fi
		done
	done
	[ -z "$DNS_PID" ] || batch_dns_off
	emit batch "$case" ours "resolve -" ours "value<=2"
	emit batch "$case" serial "getent ahostsv4, one name at a time" anchor ""
	emit batch "$case" xargs "xargs -P 16 -n 1 getent ahostsv4" anchor ""
}
