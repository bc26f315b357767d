# shellcheck shell=bash
# shellcheck disable=SC2034 # STREAM_PID, STREAM_REST, STREAM_STATUS: for the callers
# Helpers for the tools that read lines as they come (resolve -, rlookup -):
# the tool as a coprocess that a test writes lines to and reads answers
# from while its stdin is still open.  Every read is bounded.

# stream_start CMD...: CMD as a coprocess, its stdout and stderr on one
# pipe; its PID is STREAM_PID.  teardown calls stream_stop.
stream_start() {
	coproc STREAM_CO { exec "$@" 2>&1 3>&-; }
	STREAM_PID=$STREAM_CO_PID
	# our own copies: bash closes the coprocess's once it has exited
	local in=${STREAM_CO[1]} out=${STREAM_CO[0]}
	exec {STREAM_IN}>&"$in" {STREAM_OUT}<&"$out"
	exec {in}>&- {out}<&-
}

# stream_write LINE...: each LINE to the tool's stdin.
stream_write() {
	printf '%s\n' "$@" >&"$STREAM_IN"
}

# stream_read: the tool's next line of output into LINE, within 10 s.
stream_read() {
	IFS= read -r -t 10 LINE <&"$STREAM_OUT" ||
		fail "no line from ${STREAM_PID} within 10 s"
}

# stream_expect LINE: the tool's next line of output is LINE (libc's
# messages in it as libc_words words them).
stream_expect() {
	stream_read
	assert_equal "$LINE" "$(libc_words "$1")"
}

# stream_close: ends the tool's stdin and waits for it, at most 10 s;
# STREAM_REST is what it wrote after the lines read, STREAM_STATUS its
# status.
stream_close() {
	exec {STREAM_IN}>&-
	STREAM_REST=$(timeout 10 cat <&"$STREAM_OUT") ||
		fail "${STREAM_PID} did not finish within 10 s of its end of input"
	exec {STREAM_OUT}<&-
	STREAM_STATUS=0
	wait "$STREAM_PID" || STREAM_STATUS=$?
	STREAM_PID=
}

# stream_stop: teardown's end for a tool a test left running.
stream_stop() {
	if [ -n "${STREAM_PID-}" ]; then
		kill "$STREAM_PID" 2>/dev/null || :
	fi
}
