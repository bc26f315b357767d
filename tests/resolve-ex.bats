#!/usr/bin/env bats
# resolve-ex: canonical name, aliases and addresses (gethostbyname_ex).

# every test but the comparison with python's (whose cases the others
# take one by one) also runs under valgrind (./dev valgrind)

setup() { load test_helper/common-setup && _common_setup background; }
teardown() { _common_teardown; }

NAMES=(v4only.test v6only.test dual.test multi.test alias1.test
	alias2.test www.test cname-nx.test xn--bcher-kva.test hostsname.test
	hostsalias1 hostsalias2 both.test he.test localhost sockhost
	sockhost.example.test nx.test x.fail.test 192.0.2.1 bücher.test
	münchen.test)

# What the static build (musl) answers where Python on glibc answers
# otherwise (resolve-ex.1, CAVEATS): the status and stdout.  The one
# alias is the name asked for, neither the rest of a CNAME chain nor the
# hosts file's other names; an address the hosts file lists twice comes
# once; and with no libidn2 to load, a non-ASCII name is looked up only
# as written.
declare -gA MUSL_ANSWER=(
	[alias1.test]=$'0 name target.test\nalias alias1.test\naddress 192.0.2.40'
	[hostsname.test]=$'0 name hostsname.test\naddress 198.51.100.7'
	[hostsalias1]=$'0 name hostsname.test\nalias hostsalias1\naddress 198.51.100.7'
	[hostsalias2]=$'0 name hostsname.test\nalias hostsalias2\naddress 198.51.100.7'
	[he.test]=$'0 name he.test\naddress 127.0.0.1'
	[localhost]=$'0 name localhost\naddress 127.0.0.1'
	[sockhost.example.test]=$'0 name sockhost.example.test\naddress 127.0.1.1'
	[bücher.test]='68 '
	[münchen.test]='68 '
)

@test "resolve-ex answers as python's gethostbyname_ex does" {
	require_hermetic
	for name in "${NAMES[@]}"; do
		if is_static_build && [ -n "${MUSL_ANSWER[$name]+set}" ]; then
			run --separate-stderr resolve-ex "$name"
			assert_equal "$status $output" "${MUSL_ANSWER[$name]}"
			continue
		fi
		assert_like_python gethostbyname_ex "$name" -- resolve-ex
	done
}

# bats test_tags=valgrind
@test "resolve-ex lists every name of a CNAME chain as an alias" {
	require_hermetic
	run -0 --separate-stderr resolve-ex alias1.test
	assert_output "$(libc_answer \
		$'name target.test\nalias alias1.test\nalias alias2.test\naddress 192.0.2.40' \
		$'name target.test\nalias alias1.test\naddress 192.0.2.40')"
}

# bats test_tags=valgrind
@test "resolve-ex looks up an internationalized name in its IDNA form" {
	require_hermetic
	if is_static_build; then
		# no libidn2: as written, which DNS does not have
		run -68 --separate-stderr resolve-ex bücher.test
		assert_stderr "resolve-ex: bücher.test: Name or service not known"
		run -0 --separate-stderr resolve-ex xn--bcher-kva.test
		assert_output $'name xn--bcher-kva.test\naddress 192.0.2.60'
		return
	fi
	run -0 --separate-stderr resolve-ex bücher.test
	assert_output $'name xn--bcher-kva.test\naddress 192.0.2.60'
	LC_ALL=C run -0 --separate-stderr resolve-ex -j münchen.test
	assert_output '{"name":"target.test","aliases":["xn--mnchen-3ya.test"],"addresses":["192.0.2.40"]}'
	run -68 --separate-stderr resolve-ex bücher.nx.test
	assert_stderr "resolve-ex: bücher.nx.test: Name or service not known"
}

# bats test_tags=valgrind
@test "resolve-ex lists the hosts file's aliases" {
	require_hermetic
	run -0 --separate-stderr resolve-ex --ipv4 hostsalias2
	assert_output "$(libc_answer \
		$'name hostsname.test\nalias hostsalias1\nalias hostsalias2\naddress 198.51.100.7' \
		$'name hostsname.test\nalias hostsalias2\naddress 198.51.100.7')"
}

# bats test_tags=valgrind
@test "resolve-ex lists several addresses in resolver order" {
	require_hermetic
	run -0 --separate-stderr resolve-ex multi.test
	assert_output $'name multi.test\naddress 192.0.2.31\naddress 192.0.2.32\naddress 192.0.2.33'
}

# bats test_tags=valgrind
@test "resolve-ex -6 answers for IPv6" {
	require_hermetic
	run -0 --separate-stderr resolve-ex -6 www.test
	assert_output $'name dual.test\nalias www.test\naddress 2001:db8::20'
	run -0 --separate-stderr resolve-ex --ipv6 multi.test
	assert_output $'name multi.test\naddress 2001:db8::31\naddress 2001:db8::32'
	run -0 --separate-stderr resolve-ex -6 both.test
	assert_output $'name both.test\naddress 2001:db8::9'
	run -68 --separate-stderr resolve-ex -6 v4only.test
	assert_stderr "resolve-ex: v4only.test: No address associated with hostname"
}

# bats test_tags=valgrind
@test "resolve-ex -46 answers both families in the resolver's order, as resolve -46a" {
	require_hermetic
	for name in localhost dual.test multi.test www.test v4only.test v6only.test; do
		run -0 --separate-stderr resolve -46a "$name"
		local want=$output
		run -0 --separate-stderr resolve-ex -46 "$name"
		assert_equal "$(sed -n 's/^address //p' <<<"$output")" "$want"
	done
	# the names are those of the first address's family
	run -0 --separate-stderr resolve-ex --ipv4 --ipv6 localhost
	assert_output "$(libc_answer \
		$'name localhost\nalias ip6-localhost\nalias ip6-loopback\naddress ::1\naddress 127.0.0.1' \
		$'name localhost\naddress ::1\naddress 127.0.0.1')"
	run -0 --separate-stderr resolve-ex -46j www.test
	assert_output '{"name":"dual.test","aliases":["www.test"],"addresses":["2001:db8::20","192.0.2.20"]}'
	run -68 --separate-stderr resolve-ex -46 nx.test
	assert_stderr "resolve-ex: nx.test: Name or service not known"
}

# bats test_tags=valgrind
@test "resolve-ex -j prints the triple as JSON" {
	require_hermetic
	run -0 --separate-stderr resolve-ex -j alias1.test
	assert_output "$(libc_answer \
		'{"name":"target.test","aliases":["alias1.test","alias2.test"],"addresses":["192.0.2.40"]}' \
		'{"name":"target.test","aliases":["alias1.test"],"addresses":["192.0.2.40"]}')"
	run -0 --separate-stderr resolve-ex --json 电脑
	run -0 jq -r '.name' <<<"$output"
	assert_output "电脑.test"
}

# bats test_tags=valgrind
@test "resolve-ex separates the blocks of several names with an empty line and reports failures" {
	require_hermetic
	run -68 --separate-stderr resolve-ex v4only.test nx.test www.test
	assert_output $'name v4only.test\naddress 192.0.2.10\n\nname dual.test\nalias www.test\naddress 192.0.2.20'
	assert_stderr "resolve-ex: nx.test: Name or service not known"
	run -68 --separate-stderr resolve-ex -j v4only.test nx.test
	assert_output '{"name":"v4only.test","aliases":[],"addresses":["192.0.2.10"]}'
}

# bats test_tags=valgrind
@test "resolve-ex writes each answer before it reports a later failure" {
	require_hermetic
	run -68 resolve-ex -j v4only.test nx.test	# stdout and stderr on one pipe
	assert_output "$(libc_words $'{"name":"v4only.test","aliases":[],"addresses":["192.0.2.10"]}\nresolve-ex: nx.test: Name or service not known')"
}

# bats test_tags=valgrind
@test "resolve-ex fails with 68 for a name that does not exist" {
	require_hermetic
	run -68 --separate-stderr resolve-ex nx.test
	assert_output ""
	assert_stderr "resolve-ex: nx.test: Name or service not known"
	run -68 --separate-stderr resolve-ex cname-nx.test
	assert_stderr "resolve-ex: cname-nx.test: No address associated with hostname"
}

# bats test_tags=valgrind
@test "resolve-ex fails with 75 when the DNS server fails or is silent" {
	require_hermetic
	run -75 --separate-stderr resolve-ex x.fail.test
	assert_stderr "resolve-ex: x.fail.test: Temporary failure in name resolution"
	run -75 --separate-stderr timeout 10 resolve-ex x.slow.test
}

# bats test_tags=valgrind
@test "resolve-ex refuses malformed names with 64" {
	run -64 --separate-stderr resolve-ex ""
	assert_stderr "resolve-ex: : empty name"
	run -64 --separate-stderr resolve-ex "$(printf 'b%.0s' {1..64}).test"
	run -64 --separate-stderr resolve-ex .test
	assert_stderr "resolve-ex: .test: empty label"
}

# bats test_tags=valgrind
@test "resolve-ex without a name is a usage error" {
	run -64 --separate-stderr resolve-ex -4
	assert_stderr $'resolve-ex: no NAME given\nusage: resolve-ex [-46j] [--wait SEC] NAME ...'
}

# bats test_tags=valgrind
@test "resolve-ex ends quietly by SIGPIPE when its reader has gone" {
	run -141 --separate-stderr closed_pipe resolve-ex localhost localhost
	assert_stderr ""
}

# bats test_tags=valgrind
@test "resolve-ex fails with 74 when stdout is full or closed" {
	run -74 --separate-stderr sh -c 'resolve-ex localhost >/dev/full'
	assert_stderr "resolve-ex: write error: stdout: No space left on device"
	run -74 --separate-stderr sh -c 'resolve-ex localhost >&-'
}

# bats test_tags=valgrind
@test "resolve-ex --wait answers a name added to the hosts file after it started" {
	require_hermetic
	spawn bash -c 'resolve-ex --wait 5 -j late.test >"$1"' - "$BATS_TEST_TMPDIR/out"
	pid=$SPAWN_PID
	# the name appears 300 ms after the start
	sleep 0.3
	printf '198.51.100.96 late.test\n' | hosts_add
	wait_status "$pid"
	assert_equal "$STATUS" 0
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" \
		'{"name":"late.test","aliases":[],"addresses":["198.51.100.96"]}'
}

# bats test_tags=valgrind
@test "resolve-ex --wait gives up when the time is over, with the last answer" {
	require_hermetic
	: >"$SOCKUTILS_DNS_LOG"
	run -68 --separate-stderr resolve-ex --wait 1 nx.test
	assert_stderr "$(libc_words "resolve-ex: nx.test: Name or service not known")"
	run -0 grep -c 'query\[A\] nx.test ' "$SOCKUTILS_DNS_LOG"
	[ "$output" -ge 2 ] || fail "asked $output times in 1 s"
	run -75 --separate-stderr resolve-ex --wait 0.3 x.fail.test
	run -0 --separate-stderr resolve-ex --wait inf v4only.test
	assert_output $'name v4only.test\naddress 192.0.2.10'
	run -64 --separate-stderr resolve-ex --wait x v4only.test
	assert_equal "${stderr_lines[0]}" "resolve-ex: wait x: invalid"
}
