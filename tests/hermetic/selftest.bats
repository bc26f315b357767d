#!/usr/bin/env bats
# Self-test of tests/hermetic/enter: run with `bats tests/hermetic/selftest.bats`.
# Each test starts its own namespace; skipped (not failed) where enter exits 77.
# shellcheck disable=SC2016  # $VARS in single quotes expand inside enter

setup() {
	ENTER="$BATS_TEST_DIRNAME/enter"
}

# inns CMD...: run CMD under enter, skip if namespaces are unavailable
inns() {
	run "$ENTER" "$@"
	if [ "$status" -eq 77 ]; then
		skip "$output"
	fi
}

# py CODE: run python3 code under enter
py() {
	inns python3 -c "import socket, time
$1"
}

@test "host name, resolver config and loopback addresses" {
	inns sh -c 'hostname; grep -v "^#" /etc/resolv.conf; ip -br addr show dev lo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = sockhost ]
	[ "${lines[1]}" = "nameserver 127.0.0.1" ]
	[ "${lines[2]}" = "options timeout:1 attempts:1" ]
	[[ "${lines[3]}" == *127.0.0.2/8*fe80::1/64*::1/128* ]]
}

@test "exit status, stdin and environment are passed through" {
	inns sh -c 'exit 42'
	[ "$status" -eq 42 ]
	run sh -c 'echo hello | "$1" sh -c "read x; echo \$x:\$SOCKUTILS_HERMETIC"' sh "$ENTER"
	[ "$status" -eq 0 ] || [ "$status" -eq 77 ]
	[ "$status" -eq 77 ] || [ "$output" = hello:1 ]
	inns sh -c 'test -f "$SOCKUTILS_HOSTS_FILE" && test -f "$SOCKUTILS_DNS_LOG" &&
		test "$SOCKUTILS_HOSTS_FILE" = "$SOCKUTILS_HERMETIC_DIR/hosts" && echo ok'
	[ "$output" = ok ]
}

@test "nested enter runs CMD in the same namespace" {
	inns sh -c 'echo "$SOCKUTILS_HERMETIC_DIR"; "$1" sh -c "echo \$SOCKUTILS_HERMETIC_DIR"' sh "$ENTER"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "${lines[1]}" ]
}

@test "getaddrinfo order: multi.test, dual.test, he.test" {
	py 'ga = lambda n: [a[4][0] for a in socket.getaddrinfo(n, 80, type=socket.SOCK_STREAM)]
print(ga("multi.test")); print(ga("dual.test")); print(ga("he.test"))'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "['2001:db8::31', '2001:db8::32', '192.0.2.31', '192.0.2.32', '192.0.2.33']" ]
	[ "${lines[1]}" = "['2001:db8::20', '192.0.2.20']" ]
	[ "${lines[2]}" = "['::1', '127.0.0.1']" ]
}

@test "CNAME chain and hosts-file aliases in gethostbyname_ex" {
	py 'print(socket.gethostbyname_ex("alias1.test")); print(socket.gethostbyname_ex("hostsalias1"))'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "('target.test', ['alias1.test', 'alias2.test'], ['192.0.2.40'])" ]
	[ "${lines[1]}" = "('hostsname.test', ['hostsalias1', 'hostsalias2'], ['198.51.100.7'])" ]
}

@test "PTR records: v4, v6, two PTRs, hosts file" {
	inns sh -c 'for a in 192.0.2.10 2001:db8::10 192.0.2.50 198.51.100.7; do getent hosts $a; done'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^192\.0\.2\.10\ +v4only\.test$ ]]
	[[ "${lines[1]}" =~ ^2001:db8::10\ +v6only\.test$ ]]
	[[ "${lines[2]}" =~ ^192\.0\.2\.50\ +ptr-a\.test$ ]]
	[[ "${lines[3]}" =~ ^198\.51\.100\.7\ +hostsname\.test\ hostsalias1\ hostsalias2$ ]]
}

@test "IDN in DNS and UTF-8 name in the hosts file" {
	# getent hosts: no AI_IDN either way (getent ahosts would show bücher.test
	# in a UTF-8 locale and would look up 电脑 as punycode)
	inns sh -c 'getent hosts xn--bcher-kva.test; getent hosts 电脑'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^192\.0\.2\.60\ +xn--bcher-kva\.test$ ]]
	[[ "${lines[1]}" =~ ^198\.51\.100\.8\ +电脑\.test\ 电脑$ ]]
}

@test "NXDOMAIN, SERVFAIL and timeout map to EAI_NONAME / EAI_AGAIN" {
	py 'for n in ("nx.test", "x.fail.test", "x.slow.test"):
    t = time.monotonic()
    try:
        socket.getaddrinfo(n, None); e = 0
    except socket.gaierror as x:
        e = x.errno
    print(n, e, "%.1f" % (time.monotonic() - t))'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "nx.test -2 0."[0-4] ]]
	[[ "${lines[1]}" == "x.fail.test -3 0."[0-4] ]]
	[[ "${lines[2]}" == "x.slow.test -3 "[12].* ]]
}

@test "services and nothing but the harness resolver" {
	inns sh -c 'getent services sockutils-test; getent services 40001/udp;
		grep "^nameserver" /etc/resolv.conf; ip route get 192.0.2.1 2>&1 || :'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^sockutils-test\ +40000/tcp\ su-test\ su-alias$ ]]
	[[ "${lines[1]}" =~ ^sockutils-udp\ +40001/udp$ ]]
	[ "${lines[2]}" = "nameserver 127.0.0.1" ]
	[[ "${lines[3]}" == *"unreachable"* ]]
}

@test "two at once, and nothing left behind" {
	[ "${SOCKUTILS_HERMETIC:-}" != 1 ] || skip "needs fresh namespaces (already inside)"
	run sh -c '"$1" sh -c "sleep 0.5; echo \$SOCKUTILS_HERMETIC_DIR; getent hosts v4only.test" &
		"$1" sh -c "sleep 0.5; echo \$SOCKUTILS_HERMETIC_DIR; getent hosts v4only.test"; wait' sh "$ENTER"
	if [[ "$output" == *"cannot create namespaces"* ]]; then
		skip "$output"
	fi
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "$(printf '%s\n' "$output" | grep -c v4only.test)" -eq 2 ]
	[ "$(printf '%s\n' "$output" | grep '^/' | sort -u | wc -l)" -eq 2 ]
	for d in $(printf '%s\n' "$output" | grep '^/'); do
		[ ! -e "$d" ]
		! pgrep -f "$d"
	done
}
