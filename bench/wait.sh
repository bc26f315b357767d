# shellcheck shell=bash
# bench/wait.sh: how soon a port waiter notices that a port has opened.

# reaction_runs EVENT N LOOP OURS...: N interleaved runs of how soon a
# waiter sees EVENT happen (bench/reactlat.py: port, health): ours, the
# command OURS..., and loop, the shell loop LOOP polling once a second;
# "{port}" in either stands for the port.  A sample or a failure each.
reaction_runs() {
	local event=$1 n=$2 loop=$3 i key v
	shift 3
	local -a cmd
	for ((i = 1; i <= n; i++)); do
		for key in ours loop; do
			measuring "$key" || continue
			if [ "$key" = ours ]; then
				cmd=("$@")
			else
				cmd=(sh -c "$loop" sh '{port}')
			fi
			if v=$(bounded 60 "$PYTHON" "$BENCH_DIR/reactlat.py" \
				"$event" 30 "${cmd[@]}" 2>&1); then
				sample "$key" "$v"
			else
				fail "$key" "$v"
			fi
		done
	done
}

figure_wait() {
	local n case="port opens 100–300 ms after the waiter starts"
	n=$(runs 11 3)
	figure wait "Wait latency" ms lower \
		"From the port's listen() returning to the waiter's exit (seen through a pidfd), by \`bench/reactlat.py port\`; $n runs each, interleaved."
	reset_samples
	have_ours tcp-send || skip ours "tool not built"
	# shellcheck disable=SC2016 # expanded by that sh
	reaction_runs port "$n" 'until nc -z 127.0.0.1 "$1"; do sleep 1; done' \
		"$BENCH_TOOLS/tcp-send" -z --wait 30 127.0.0.1 '{port}'
	emit wait "$case" ours "tcp-send -z --wait 30" ours "value<=10"
	emit wait "$case" loop "until nc -z; do sleep 1; done" anchor ""
}
