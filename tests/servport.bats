#!/usr/bin/env bats
# servport: service names to ports and back.

setup() {
	load test_helper/common-setup
	_common_setup
}

@test "servport prints the port of a service as python's getservbyname does" {
	require_hermetic
	assert_like_python getservbyname http https domain ssh www sockutils-test \
		su-test su-alias sockutils-udp su-both nosuch -- servport
	run -0 servport http
	assert_output 80
}

@test "servport prints the service of a port as python's getservbyport does" {
	require_hermetic
	assert_like_python getservbyport 80 443 53 22 40000 40001 0 1 65535 9999 -- servport
}

@test "servport takes a protocol" {
	require_hermetic
	run -0 servport http tcp
	assert_output 80
	run -0 servport 53 udp
	assert_output domain
	run -0 servport sockutils-udp udp
	assert_output 40001
	run -68 --separate-stderr servport sockutils-udp tcp
	assert_stderr "servport: sockutils-udp/tcp: unknown service"
	run -68 --separate-stderr servport 40000 udp
	assert_stderr "servport: 40000/udp: unknown port"
	run -68 --separate-stderr servport http nosuchproto
}

@test "servport accepts aliases" {
	require_hermetic
	run -0 servport su-alias tcp
	assert_output 40000
	run -0 servport www
	assert_output 80
}

@test "servport -j prints the whole entry" {
	require_hermetic
	run -0 servport -j su-alias
	# musl's getservbyname names the entry by the name asked for, and
	# lists it as the one alias (servport.1, CAVEATS)
	assert_output "$(libc_answer \
		'{"name":"sockutils-test","aliases":["su-test","su-alias"],"port":40000,"protocol":"tcp"}' \
		'{"name":"su-alias","aliases":["su-alias"],"port":40000,"protocol":"tcp"}')"
	run -0 servport --json 40002 udp
	# and by port, the name as its one alias
	assert_output "$(libc_answer \
		'{"name":"sockutils-both","aliases":["su-both"],"port":40002,"protocol":"udp"}' \
		'{"name":"sockutils-both","aliases":["sockutils-both"],"port":40002,"protocol":"udp"}')"
}

@test "servport fails with 68 for an unknown service or port" {
	require_hermetic
	run -68 --separate-stderr servport nosuch
	assert_output ""
	assert_stderr "servport: nosuch: unknown service"
	run -68 --separate-stderr servport 9999
	assert_stderr "servport: 9999: unknown port"
}

@test "servport refuses a malformed or out-of-range port with 64" {
	for bad in 65536 80abc 0x50 1e3 99999999999999999999; do
		run -64 --separate-stderr servport "$bad"
		assert_regex "${stderr_lines[0]}" "^servport: port $bad: (invalid|too large)$"
		assert_equal "${stderr_lines[1]}" "usage: servport [-j] NAME|PORT [PROTOCOL]"
	done
	run -64 --separate-stderr servport -- -1
	assert_equal "${stderr_lines[0]}" "servport: port -1: invalid"
}

@test "servport refuses empty operands and wrong operand counts with 64" {
	run -64 --separate-stderr servport ""
	assert_equal "${stderr_lines[0]}" "servport: empty service name"
	run -64 --separate-stderr servport http ""
	assert_equal "${stderr_lines[0]}" "servport: empty protocol"
	run -64 --separate-stderr servport
	assert_equal "${stderr_lines[0]}" "servport: no NAME|PORT given"
	run -64 --separate-stderr servport http tcp extra
	assert_equal "${stderr_lines[0]}" "servport: too many operands"
}

@test "servport fails with 74 when stdout is full or closed" {
	run -74 --separate-stderr sh -c 'servport http >/dev/full'
	assert_stderr "servport: write error: stdout: No space left on device"
	run -74 --separate-stderr sh -c 'servport http >&-'
}
