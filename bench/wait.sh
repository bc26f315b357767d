# shellcheck shell=bash
# bench/wait.sh: how soon a port waiter notices that a port has opened.

# reaction_figure ID TITLE EVENT CASE FROM LOOP LOOP_NAME OURS_NAME OURS...:
# the figure ID of how soon a waiter sees EVENT happen (bench/reactlat.py
# EVENT: port, health), timed FROM the event: ours, the command OURS...,
# against LOOP, a shell loop polling once a second ("{port}" in either
# stands for the port), interleaved; ours must see it within 10 ms.
reaction_figure() {
	local id=$1 title=$2 event=$3 case=$4 from=$5 loop=$6 loop_name=$7
	local ours_name=$8 n i key v
	local -a cmd
	shift 8
	n=$(runs 11 1)
	figure "$id" "$title" ms lower \
		"$from to the waiter's exit (seen through a pidfd), by \`bench/reactlat.py $event\`; $n runs each, interleaved."
	reset_samples
	have_ours tcp-send || skip ours "tool not built"
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
	emit "$id" "$case" ours "$ours_name" ours "value<=10"
	emit "$id" "$case" loop "$loop_name" anchor ""
}

figure_wait() {
	# shellcheck disable=SC2016 # expanded by that sh
	reaction_figure wait "Wait latency" port \
		"port opens 100–300 ms after the waiter starts" \
		"From the port's listen() returning" \
		'until nc -z 127.0.0.1 "$1"; do sleep 1; done' \
		"until nc -z; do sleep 1; done" "tcp-send -z --wait 30" \
		"$BENCH_TOOLS/tcp-send" -z --wait 30 127.0.0.1 '{port}'
}
