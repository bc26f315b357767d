#!/usr/bin/env bats
# resolve: host names to addresses, as gethostbyname does.

# the streaming tests read answers while stdin is open: none may hang;
# the longest, 102,000 lookups through a python3 DNS stand-in, took over
# 120 s with musl's resolver on a busy machine
BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-300}

setup() { load test_helper/common-setup && _common_setup stream background dns; }

teardown() {
	dns_restore
	_common_teardown
}

# Names from tests/hermetic: DNS (CNAME chains, several records, one
# family only), the hosts file (aliases, both families), and failures.
NAMES=(v4only.test v6only.test dual.test multi.test alias1.test
	alias2.test www.test cname-nx.test xn--bcher-kva.test hostsname.test
	hostsalias1 hostsalias2 both.test he.test localhost sockhost
	sockhost.example.test nx.test nothere.test x.fail.test 192.0.2.1
	2001:db8::1)

@test "resolve prints the first IPv4 address as python's gethostbyname does" {
	require_hermetic
	assert_like_python gethostbyname "${NAMES[@]}" -- resolve
}

@test "resolve -4 asks for IPv4 explicitly, as without a family option" {
	require_hermetic
	run -0 --separate-stderr resolve -4 dual.test
	assert_output 192.0.2.20
	run -0 --separate-stderr resolve --ipv4 -a both.test
	assert_output 198.51.100.9
	run -68 --separate-stderr resolve -4 v6only.test
}

@test "resolve -6 prints the first IPv6 address as python's getaddrinfo does" {
	require_hermetic
	assert_like_python first6 "${NAMES[@]}" -- resolve -6
}

@test "resolve -a prints every IPv4 address in resolver order" {
	require_hermetic
	assert_like_python all4 "${NAMES[@]}" -- resolve -a
	run -0 resolve -a multi.test
	assert_output $'192.0.2.31\n192.0.2.32\n192.0.2.33'
}

@test "resolve -6a prints every IPv6 address" {
	require_hermetic
	assert_like_python all6 "${NAMES[@]}" -- resolve -6a
}

@test "resolve -46a prints both families in the system's order" {
	require_hermetic
	assert_like_python all "${NAMES[@]}" -- resolve -46a
	# the long options the same, on a name of each kind
	assert_like_python all dual.test v6only.test hostsname.test nx.test -- \
		resolve --ipv4 --ipv6 --all
	run -0 resolve -46 dual.test
	assert_output "$(py 'print(socket.getaddrinfo("dual.test", None, 0, socket.SOCK_STREAM)[0][4][0])')"
}

# bats test_tags=valgrind
@test "resolve -a drops duplicate addresses" {
	require_hermetic
	printf '198.51.100.77 dup.test\n198.51.100.78 dup.test\n198.51.100.77 dup.test\n' | hosts_add
	run -0 resolve -a dup.test
	assert_output $'198.51.100.77\n198.51.100.78'
}

# bats test_tags=valgrind
@test "resolve with several names prints NAME ADDRESS lines in input order" {
	require_hermetic
	run -0 --separate-stderr resolve multi.test v4only.test hostsname.test
	assert_output $'multi.test 192.0.2.31\nv4only.test 192.0.2.10\nhostsname.test 198.51.100.7'
	run -0 resolve -a multi.test v4only.test
	assert_output $'multi.test 192.0.2.31\nmulti.test 192.0.2.32\nmulti.test 192.0.2.33\nv4only.test 192.0.2.10'
}

# bats test_tags=valgrind
@test "resolve reports a failing name on stderr, prints the rest, and returns the first failure's status" {
	require_hermetic
	run -68 --separate-stderr resolve v4only.test nx.test x.fail.test dual.test
	assert_output $'v4only.test 192.0.2.10\ndual.test 192.0.2.20'
	assert_stderr $'resolve: nx.test: Name or service not known\nresolve: x.fail.test: Temporary failure in name resolution'
	run -75 --separate-stderr resolve x.fail.test nx.test
}

# bats test_tags=valgrind
@test "resolve - reads names from stdin, one a line, skipping blank lines" {
	require_hermetic
	run -0 --separate-stderr resolve - <<<$'v4only.test\n\n  dual.test  \r\n'
	assert_output $'v4only.test 192.0.2.10\ndual.test 192.0.2.20'
	run -0 --separate-stderr resolve - </dev/null
	assert_output ""
}

# bats test_tags=valgrind
@test "resolve mixes operands and stdin in order" {
	require_hermetic
	run -0 --separate-stderr resolve v4only.test - dual.test <<<"www.test"
	assert_output $'v4only.test 192.0.2.10\nwww.test 192.0.2.20\ndual.test 192.0.2.20'
}

# bats test_tags=valgrind
@test "resolve resolves many names concurrently and keeps input order" {
	require_hermetic
	for i in $(seq 1 300); do
		printf '198.51.100.%d many%d.test\n' $((i % 250 + 1)) "$i"
	done | hosts_add
	seq 1 300 | sed 's/^/many/; s/$/.test/' >"$BATS_TEST_TMPDIR/names"
	run -0 --separate-stderr resolve - <"$BATS_TEST_TMPDIR/names"
	assert_equal "${#lines[@]}" 300
	for i in 1 77 250 300; do
		assert_equal "${lines[i - 1]}" "many$i.test 198.51.100.$((i % 250 + 1))"
	done
}

@test "resolve finds a UTF-8 name written as such in the hosts file" {
	require_hermetic
	run -0 --separate-stderr resolve 电脑.test
	assert_output 198.51.100.8
	run -0 --separate-stderr resolve 电脑
	assert_output 198.51.100.8
}

# The static build has no libidn2 to load (resolve.1, CAVEATS): it
# looks a non-ASCII name up as written, which finds the hosts file's
# names (above) and needs the IDNA form for DNS.
@test "resolve in the static build looks a non-ASCII name up only as written" {
	require_hermetic
	is_static_build || skip "the dynamic builds load libidn2 (below)"
	: >"$SOCKUTILS_DNS_LOG"
	run -68 --separate-stderr resolve bücher.test
	assert_stderr "resolve: bücher.test: Name or service not known"
	run grep -c 'xn--bcher-kva' "$SOCKUTILS_DNS_LOG"
	assert_output 0
	run -0 --separate-stderr resolve xn--bcher-kva.test
	assert_output 192.0.2.60
	run -0 --separate-stderr resolve 电脑.test
	assert_output 198.51.100.8
	# the limits are on the name as written: 80 bytes of UTF-8
	label=$(printf 'ü%.0s' {1..40})
	run -64 --separate-stderr resolve "$label.test"
	assert_stderr "resolve: $label.test: label longer than 63 bytes"
}

@test "resolve finds an internationalized name through DNS in its IDNA form" {
	require_hermetic
	is_static_build && skip "no libidn2 in the static build (above)"
	run -0 --separate-stderr resolve bücher.test
	assert_output 192.0.2.60
	grep -q 'xn--bcher-kva.test' "$SOCKUTILS_DNS_LOG"
	LC_ALL=C run -0 --separate-stderr resolve bücher.test
	assert_output 192.0.2.60
	assert_like_python gethostbyname bücher.test -- resolve
}

@test "resolve encodes internationalized names as python does (IDNA 2003 rules)" {
	require_hermetic
	is_static_build && skip "no libidn2 in the static build (above)"
	printf '198.51.100.60 strasse.test\n198.51.100.61 xn--strae-oqa.test\n' |
		hosts_add
	run -0 --separate-stderr resolve straße.test
	assert_output 198.51.100.60
	assert_like_python gethostbyname straße.test BÜCHER.test -- resolve
}

@test "resolve takes a label's 63-byte limit on its IDNA form, not its UTF-8" {
	require_hermetic
	is_static_build && skip "no libidn2 in the static build (above)"
	label=$(printf 'ü%.0s' {1..40})	# 80 bytes of UTF-8, 44 as IDNA
	printf '198.51.100.70 %s.test\n' \
		"$(python3 -c 'import sys; print(sys.argv[1].encode("idna").decode())' "$label")" |
		hosts_add
	run -0 --separate-stderr resolve "$label.test"
	assert_output 198.51.100.70
	assert_like_python gethostbyname "$label.test" -- resolve
	label=$(printf 'ü%.0s' {1..60})	# 64 as IDNA: too long either way
	run -64 --separate-stderr resolve "$label.test"
	assert_stderr "resolve: $label.test: label longer than 63 bytes"
}

@test "resolve reports the IDNA form's answer when the name as written is unknown" {
	require_hermetic
	run -68 --separate-stderr resolve -6 bücher.test
	assert_stderr "resolve: bücher.test: No address associated with hostname"
}

@test "resolve fails with 68 for a name that does not exist" {
	require_hermetic
	run -68 --separate-stderr resolve nx.test
	assert_output ""
	assert_stderr "resolve: nx.test: Name or service not known"
}

@test "resolve fails with 68 for a name without an address of the family" {
	require_hermetic
	run -68 --separate-stderr resolve v6only.test
	assert_stderr "resolve: v6only.test: No address associated with hostname"
	run -68 --separate-stderr resolve -6 v4only.test
	run -68 --separate-stderr resolve -6 192.0.2.1
}

@test "resolve fails with 75 when the DNS server fails" {
	require_hermetic
	run -75 --separate-stderr resolve x.fail.test
	assert_stderr "resolve: x.fail.test: Temporary failure in name resolution"
}

# bats test_tags=valgrind
@test "resolve fails with 75 within the resolver's bound when the DNS server is silent" {
	require_hermetic
	# resolv.conf allows one try of one second; timeout(1) only keeps a
	# hang from stalling the suite
	run -75 --separate-stderr timeout 10 resolve x.slow.test
	assert_stderr "resolve: x.slow.test: Temporary failure in name resolution"
}

@test "resolve -t gives up on names not resolved in time with 75 and prints the rest" {
	require_hermetic
	run -75 --separate-stderr timeout 10 resolve -t 0.2 x.slow.test v4only.test
	assert_output "v4only.test 192.0.2.10"
	assert_stderr "resolve: x.slow.test: timed out"
	run -75 --separate-stderr timeout 10 resolve --timeout=0.2 -j x.slow.test
	assert_output '{"name":"x.slow.test","addresses":[],"error":"timed out"}'
	run -0 --separate-stderr resolve -t 5 v4only.test
	assert_output "192.0.2.10"
}

@test "resolve -t refuses a malformed duration with 64" {
	for bad in -1 0 nan infinity 1x 1e3 "" . 100001 0x10; do
		run -64 --separate-stderr resolve -t "$bad" localhost
		assert_equal "${stderr_lines[0]}" "resolve: timeout $bad: $(
			case $bad in 0) echo too small ;; 100001) echo "too large (at most 100000 s, or inf)" ;; *) echo invalid ;; esac)"
		assert_equal "${stderr_lines[1]}" "usage: resolve [-46aju] [-t SEC] [--wait SEC] NAME ..."
	done
	run -64 --separate-stderr resolve -t
	assert_equal "${stderr_lines[0]}" "resolve: option -t needs a value"
}

# bats test_tags=valgrind
@test "resolve -j prints one JSON object per name, failures included" {
	require_hermetic
	run -68 --separate-stderr resolve -j multi.test nx.test
	assert_line --index 0 '{"name":"multi.test","addresses":["192.0.2.31"]}'
	assert_line --index 1 "$(libc_words '{"name":"nx.test","addresses":[],"error":"Name or service not known"}')"
	run -0 --separate-stderr resolve -aj --ipv6 multi.test
	assert_output '{"name":"multi.test","addresses":["2001:db8::31","2001:db8::32"]}'
	run -0 --separate-stderr resolve --json -a 电脑.test
	run -0 jq -r '.name + " " + .addresses[0]' <<<"$output"
	assert_output "电脑.test 198.51.100.8"
}

@test "resolve refuses malformed names with 64 before looking them up" {
	long_label=$(printf 'a%.0s' {1..64})
	long_name=$(printf 'abcdefghi.%.0s' {1..25})abcd
	run -64 --separate-stderr resolve "$long_label.test"
	assert_stderr "resolve: $long_label.test: label longer than 63 bytes"
	run -64 --separate-stderr resolve "$long_name"
	assert_stderr "resolve: $long_name: name longer than 253 bytes"
	run -64 --separate-stderr resolve ""
	assert_stderr "resolve: : empty name"
	run -64 --separate-stderr resolve a..test
	assert_stderr "resolve: a..test: empty label"
}

# bats test_tags=valgrind
@test "resolve refuses a line of stdin with a NUL byte with 64" {
	require_hermetic
	run -64 --separate-stderr resolve - < <(printf 'dual.test\0www.test\nv4only.test\n')
	assert_output "v4only.test 192.0.2.10"
	assert_stderr "resolve: dual.test: line with a NUL byte"
}

# bats test_tags=valgrind
@test "resolve refuses an over-long line of stdin with 64 and goes on with the next" {
	require_hermetic
	long=$(printf 'a%.0s' {1..5000})
	printf 'www.test\n  %s\nv4only.test\n%s' "$long" "$long" >"$BATS_TEST_TMPDIR/in"
	run -64 --separate-stderr resolve - <"$BATS_TEST_TMPDIR/in"
	assert_output $'www.test 192.0.2.20\nv4only.test 192.0.2.10'
	assert_stderr "$(printf 'resolve: %s...: line longer than 4096 bytes\n' "${long:0:32}" "${long:0:32}")"
	# the longest line that fits: 4096 bytes with its newline
	printf '%s.test\n' "$(printf 'b%.0s' {1..4090})" >"$BATS_TEST_TMPDIR/in"
	run -64 --separate-stderr resolve - <"$BATS_TEST_TMPDIR/in"
	assert_stderr_regex '^resolve: b+\.test: name longer than 253 bytes$'
}

# bats test_tags=valgrind
@test "resolve - answers each line as it is read, before stdin is closed" {
	require_hermetic
	stream_start resolve -
	stream_write v4only.test
	stream_expect "v4only.test 192.0.2.10"
	stream_write www.test
	stream_expect "www.test 192.0.2.20"
	stream_close
	assert_equal "$STREAM_REST" ""
	assert_equal "$STREAM_STATUS" 0
}

# bats test_tags=valgrind
@test "resolve -j - writes each JSON object as its line is answered" {
	require_hermetic
	stream_start resolve -j -
	stream_write multi.test
	stream_expect '{"name":"multi.test","addresses":["192.0.2.31"]}'
	stream_write nx.test
	stream_expect "resolve: nx.test: Name or service not known"
	stream_expect '{"name":"nx.test","addresses":[],"error":"Name or service not known"}'
	stream_close
	assert_equal "$STREAM_STATUS" 68
}

@test "resolve - keeps input order behind a slow name" {
	require_hermetic
	# x.slow.test goes unanswered: the resolver gives up after 1 s
	stream_start resolve -
	stream_write x.slow.test v4only.test
	stream_expect "resolve: x.slow.test: Temporary failure in name resolution"
	stream_expect "v4only.test 192.0.2.10"
	stream_close
	assert_equal "$STREAM_STATUS" 75
}

@test "resolve -u writes later names before a slow one, each with its name" {
	require_hermetic
	stream_start resolve --unordered -
	stream_write x.slow.test v4only.test www.test
	# the two quick ones in the order they came
	stream_read
	first=$LINE
	stream_read
	assert_equal "$(sort <<<"$first"$'\n'"$LINE")" $'v4only.test 192.0.2.10\nwww.test 192.0.2.20'
	stream_close
	assert_equal "$STREAM_REST" \
		"$(libc_words "resolve: x.slow.test: Temporary failure in name resolution")"
	assert_equal "$STREAM_STATUS" 75
	run -0 --separate-stderr resolve -u v4only.test
	assert_output 192.0.2.10
}

@test "resolve -t counts each line's time from when it was read" {
	require_hermetic
	stream_start resolve -t 0.5 -
	# longer than -t: counted from the start, the next line would time out
	sleep 0.8
	stream_write v4only.test
	stream_expect "v4only.test 192.0.2.10"
	# timed out at 0.5 s, before the resolver's own 1 s, stdin still open
	stream_write x.slow.test
	stream_expect "resolve: x.slow.test: timed out"
	stream_close
	assert_equal "$STREAM_STATUS" 75
}

# dns_names N: N lines of names the tests' dnsmasq answers, in turn, and
# in $BATS_TEST_TMPDIR/want what resolve - prints for them.
DNS_NAMES=(v4only.test dual.test multi.test alias1.test xn--bcher-kva.test)
DNS_ADDRESSES=(192.0.2.10 192.0.2.20 192.0.2.31 192.0.2.40 192.0.2.60)
dns_names() {
	# (in awk: bats's trap on every command of a shell loop costs seconds)
	awk -v n="$1" -v names="${DNS_NAMES[*]}" -v addresses="${DNS_ADDRESSES[*]}" \
		-v want="$BATS_TEST_TMPDIR/want" 'BEGIN {
		k = split(names, name)
		split(addresses, address)
		for (i = 0; i < n; i++) {
			print name[i % k + 1]
			print name[i % k + 1], address[i % k + 1] >want
		}
	}'
}

# Every shape of answer the tests' DNS gives (one address, several,
# CNAMEs, none, no such name, a CNAME to none), as typed in other case
# and with a last dot, the hosts file's names, an address: the stub's
# answers and those it leaves to getaddrinfo, the same as glibc's own.
# The static build's are musl's: the same addresses, but musl's messages,
# and the hosts file's names only in their own case (CAVEATS).
# bats test_tags=valgrind
@test "resolve - answers each name as getaddrinfo does, for each family" {
	require_hermetic
	names="v4only.test v6only.test dual.test multi.test target.test
		alias1.test alias2.test www.test cname-nx.test xn--bcher-kva.test
		V4ONLY.Test dual.test. nx.test nosuchlabel _srv.v4only.test
		hostsname.test both.test he.test localhost 127.0.0.1"
	is_static_build || names+=" HOSTSALIAS1"
	for family in 4 6 46; do
		case $family in
		4) function=all4 ;;
		6) function=all6 ;;
		46) function=all ;;
		esac
		# python3's socket.getaddrinfo (glibc's), as resolve -a - writes it
		oracle --as resolve --named "$function" <<<"$names" \
			>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
		run --separate-stderr resolve -a "-$family" - < <(printf '%s\n' $names)
		assert_equal "$output" "$(cat "$BATS_TEST_TMPDIR/out")"
		assert_stderr_like_file "$BATS_TEST_TMPDIR/err"
	done
}

# A burst of 2,000 names: dnsmasq's socket cannot take the window's 512
# queries at once and drops some; each must be asked again, within -t.
# Five runs (a second each, and the slow name's two): before the retries
# two runs in three lost names here.
@test "resolve - answers every name of a burst the DNS server partly drops, run after run" {
	require_hermetic
	{
		echo x.slow.test
		dns_names 1999
	} >"$BATS_TEST_TMPDIR/names"
	for run in 1 2 3 4 5; do
		run -75 --separate-stderr resolve -t 2 - <"$BATS_TEST_TMPDIR/names"
		# its last try still waiting, or on a loaded machine (the
		# given-up try not yet noticed) ended by the resolver's 1 s
		assert_stderr_regex "^resolve: x\.slow\.test: ($(libc_words \
			"Temporary failure in name resolution")|timed out)\$"
		assert_equal "$output" "$(cat "$BATS_TEST_TMPDIR/want")" ||
			fail "run $run: $(diff <(echo "$output") "$BATS_TEST_TMPDIR/want" | head -n 5)"
	done
}

# 1,000 names (the issue's 10,000 take a minute on three builds): at
# 30 % each name is lost again with a chance of 0.3 a try, and tried
# again after 0.2 s at the latest, so that -t 10 leaves dozens of tries.
@test "resolve - answers every name right through a DNS server that drops 10 % and 30 % of queries" {
	require_hermetic
	dns_names 1000 >"$BATS_TEST_TMPDIR/names"
	for percent in 10 30; do
		lossy_dns_on "$percent"
		run --separate-stderr resolve -t 10 - <"$BATS_TEST_TMPDIR/names"
		assert_equal "$stderr" ""
		assert_equal "$status" 0
		assert_equal "$output" "$(cat "$BATS_TEST_TMPDIR/want")"
		kill_spawned
		# some 100 and 300 of the first tries were lost
		dropped=$(grep -c dropped "$BATS_TEST_TMPDIR/lossydns.log")
		[ "$dropped" -ge $((percent * 5)) ] || fail "only $dropped queries dropped"
	done
}

# Every query lost: the first try is given 1 s (no answer yet to time
# it by), then another starts at 1 s, given as long again (not twice),
# and a third at 2 s; -t ends that one.  The resolver's own timeout, 5 s,
# ends none of them.
@test "resolve asks again each time a try has taken the time it was given" {
	require_hermetic
	lossy_dns_on 100
	dns_use 127.0.0.4 "timeout:5 attempts:1"
	run -75 --separate-stderr resolve -t 2.6 - <<<v4only.test
	assert_stderr "resolve: v4only.test: timed out"
	run -0 grep -c dropped "$BATS_TEST_TMPDIR/lossydns.log"
	assert_output 3
}

# The first query's answer comes after 1.5 s: its try was given 1 s
# (no answer yet to time it by) and another started then, whose answer
# would come at 2.5 s, past -t; the first answer stands.
@test "resolve takes a slow server's answer to a try it had given up as lost" {
	require_hermetic
	slow_dns_on 1500 "timeout:5 attempts:1"
	run -0 --separate-stderr resolve -t 2.3 - <<<slow.test
	assert_output "slow.test 192.0.2.1"
	assert_stderr ""
}

@test "resolve retries a temporary failure only: a name that does not exist is asked once" {
	require_hermetic
	: >"$SOCKUTILS_DNS_LOG"
	run -68 --separate-stderr resolve -t 5 nx.test
	assert_stderr "resolve: nx.test: Name or service not known"
	run -0 grep -c 'query\[A\] nx.test ' "$SOCKUTILS_DNS_LOG"
	assert_output 1
	# SERVFAIL: again and again until -t, then the server's word
	: >"$SOCKUTILS_DNS_LOG"
	run -75 --separate-stderr resolve -t 0.8 x.fail.test
	run -0 grep -c 'query\[A\] x.fail.test ' "$SOCKUTILS_DNS_LOG"
	[ "$output" -ge 2 ] || fail "asked $output times in 0.8 s"
	if is_static_build; then
		# musl asks again itself until resolv.conf's 1 s (CAVEATS)
		assert_stderr "resolve: x.fail.test: timed out"
		return
	fi
	assert_stderr "resolve: x.fail.test: Temporary failure in name resolution"
	# without -t, until LOOKUP_TRIES (3) have failed
	: >"$SOCKUTILS_DNS_LOG"
	run -75 --separate-stderr resolve x.fail.test
	run -0 grep -c 'query\[A\] x.fail.test ' "$SOCKUTILS_DNS_LOG"
	assert_output 3
}

@test "resolve --wait answers a name added to the hosts file after it started" {
	require_hermetic
	start=$EPOCHREALTIME
	spawn resolve --wait 5 late.test
	pid=$SPAWN_PID
	# the name appears 300 ms after the start
	sleep 0.3
	printf '198.51.100.99 late.test\n' | hosts_add
	changed=$EPOCHREALTIME
	wait_status "$pid"
	assert_equal "$STATUS" 0
	# a retry comes 250 ms after the last at the latest
	ms=$(( (${EPOCHREALTIME/./} - ${changed/./}) / 1000 ))
	[ "$ms" -lt 2000 ] || fail "answered $ms ms after the change"
	[ "$(( (${changed/./} - ${start/./}) / 1000 ))" -ge 300 ]
}

@test "resolve --wait prints what it waited for, and the last answer when the time is over" {
	require_hermetic
	spawn bash -c 'resolve --wait 5 -j late2.test >"$1"' - "$BATS_TEST_TMPDIR/out"
	pid=$SPAWN_PID
	sleep 0.3
	printf '198.51.100.98 late2.test\n' | hosts_add
	wait_status "$pid"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" '{"name":"late2.test","addresses":["198.51.100.98"]}'
	: >"$SOCKUTILS_DNS_LOG"
	run -68 --separate-stderr resolve --wait 1 nx.test v4only.test
	assert_output "v4only.test 192.0.2.10"
	assert_stderr "resolve: nx.test: Name or service not known"
	run -0 grep -c 'query\[A\] nx.test ' "$SOCKUTILS_DNS_LOG"
	[ "$output" -ge 2 ] || fail "asked $output times in 1 s"
	run -75 --separate-stderr resolve --wait 0.3 x.fail.test
	# musl asks a failing server again itself for resolv.conf's 1 s
	if is_static_build; then
		assert_stderr "resolve: x.fail.test: timed out"
	else
		assert_stderr "resolve: x.fail.test: Temporary failure in name resolution"
	fi
	# --wait 0: one try; each line its own time
	run -68 --separate-stderr resolve --wait 0 nx.test
	run -0 --separate-stderr resolve --wait inf - <<<$'v4only.test\ndual.test'
	assert_output $'v4only.test 192.0.2.10\ndual.test 192.0.2.20'
}

@test "resolve --wait refuses a malformed duration with 64" {
	for bad in -1 nan infinity 1x "" 100001; do
		run -64 --separate-stderr resolve --wait "$bad" localhost
		assert_equal "${stderr_lines[0]}" "resolve: wait $bad: $(
			case $bad in 100001) echo "too large (at most 100000 s, or inf)" ;; *) echo invalid ;; esac)"
	done
}

# stuck_names: 1,000 names to the slow server, each reported timed out
# at -t 0.1; $threads the threads resolve - then runs.
stuck_names() {
	stream_start resolve -t 0.1 -
	seq -f 'stuck%g.test' 1000 >&"$STREAM_IN"
	# read as they come, compared at once (an assertion a line is slow)
	got=
	for ((i = 0; i < 1000; i++)); do
		stream_read
		got+=$LINE$'\n'
	done
	assert_equal "$got" "$(seq -f 'resolve: stuck%g.test: timed out' 1000)"$'\n'
	threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$STREAM_PID/status")
	# the end of input does not wait for them
	stream_close
	assert_equal "$STREAM_REST" ""
	assert_equal "$STREAM_STATUS" 75
}

# A search list: glibc's lookups, not the stub's (lib/stubconf.h).
@test "resolve reports stuck lookups at their deadline and never runs more threads than its window" {
	require_hermetic
	slow_dns_on 20000
	printf 'search test\n' >>/etc/resolv.conf
	stuck_names
	# 512 lookups in flight (lib/pool.h), each blocked for 20 s in the
	# resolver, and the main and the reporting thread
	[ "$threads" -le 514 ] || fail "$threads threads"
	[ "$threads" -ge 100 ] || fail "only $threads threads: the lookups were not stuck"
}

# glibc's resolv.conf of one nameserver and no search list: the stub's
# queries, without a thread each; musl's resolver, on threads (CAVEATS).
@test "resolve - asks the DNS for many names on one thread, each reported at its deadline" {
	require_hermetic
	slow_dns_on 20000
	stuck_names
	if is_static_build; then
		[ "$threads" -ge 100 ] || fail "only $threads threads: the lookups were not stuck"
	else
		# the main, the reporting and the stub's thread
		assert_equal "$threads" 3
	fi
}

@test "resolve - holds no more memory for 100,000 names than for 2,000" {
	require_hermetic
	# no answer before the window's 512 queries are in, then each after
	# 50 ms: every run has all its 512 threads at once (an ASan build on
	# a busy machine starts fewer than that in 50 ms), whose memory would
	# otherwise vary from run to run; 100,000 names take 10 s
	slow_dns_on 50 "timeout:2 attempts:3" 512
	# an ASan build: its quarantine keeps what is freed, up to 256 MiB
	export ASAN_OPTIONS=${ASAN_OPTIONS-}${ASAN_OPTIONS:+:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0
	# -t 60: a name whose queries a busy machine lost (three tries of
	# the resolver's 6 s without -t) is asked again within its minute
	for n in 2000 100000; do
		seq -f 'h%g.bench.test' "$n" >"$BATS_TEST_TMPDIR/names"
		/usr/bin/time -o "$BATS_TEST_TMPDIR/kb.$n" -f %M \
			resolve -t 60 - <"$BATS_TEST_TMPDIR/names" >"$BATS_TEST_TMPDIR/out"
		run -0 grep -c '^h[0-9]*\.bench\.test 192\.0\.2\.1$' "$BATS_TEST_TMPDIR/out"
		assert_output "$n"
	done
	small=$(cat "$BATS_TEST_TMPDIR/kb.2000") big=$(cat "$BATS_TEST_TMPDIR/kb.100000")
	# each name held would take some 100 bytes, 10 MB for the 98,000 more
	# (three times that under ASan, with its redzones); 4 MiB and 5 % of
	# the peak are the allocator's slack (ASan's peak is ten times ours)
	[ "$big" -le $((small + 4096 + small / 20)) ] ||
		fail "peak RSS $small kB for 2,000 names, $big kB for 100,000"
}

@test "resolve processes every name even after a malformed one" {
	require_hermetic
	run -64 --separate-stderr resolve a..test v4only.test nx.test
	assert_output "v4only.test 192.0.2.10"
	assert_stderr $'resolve: a..test: empty label\nresolve: nx.test: Name or service not known'
}

@test "resolve without a name is a usage error" {
	run -64 --separate-stderr resolve
	assert_stderr $'resolve: no NAME given\nusage: resolve [-46aju] [-t SEC] [--wait SEC] NAME ...'
	run -64 --separate-stderr resolve -a
}

@test "resolve fails with 74 when stdout is full or closed" {
	run -74 --separate-stderr sh -c 'resolve localhost >/dev/full'
	assert_stderr "resolve: write error: stdout: No space left on device"
	run -74 --separate-stderr sh -c 'resolve localhost >&-'
	assert_stderr "resolve: write error: stdout: Bad file descriptor"
}

@test "resolve - | head -1 ends quietly, as cat would, once head has gone" {
	# far more than a pipe holds: resolve writes on after head has gone
	yes localhost | head -n 20000 >"$BATS_TEST_TMPDIR/names"
	run -0 --separate-stderr bash -c 'resolve - <"$1" | head -n 1; echo "${PIPESTATUS[0]}"' - \
		"$BATS_TEST_TMPDIR/names"
	assert_output $'localhost 127.0.0.1\n141'
	assert_stderr ""
}

# bats test_tags=valgrind
@test "resolve fails with 74 when stdin cannot be read" {
	run -74 --separate-stderr resolve - <"$BATS_TEST_TMPDIR"
	assert_stderr "resolve: read error: stdin: Is a directory"
}
