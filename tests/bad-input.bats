#!/usr/bin/env bats
# Bad input: every tool refuses it with its documented status (64 for
# misuse, see README.md) and a message that names the tool, and never
# crashes or trips a sanitizer.  The first tests run over every tool in
# tools/, so a new tool is covered at once; the table at the end holds
# each tool's own values: a new tool adds its rows there.

setup() {
	load test_helper/common-setup
	_common_setup background
	suite_tools
	BAD=()
	# 254 bytes: one more than a DNS name holds; a label one over 63
	LONG_NAME=$(printf 'a%.0s' {1..127}).$(printf 'b%.0s' {1..126})
	LONG_LABEL=$(printf 'c%.0s' {1..64}).test
	HUGE=$(printf 'x%.0s' {1..100000})
}

teardown() { _common_teardown; }

# expect STATUS TOOL [ARGS...]: TOOL exits with STATUS, prints nothing
# to stdout and says why on stderr, the first line starting "TOOL: ";
# no crash and no sanitizer report.  A failing row is added to BAD, so
# that one test reports all of its failing rows; check_rows fails then.
# A tool that takes the bad input and waits (a listener) is stopped by
# timeout(1) and fails its row with 124.
expect() {
	expect_stdin /dev/null "$@"
}

# expect_stdin FILE STATUS TOOL [ARGS...]: expect, with stdin from FILE.
expect_stdin() {
	local file=$1 want=$2
	shift 2
	capture "$file" "$@"
	check_row "$want" "$@"
}

# capture FILE TOOL [ARGS...]: TOOL under timeout(1), stdin from FILE,
# and the status, output, stderr and stderr_lines that bats's run
# --separate-stderr sets, without the mktemp(1) and the bookkeeping of
# each run: the tables below run a tool more than a thousand times.
capture() {
	local file=$1
	shift
	status=0
	output=$(timeout 10 "$@" <"$file" 2>"$T/stderr") || status=$?
	read -r -d '' stderr <"$T/stderr" || :
	IFS=$'\n' read -r -d '' -a stderr_lines <<<"$stderr" || :
}

check_row() {
	local want=$1 tool=$2 why=
	shift
	if [ "$status" -ne "$want" ]; then
		why="exit $status, not $want"
	elif [ -n "$output" ]; then
		why="stdout '$output'"
	elif [[ ${stderr_lines[0]-} != "$tool: "* ]]; then
		why="stderr does not start with '$tool: '"
	elif [[ $stderr =~ Sanitizer|runtime\ error:|==[0-9]+== ]]; then
		why="a sanitizer or valgrind report"
	fi
	if [ -n "$why" ]; then
		BAD+=("$(printf '%q ' "$@")-> $why; stderr: ${stderr:0:300}")
	fi
}

check_rows() {
	[ "${#BAD[@]}" -eq 0 ] || fail "$(printf '%s\n' "${BAD[@]}")"
}

@test "every tool refuses unknown options with 64, wherever they stand" {
	for t in "${TOOLS[@]}"; do
		expect 64 "$t" -%
		expect 64 "$t" --no-such-option
		expect 64 "$t" --no-such-option=1
		expect 64 "$t" -% operand
		expect 64 "$t" operand -%
	done
	check_rows
}

@test "every tool refuses a value given to an option that takes none, naming the option" {
	for t in "${TOOLS[@]}"; do
		expect 64 "$t" --help=x
		assert_equal "${stderr_lines[0]}" "$t: option --help takes no value"
		expect 64 "$t" --version=1
		assert_equal "${stderr_lines[0]}" "$t: option --version takes no value"
	done
	check_rows
}

@test "every tool refuses an empty first operand with 64" {
	for t in "${TOOLS[@]}"; do
		expect 64 "$t" ""
	done
	check_rows
}

@test "every tool refuses a 100000-byte operand without a crash" {
	# servport looks such a name up as a service and finds none (68)
	for t in "${TOOLS[@]}"; do
		capture /dev/null "$t" "$HUGE"
		case $t in
		servport) check_row 68 "$t" "$HUGE" ;;
		*) check_row 64 "$t" "$HUGE" ;;
		esac
	done
	check_rows
}

# The table: each tool's operands and option values.  Every row fails
# before any lookup, so none needs the hermetic name service.
@test "each tool refuses missing and extra operands and missing option values" {
	expect 64 resolve
	expect 64 resolve -4
	expect 64 resolve -t
	expect 64 resolve --timeout
	expect 64 resolve localhost -t
	expect 64 resolve-ex
	expect 64 resolve-ex -6j
	expect 64 rlookup
	expect 64 rlookup -j
	expect 64 rlookup -t
	expect 64 rlookup 127.0.0.1 --timeout
	expect 64 servport
	expect 64 servport http tcp extra
	expect 64 servport http ""
	expect 64 servport -j
	expect 64 hostname sockhost
	expect 64 hostname -f extra
	expect 64 tcp-listen
	expect 64 tcp-listen 0 extra
	expect 64 tcp-listen -c
	expect 64 tcp-listen --port-file
	expect 64 tcp-listen --reply
	expect 64 tcp-listen --max-conns
	expect 64 tcp-send
	expect 64 tcp-send 127.0.0.1
	expect 64 tcp-send -z 127.0.0.1 1 127.0.0.2
	expect 64 tcp-send --wait
	expect 64 udp-send
	expect 64 udp-send 127.0.0.1
	expect 64 udp-send -b
	expect 64 udp-listen
	expect 64 udp-listen 0 extra
	expect 64 udp-listen -c
	check_rows
}

@test "each tool refuses numbers out of range or with junk with 64" {
	local v
	for v in 0x50 1e3 80abc 65536 99999999999999999999 "8 0" 1.5 \
		"1"$'\n'; do
		expect 64 servport "$v"
	done
	expect 64 servport -1	# taken for an option
	expect 64 servport -- -1	# a negative port
	# what does not start with a digit is a service name, and no such
	# service exists (68)
	for v in +1 " 1" -x; do
		expect 68 servport -- "$v"
	done
	# a socket tool's PORT is a number or a service name, else 64
	for v in 0x50 1e3 80abc 65536 99999999999999999999 -1 "" \
		no-such-service; do
		expect 64 tcp-listen -- "$v"
		expect 64 udp-listen -- "$v"
		expect 64 tcp-send 127.0.0.1 "$v"
		expect 64 udp-send 127.0.0.1 "$v"
		expect 64 tcp-send -z 127.0.0.1 1 127.0.0.1 "$v"
	done
	for v in 0 -1 x 1e3 0x10 99999999999999999999; do
		expect 64 tcp-listen -c "$v" 0
		expect 64 udp-listen -c "$v" 0
	done
	for v in -1 x 1e3 1k 99999999999999999999; do
		expect 64 tcp-listen --max-bytes "$v" 0
	done
	for v in 0 -1 x 1e3 0x10 1000001 99999999999999999999 ""; do
		expect 64 tcp-listen -k --max-conns "$v" 0
	done
	check_rows
}

@test "tcp-send refuses malformed port lists and ranges with 64" {
	local v
	for v in 0 80,0 0-10 10-5 65535-65536 1-99999999999999999999 "," "80," ",80" \
		80,,81 1x 80,1x 80,no-such-service 80- 1-2-3 "80, 81" 8-0x10 \
		http-https "$HUGE" "1-65535,$HUGE"; do
		expect 64 tcp-send -z 127.0.0.1 "$v"
		expect 64 tcp-send -zj 127.0.0.1 1 127.0.0.1 "$v"
	done
	# a list names the element at fault
	expect 64 tcp-send -z 127.0.0.1 80,10-5
	assert_equal "${stderr_lines[0]}" "tcp-send: port 80,10-5: 10-5: reversed range"
	# a list or range is for -z; --any too
	for v in 80,81 8000-8010 80,80; do
		expect 64 tcp-send 127.0.0.1 "$v" data
	done
	expect 64 tcp-send --any 127.0.0.1 80 data
	check_rows
}

@test "each tool refuses bad durations with 64" {
	local d
	for d in -1 nan infinity Inf 1x "" . 1.2.3 1e3 0x10 +1 " 1" 0 0.0001 100001 \
		99999999999999999999 "$HUGE"; do
		expect 64 resolve -t "$d" localhost
		expect 64 resolve --timeout="$d" localhost
		expect 64 rlookup -t "$d" 127.0.0.1
		expect 64 tcp-listen -t "$d" 0
		expect 64 udp-listen -t "$d" 0
		expect 64 tcp-send -t "$d" 127.0.0.1 1
		expect 64 udp-send -r -t "$d" 127.0.0.1 1
	done
	for d in -1 nan 1x "" 1e3; do
		expect 64 tcp-send --wait "$d" -z 127.0.0.1 1
	done
	check_rows
}

@test "each tool refuses over-long host names and labels, and empty labels, with 64" {
	local t n
	for t in resolve resolve-ex; do
		for n in "$LONG_NAME" "$LONG_LABEL" a..b .a . ..; do
			expect 64 "$t" "$n"
		done
		expect 64 "$t" -4 "$LONG_NAME" "$LONG_LABEL"
	done
	for t in tcp-send udp-send; do
		for n in "$LONG_NAME" "$LONG_LABEL" a..b; do
			expect 64 "$t" "$n" 9
		done
	done
	check_rows
}

@test "each tool refuses malformed addresses with 64" {
	local a
	for a in 1.2.3.4.5 256.0.0.1 ::g '[::1]' 1.2.3 127.1 0x7f.0.0.1 \
		1.2.3.4/24 ' 1.2.3.4' 1.2.3.4: :::1 1:2:3:4:5:6:7:8:9 localhost; do
		expect 64 rlookup "$a"
	done
	# every address is checked before the first lookup
	expect 64 rlookup 127.0.0.1 1.2.3.4.5
	for a in 1.2.3.4.5 256.0.0.1 ::g '[::1]' 010.1.1.1 127.1 localhost ""; do
		expect 64 tcp-listen -b "$a" 0
		expect 64 udp-listen -b "$a" 0
		expect 64 tcp-send -b "$a" 127.0.0.1 1
		expect 64 udp-send -b "$a" 127.0.0.1 1
	done
	expect 64 tcp-listen -4 -b ::1 0
	expect 64 udp-listen -6 -b 127.0.0.1 0
	check_rows
}

@test "each tool that reads stdin fails with 74 when stdin is a directory" {
	expect_stdin / 74 resolve -
	assert_equal "$stderr" "resolve: read error: stdin: Is a directory"
	expect_stdin / 74 rlookup -
	expect_stdin / 74 udp-send 127.0.0.1 9
	expect_stdin / 74 udp-send -l 127.0.0.1 9
	spawn tcp-listen --port-file "$BATS_TEST_TMPDIR/port" 0 >/dev/null
	wait_file "$BATS_TEST_TMPDIR/port" "$SPAWN_PID"
	expect_stdin / 74 tcp-send 127.0.0.1 "$(cat "$BATS_TEST_TMPDIR/port")"
	wait_status "$SPAWN_PID"
	check_rows
}

@test "each socket tool refuses malformed Unix socket paths and modes with 64" {
	local long_name
	long_name=$(printf 'n%.0s' {1..120})
	for t in tcp-send udp-send tcp-listen udp-listen; do
		expect 64 "$t" -U ''
		expect 64 "$t" -U @
		expect 64 "$t" -U "$BATS_TEST_TMPDIR/"
		expect 64 "$t" -U "@$long_name"
		expect 64 "$t" -U "$BATS_TEST_TMPDIR/$long_name"
		expect 64 "$t" -U "$HUGE"
		expect 64 "$t" -U -4 "$BATS_TEST_TMPDIR/s"
		expect 64 "$t" -U -6 "$BATS_TEST_TMPDIR/s"
		expect 64 "$t" -U -b 127.0.0.1 "$BATS_TEST_TMPDIR/s"
		expect 64 "$t" -U
	done
	for t in tcp-listen udp-listen; do
		expect 64 "$t" -U --port-file "$BATS_TEST_TMPDIR/p" "$BATS_TEST_TMPDIR/s"
		for m in '' 8 0778 1000 01777 u+rw -1 ' 644' "$HUGE"; do
			expect 64 "$t" -U --mode "$m" "$BATS_TEST_TMPDIR/s"
		done
		expect 64 "$t" --mode 0600 0
		expect 64 "$t" -U "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	done
	expect 64 tcp-send -U -n "$BATS_TEST_TMPDIR/s"
	expect 64 udp-send -U -l "$BATS_TEST_TMPDIR/s" data
	expect 64 tcp-send -U -z -r "$BATS_TEST_TMPDIR/s"
	check_rows
}

@test "each tool that reads names or addresses from stdin refuses bad lines with 64" {
	local f=$BATS_TEST_TMPDIR/line
	for line in 'a\0b' "$HUGE" "$LONG_NAME" "$LONG_LABEL" a..b '\0' "x$HUGE\0"; do
		printf '%b\n' "$line" >"$f"
		expect_stdin "$f" 64 resolve -
		expect_stdin "$f" 64 resolve -u -
		expect_stdin "$f" 64 rlookup -
	done
	for line in 1.2.3.4.5 256.0.0.1 ::g '[::1]' 127.1 ' 1.2.3.4/24' localhost; do
		printf '%s\n' "$line" >"$f"
		expect_stdin "$f" 64 rlookup -
	done
	check_rows
}

@test "udp-send refuses a datagram over the maximum with 65, sending nothing" {
	head -c 65508 /dev/zero >"$BATS_TEST_TMPDIR/big"
	expect_stdin "$BATS_TEST_TMPDIR/big" 65 udp-send 127.0.0.1 9
	head -c 65528 /dev/zero >"$BATS_TEST_TMPDIR/big"
	expect_stdin "$BATS_TEST_TMPDIR/big" 65 udp-send ::1 9
	expect 65 udp-send 127.0.0.1 9 "$(head -c 70000 /dev/zero | tr '\0' x)"
	check_rows
}
