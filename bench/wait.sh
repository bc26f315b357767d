# shellcheck shell=bash
# bench/wait.sh: how soon a port waiter notices that a port has opened.

figure_wait() {
	local n i key v case="port opens 100–300 ms after the waiter starts"
	# shellcheck disable=SC2016 # expanded by that sh
	local loop='until nc -z 127.0.0.1 "$1"; do sleep 1; done'
	local -a cmd
	n=$(runs 11 3)
	figure wait "Wait latency" ms lower \
		"From the port's listen() returning to the waiter's exit (seen through a pidfd), by \`bench/waitlat.py\`; $n runs each, interleaved."
	reset_samples
	have_ours tcp-send || skip ours "tool not built"
	for ((i = 1; i <= n; i++)); do
		for key in ours loop; do
			measuring "$key" || continue
			if [ "$key" = ours ]; then
				cmd=("$BENCH_TOOLS/tcp-send" -z --wait 30 127.0.0.1 '{port}')
			else
				cmd=(sh -c "$loop" sh '{port}')
			fi
			if v=$(bounded 60 "$PYTHON" "$BENCH_DIR/waitlat.py" 30 "${cmd[@]}" 2>&1); then
				sample "$key" "$v"
			else
				fail "$key" "$v"
			fi
		done
	done
	emit wait "$case" ours "tcp-send -z --wait 30" ours "value<=10"
	emit wait "$case" loop "until nc -z; do sleep 1; done" anchor ""
}
