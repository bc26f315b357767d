#!/usr/bin/env bats
# rlookup: the names of addresses (gethostbyaddr).

# the streaming tests read answers while stdin is open: none may hang
BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120}

setup() { load test_helper/common-setup && _common_setup stream background dns; }

teardown() {
	dns_restore
	_common_teardown
}

ADDRESSES=(192.0.2.10 2001:db8::10 192.0.2.20 2001:db8::20 192.0.2.31
	2001:db8::32 192.0.2.40 192.0.2.50 198.51.100.7 198.51.100.8
	198.51.100.9 2001:db8::9 127.0.0.1 ::1 127.0.1.1 203.0.113.99
	2001:db8::99)

# What the static build (musl) answers where Python on glibc answers
# otherwise (rlookup.1, CAVEATS): of several PTR records the last, and
# none of the hosts file's aliases.
declare -gA MUSL_JSON=(
	[192.0.2.50]='{"name":"ptr-b.test","aliases":[],"addresses":["192.0.2.50"]}'
	[198.51.100.7]='{"name":"hostsname.test","aliases":[],"addresses":["198.51.100.7"]}'
	[198.51.100.8]='{"name":"电脑.test","aliases":[],"addresses":["198.51.100.8"]}'
	[::1]='{"name":"localhost","aliases":[],"addresses":["::1"]}'
	[127.0.1.1]='{"name":"sockhost.example.test","aliases":[],"addresses":["127.0.1.1"]}'
)

@test "rlookup prints the name python's gethostbyaddr gives" {
	require_hermetic
	for a in "${ADDRESSES[@]}"; do
		if is_static_build && [ -n "${MUSL_JSON[$a]+set}" ]; then
			run -0 --separate-stderr rlookup "$a"
			assert_output "$(jq -r .name <<<"${MUSL_JSON[$a]}")"
			continue
		fi
		assert_like_python gethostbyaddr "$a" -- rlookup
	done
}

@test "rlookup -j prints python's gethostbyaddr triple" {
	require_hermetic
	for a in "${ADDRESSES[@]}"; do
		if is_static_build && [ -n "${MUSL_JSON[$a]+set}" ]; then
			run -0 --separate-stderr rlookup -j "$a"
			assert_output "${MUSL_JSON[$a]}"
			continue
		fi
		assert_like_python gethostbyaddr_json "$a" -- rlookup -j
	done
	run -0 --separate-stderr rlookup --json 198.51.100.7
	assert_output "$(libc_answer \
		'{"name":"hostsname.test","aliases":["hostsalias1","hostsalias2"],"addresses":["198.51.100.7"]}' \
		"${MUSL_JSON[198.51.100.7]}")"
}

@test "rlookup finds IPv4 and IPv6 PTR records" {
	require_hermetic
	run -0 --separate-stderr rlookup 192.0.2.10
	assert_output v4only.test
	run -0 --separate-stderr rlookup 2001:db8::10
	assert_output v6only.test
	run -0 --separate-stderr rlookup 2001:0db8:0:0::0010
	assert_output v6only.test
}

@test "rlookup with several addresses prints ADDRESS NAME lines and reports failures" {
	require_hermetic
	run -68 --separate-stderr rlookup 192.0.2.10 203.0.113.99 2001:db8::10
	assert_output $'192.0.2.10 v4only.test\n2001:db8::10 v6only.test'
	assert_stderr "rlookup: 203.0.113.99: Unknown host"
}

@test "rlookup writes each answer before it reports a later failure" {
	require_hermetic
	run -68 rlookup 192.0.2.10 203.0.113.99	# stdout and stderr on one pipe
	assert_output "$(libc_words $'192.0.2.10 v4only.test\nrlookup: 203.0.113.99: Unknown host')"
}

@test "rlookup fails with 68 for an address without a name" {
	require_hermetic
	run -68 --separate-stderr rlookup 2001:db8::99
	assert_output ""
	assert_stderr "rlookup: 2001:db8::99: Unknown host"
}

@test "rlookup fails with 75 when the DNS server fails or is silent" {
	require_hermetic
	# 203.0.113.1's PTR query gets SERVFAIL, 203.0.113.2's no answer:
	# resolv.conf allows one try of one second, timeout(1) only keeps a
	# hang from stalling the suite
	if is_static_build; then
		# musl's reverse lookup cannot tell a failing or silent server
		# from an address without a name (rlookup.1, CAVEATS)
		run -68 --separate-stderr rlookup 203.0.113.1
		assert_stderr "rlookup: 203.0.113.1: Host not found"
		run -68 --separate-stderr timeout 10 rlookup 203.0.113.2
		assert_stderr "rlookup: 203.0.113.2: Host not found"
		return
	fi
	run -75 --separate-stderr rlookup 203.0.113.1
	assert_stderr "rlookup: 203.0.113.1: Host name lookup failure"
	run -75 --separate-stderr timeout 10 rlookup 203.0.113.2
	assert_stderr "rlookup: 203.0.113.2: Host name lookup failure"
}

@test "rlookup --wait answers an address given a name after it started" {
	require_hermetic
	spawn bash -c 'rlookup --wait 5 198.51.100.97 >"$1"' - "$BATS_TEST_TMPDIR/out"
	pid=$SPAWN_PID
	# the name appears 300 ms after the start
	sleep 0.3
	printf '198.51.100.97 late.test\n' | hosts_add
	wait_status "$pid"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" late.test
	# the time over, the last answer
	run -68 --separate-stderr rlookup --wait 0.3 2001:db8::99 192.0.2.10
	assert_output "192.0.2.10 v4only.test"
	assert_stderr "rlookup: 2001:db8::99: Unknown host"
	run -0 --separate-stderr rlookup --wait inf - <<<192.0.2.10
	assert_output "192.0.2.10 v4only.test"
	run -64 --separate-stderr rlookup --wait 1x 192.0.2.10
	assert_equal "${stderr_lines[0]}" "rlookup: wait 1x: invalid"
}

@test "rlookup retries a failing DNS server within -t" {
	require_hermetic
	is_static_build && skip "musl answers a failing server as no name (CAVEATS)"
	: >"$SOCKUTILS_DNS_LOG"
	run -75 --separate-stderr rlookup -t 1 203.0.113.1
	assert_stderr "rlookup: 203.0.113.1: Host name lookup failure"
	run -0 grep -c 'query\[PTR\] 1.113.0.203.in-addr.arpa ' "$SOCKUTILS_DNS_LOG"
	[ "$output" -ge 2 ] || fail "asked $output times in 1 s"
}

@test "rlookup refuses a malformed address with 64 before any lookup" {
	require_hermetic
	for bad in 1.2.3.4.5 256.0.0.1 ::g '[::1]' 1.2.3 "" localhost 192.0.2.10/24; do
		: >"$SOCKUTILS_DNS_LOG"
		run -64 --separate-stderr rlookup 192.0.2.10 "$bad"
		assert_output ""
		assert_equal "${stderr_lines[0]}" "rlookup: address $bad: not an IPv4 or IPv6 address"
		assert_equal "${stderr_lines[1]}" "usage: rlookup [-ju] [-t SEC] [--wait SEC] ADDRESS ..."
		run grep -c 'query\[PTR\]' "$SOCKUTILS_DNS_LOG"
		assert_output 0
	done
}

@test "rlookup - gives what rlookup ADDRESS... gives, in text and JSON" {
	require_hermetic
	list=(192.0.2.10 203.0.113.99 2001:db8::10 127.0.0.1 203.0.113.1 198.51.100.7)
	for opt in "" -j; do
		run --separate-stderr rlookup $opt "${list[@]}"
		want_status=$status want_output=$output want_stderr=$stderr
		run --separate-stderr rlookup $opt - < <(printf '%s\n' "${list[@]}")
		assert_equal "$status" "$want_status"
		assert_equal "$output" "$want_output"
		assert_equal "$stderr" "$want_stderr"
	done
	assert_equal "$status" 68
	run -0 --separate-stderr rlookup - <<<"192.0.2.10"
	assert_output "192.0.2.10 v4only.test"
	run -0 --separate-stderr rlookup 192.0.2.20 - 2001:db8::10 <<<$'  192.0.2.10  \n\n'
	assert_output $'192.0.2.20 dual.test\n192.0.2.10 v4only.test\n2001:db8::10 v6only.test'
}

# Every shape of answer the tests' DNS gives (one PTR record, two, none,
# no such name, a failing and a silent server), the hosts file's
# addresses, and those glibc asks the DNS otherwise (IPv4-mapped and
# -compatible, ::), however written: the stub's answers and those it
# leaves to gethostbyaddr, the same as glibc's own.  The static build's
# are musl's: of two records the last, no hosts file aliases, a failing
# server as no name (CAVEATS), so there the others, and its words.
# bats test_tags=valgrind
@test "rlookup - answers each address as gethostbyaddr does" {
	require_hermetic
	addresses="192.0.2.10 2001:db8::10 192.0.2.20 2001:DB8:0::20 192.0.2.31
		2001:db8::32 192.0.2.40 192.0.2.60 198.51.100.9 2001:db8::9
		127.0.0.1 203.0.113.99 2001:db8::99 0.0.0.0 fe80::1"
	is_static_build || addresses+=" 192.0.2.50 198.51.100.7 198.51.100.8
		::1 127.0.1.1 203.0.113.1 203.0.113.2"
	# python3's socket.gethostbyaddr (glibc's), as rlookup -j - writes it
	oracle --as rlookup gethostbyaddr_json <<<"$addresses" >"$T/out" 2>"$T/err"
	run --separate-stderr rlookup -j - < <(printf '%s\n' $addresses)
	assert_equal "$output" "$(cat "$T/out")"
	assert_stderr_like_file "$T/err"
	# glibc asks for an IPv4-mapped or -compatible address's IPv4 name
	# (python's gethostbyaddr refuses them); musl for a mapped one's,
	# kept as written, and a compatible one's own (CAVEATS)
	if is_static_build; then
		run -68 --separate-stderr rlookup -j - <<<$'::ffff:192.0.2.10\n::192.0.2.10'
		assert_output '{"name":"v4only.test","aliases":[],"addresses":["::ffff:192.0.2.10"]}'
	else
		run -0 --separate-stderr rlookup -j - <<<$'::ffff:192.0.2.10\n::192.0.2.10'
		assert_output "$(printf '%s\n' "$(rlookup -j 192.0.2.10)" "$(rlookup -j 192.0.2.10)")"
	fi
	run -68 --separate-stderr rlookup - <<<"::"
	assert_stderr "rlookup: ::: Unknown host"
}

# 1,000 addresses to a server that takes 20 s, each line reported timed
# out at -t 0.1 as it comes: on glibc each asked by the stub, no thread
# each (the static build's musl: a thread each, rlookup.1's CAVEATS).
@test "rlookup - asks the DNS for many addresses on one thread, each reported at its deadline" {
	require_hermetic
	slow_dns_on 20000
	stream_start rlookup -t 0.1 -
	seq -f '192.0.2.%g' 200 >&"$STREAM_IN"
	seq -f '2001:db8::%g' 1001 1800 >&"$STREAM_IN"
	got=
	for ((i = 0; i < 1000; i++)); do
		stream_read
		got+=$LINE$'\n'
	done
	assert_equal "$got" "$( (seq -f 'rlookup: 192.0.2.%g: timed out' 200
		seq -f 'rlookup: 2001:db8::%g: timed out' 1001 1800))"$'\n'
	threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$STREAM_PID/status")
	stream_close
	assert_equal "$STREAM_REST" ""
	if is_static_build; then
		[ "$threads" -ge 100 ] || fail "only $threads threads: the lookups were not stuck"
	else
		# the main, the reporting and the stub's thread
		assert_equal "$threads" 3
	fi
}

@test "rlookup - answers each line as it is read, before stdin is closed" {
	require_hermetic
	stream_start rlookup -
	stream_write 192.0.2.10
	stream_expect "192.0.2.10 v4only.test"
	stream_write 2001:db8::20
	stream_expect "2001:db8::20 dual.test"
	stream_close
	assert_equal "$STREAM_REST" ""
	assert_equal "$STREAM_STATUS" 0
}

# The failure of 203.0.113.2, whose PTR query goes unanswered: the
# resolver gives up after 1 s (musl's cannot tell it from an address
# without a name: rlookup.1, CAVEATS).
silent_failure() {
	if is_static_build; then
		SILENT_MESSAGE="rlookup: 203.0.113.2: Host not found" SILENT_STATUS=68
	else
		SILENT_MESSAGE="rlookup: 203.0.113.2: Host name lookup failure" SILENT_STATUS=75
	fi
}

@test "rlookup - keeps input order behind a slow address, and -u lets later ones through" {
	require_hermetic
	silent_failure
	stream_start rlookup -
	stream_write 203.0.113.2 192.0.2.10
	stream_expect "$SILENT_MESSAGE"
	stream_expect "192.0.2.10 v4only.test"
	stream_close
	assert_equal "$STREAM_STATUS" "$SILENT_STATUS"
	stream_start rlookup --unordered -j -
	stream_write 203.0.113.2 192.0.2.10
	stream_expect "$(rlookup -j 192.0.2.10)"
	stream_close
	assert_equal "$STREAM_REST" "$SILENT_MESSAGE"
	assert_equal "$STREAM_STATUS" "$SILENT_STATUS"
}

@test "rlookup -t gives up on an address not looked up in time with 75 and prints the rest" {
	require_hermetic
	# 203.0.113.2's PTR query goes unanswered: the resolver's own bound is 1 s
	run -75 --separate-stderr rlookup -t 0.3 203.0.113.2 192.0.2.10
	assert_output "192.0.2.10 v4only.test"
	assert_stderr "rlookup: 203.0.113.2: timed out"
	run -0 --separate-stderr rlookup --timeout=5 192.0.2.10
	assert_output v4only.test
	run -64 --separate-stderr rlookup -t 0 192.0.2.10
	assert_equal "${stderr_lines[0]}" "rlookup: timeout 0: too small"
}

@test "rlookup -t counts each line's time from when it was read" {
	require_hermetic
	stream_start rlookup -t 0.5 -
	# longer than -t: counted from the start, the next line would time out
	sleep 0.8
	stream_write 192.0.2.10
	stream_expect "192.0.2.10 v4only.test"
	stream_write 203.0.113.2
	stream_expect "rlookup: 203.0.113.2: timed out"
	stream_close
	assert_equal "$STREAM_STATUS" 75
}

@test "rlookup - refuses a malformed line, a NUL byte and an over-long line with 64, and goes on" {
	require_hermetic
	long=$(printf '1%.0s' {1..5000})
	printf '192.0.2.10\nlocalhost\n1.2.3.4.5\n127.0.0.1\0junk\n%s\n2001:db8::10\n' "$long" \
		>"$BATS_TEST_TMPDIR/in"
	run -64 --separate-stderr rlookup - <"$BATS_TEST_TMPDIR/in"
	assert_output $'192.0.2.10 v4only.test\n2001:db8::10 v6only.test'
	assert_equal "${stderr_lines[0]}" "rlookup: localhost: not an IPv4 or IPv6 address"
	assert_equal "${stderr_lines[1]}" "rlookup: 1.2.3.4.5: not an IPv4 or IPv6 address"
	assert_equal "${stderr_lines[2]}" "rlookup: 127.0.0.1: line with a NUL byte"
	assert_equal "${stderr_lines[3]}" "rlookup: ${long:0:32}...: line longer than 4096 bytes"
	assert_equal "${#stderr_lines[@]}" 4
}

@test "rlookup fails with 74 when stdin cannot be read" {
	run -74 --separate-stderr rlookup - <"$BATS_TEST_TMPDIR"
	assert_stderr "rlookup: read error: stdin: Is a directory"
}

@test "rlookup without an address is a usage error" {
	run -64 --separate-stderr rlookup
	assert_stderr $'rlookup: no ADDRESS given\nusage: rlookup [-ju] [-t SEC] [--wait SEC] ADDRESS ...'
}

@test "rlookup fails with 74 when stdout is full or closed" {
	run -74 --separate-stderr sh -c 'rlookup 127.0.0.1 >/dev/full'
	assert_stderr "rlookup: write error: stdout: No space left on device"
	run -74 --separate-stderr sh -c 'rlookup 127.0.0.1 >&-'
}
