#!/usr/bin/env bats
# hostname against Debian's /bin/hostname (3.23) under several host
# names.  Each name is set in a UTS namespace of its own, so the
# machine's name is never changed; the names are the hermetic ones
# (tests/hermetic: the hosts file and dnsmasq).

setup() {
	load test_helper/common-setup
	_common_setup
	# Debian's binary has the same name as ours: always full paths
	TOOL=$SOCKUTILS_BUILD/tools/hostname
	DEBIAN=/bin/hostname
	OUT=$BATS_TEST_TMPDIR
	READING_FLAGS=(-s -f -d -i -a -I -A)
}

need_debian() {
	require_hermetic
	[ -x "$DEBIAN" ] || skip "needs Debian's hostname(1) as $DEBIAN"
}

# under CMD...: CMD with the host name $NAME, in a UTS namespace of its own.
# Set with sethostname(2) by Debian's hostname, or by python3 for the names
# it refuses (/proc/sys/kernel/hostname is read-only in a user namespace).
under() {
	unshare -u sh -c '
		"$1" "$2" 2>/dev/null || python3 -I -c "import os, socket, sys
socket.sethostname(os.fsencode(sys.argv[1]))" "$2" || exit
		shift 2
		exec "$@"' sh "$DEBIAN" "$NAME" "$@"
}

# with_interfaces CMD...: CMD in network and mount namespaces of their own,
# with addresses that -I and -A show or skip:
#   lo  loopback: 127.0.0.1, 192.0.2.99   skipped
#   v0  up:       198.51.100.7            hostsname.test in the hosts file
#                 192.0.2.123             no name in the hosts file
#                 2001:db8::9             both.test in the hosts file
#                 fe80::5                 link-local: skipped
#   v1  down:     198.51.100.9            skipped
# No name server answers there: 127.0.0.1:53 refuses at once.
with_interfaces() {
	unshare -n -m sh -c '
		ip link set lo up &&
		ip addr add 192.0.2.99/32 dev lo &&
		ip link add v0 type veth peer name v1 &&
		ip addr add 198.51.100.7/24 dev v0 &&
		ip addr add 192.0.2.123/24 dev v0 &&
		ip addr add 2001:db8::9/64 dev v0 nodad &&
		ip addr add fe80::5/64 dev v0 nodad &&
		ip addr add 198.51.100.9/24 dev v1 &&
		ip link set v0 up &&
		exec "$@"' sh "$@"
}

# with_interfaces_files_only CMD...: the same, and host names come from
# the hosts file alone, so an address it lacks has no name at all.
with_interfaces_files_only() {
	printf 'hosts: files\n' >"$OUT/nsswitch.conf"
	with_interfaces sh -c 'mount --bind "$1" /etc/nsswitch.conf &&
		shift && exec "$@"' sh "$OUT/nsswitch.conf" "$@"
}

# compare WANT RUNNER [ARG...]: RUNNER running Debian's hostname and ours
# with ARGs, ours writes the same bytes to stdout and exits WANT.  Leaves
# our stdout and stderr in $OUT/ours and $OUT/ours.err.  For -a in the
# static build, the bytes are MUSL_ALIASES and a newline where a test
# sets it: musl's gethostbyname lists as the alias only the name asked
# for, when it is not the canonical one (hostname.1, CAVEATS).
compare() {
	local want=$1 runner=$2 got=0
	shift 2
	"$runner" "$DEBIAN" "$@" >"$OUT/debian" 2>"$OUT/debian.err" || true
	if is_static_build && [ -n "${MUSL_ALIASES+set}" ]; then
		case ${*: -1} in
		-a | --alias) printf '%s\n' "$MUSL_ALIASES" >"$OUT/debian" ;;
		esac
	fi
	"$runner" "$TOOL" "$@" >"$OUT/ours" 2>"$OUT/ours.err" || got=$?
	cmp -s "$OUT/debian" "$OUT/ours" ||
		fail "$(printf 'hostname %s (%s): stdout differs\ndebian:\n' \
		    "$*" "$runner"; od -c "$OUT/debian"; echo ours:
		    od -c "$OUT/ours")"
	[ "$got" -eq "$want" ] ||
		fail "hostname $* ($runner): exit $got, want $want; stderr: $(cat "$OUT/ours.err")"
}

# ours_is FORMAT: the last compare's stdout was exactly printf FORMAT.
ours_is() {
	# shellcheck disable=SC2059 # the format is the expected text
	printf "$1" >"$OUT/want"
	cmp -s "$OUT/want" "$OUT/ours" ||
		fail "$(echo "stdout is not '$1':"; od -c "$OUT/ours")"
}

# ours_said TEXT: the last compare's stderr was exactly TEXT.
ours_said() {
	assert_equal "$(cat "$OUT/ours.err")" "$(libc_words "$1")"
}

# every_flag_as_debian: under $NAME, no flag and each reading flag print
# what Debian's prints, and exit 0 with nothing on stderr.
every_flag_as_debian() {
	local flag
	compare 0 under
	ours_said ""
	for flag in "${READING_FLAGS[@]}"; do
		compare 0 under "$flag"
		ours_said ""
	done
}

@test "under a hosts-file name, every flag prints what Debian's prints" {
	need_debian
	NAME=sockhost
	every_flag_as_debian
	compare 0 under
	ours_is 'sockhost\n'
	compare 0 under -f
	ours_is 'sockhost.example.test\n'
	compare 0 under -d
	ours_is 'example.test\n'
	compare 0 under -i
	ours_is '127.0.1.1\n'
	compare 0 under -a
	ours_is 'sockhost\n'
}

@test "under a fully qualified name, -s cuts it at the first dot" {
	need_debian
	NAME=sockhost.example.test
	MUSL_ALIASES=
	every_flag_as_debian
	compare 0 under
	ours_is 'sockhost.example.test\n'
	compare 0 under -s
	ours_is 'sockhost\n'
	compare 0 under -f
	ours_is 'sockhost.example.test\n'
}

@test "under a hosts-file alias, -f is the canonical name and -a lists the aliases" {
	need_debian
	NAME=hostsalias1
	MUSL_ALIASES=hostsalias1
	every_flag_as_debian
	compare 0 under -f
	ours_is 'hostsname.test\n'
	compare 0 under -d
	ours_is 'test\n'
	compare 0 under -i
	ours_is '198.51.100.7\n'
	compare 0 under -a
	ours_is "$(libc_answer 'hostsalias1 hostsalias2' hostsalias1)\n"
}

@test "under a DNS alias (CNAME), -f is its target and -a the alias" {
	need_debian
	NAME=www.test
	every_flag_as_debian
	compare 0 under -f
	ours_is 'dual.test\n'
	compare 0 under -a
	ours_is 'www.test\n'
	compare 0 under -i
	ours_is '2001:db8::20 192.0.2.20\n'
}

@test "under a chain of CNAMEs, -a lists every name of the chain" {
	need_debian
	NAME=alias1.test
	MUSL_ALIASES=alias1.test
	every_flag_as_debian
	compare 0 under -f
	ours_is 'target.test\n'
	compare 0 under -a
	ours_is "$(libc_answer 'alias1.test alias2.test' alias1.test)\n"
}

@test "under a name with several addresses, -i lists them with no trailing space" {
	need_debian
	NAME=multi.test
	every_flag_as_debian
	compare 0 under -i
	ours_is '2001:db8::31 2001:db8::32 192.0.2.31 192.0.2.32 192.0.2.33\n'
	compare 0 under -a
	ours_is '\n'
}

@test "under a canonical name without a dot, -d prints nothing at all" {
	need_debian
	NAME=localhost
	MUSL_ALIASES=
	every_flag_as_debian
	compare 0 under -d
	ours_is ''
	compare 0 under -f
	ours_is 'localhost\n'
}

@test "under a non-ASCII hosts-file name, every flag prints what Debian's prints" {
	need_debian
	NAME=电脑
	every_flag_as_debian
	compare 0 under -f
	ours_is '电脑.test\n'
}

@test "under a name that does not resolve, -f -d -i -a fail with 68 and print nothing" {
	need_debian
	NAME=nohost.test
	for flag in -f --fqdn -d -i -a; do
		compare 68 under "$flag"
		ours_is ''
		ours_said "hostname: nohost.test: Name or service not known"
	done
}

@test "under a name that does not resolve, no flag, -s, -I and -A still succeed" {
	need_debian
	NAME=nohost.test
	for flag in -s -I -A; do
		compare 0 under "$flag"
		ours_said ""
	done
	compare 0 under
	ours_is 'nohost.test\n'
}

@test "under a CNAME to nowhere, -f -d -i -a fail with 68" {
	need_debian
	NAME=cname-nx.test
	for flag in -f -d -i -a; do
		compare 68 under "$flag"
		ours_said "hostname: cname-nx.test: Name or service not known"
	done
}

@test "under a name whose DNS server fails, -f -d -i -a fail with 75" {
	need_debian
	NAME=host.fail.test
	for flag in -f -d -i -a; do
		compare 75 under "$flag"
		ours_is ''
		ours_said "hostname: host.fail.test: Temporary failure in name resolution"
	done
}

@test "under an IPv6-only name, -a fails with 68: gethostbyname has no IPv4 answer" {
	need_debian
	NAME=v6only.test
	for flag in -s -f -d -i; do
		compare 0 under "$flag"
	done
	compare 68 under -a
	ours_is ''
	ours_said "hostname: v6only.test: No address associated with name"
}

@test "long options print what the short ones print" {
	need_debian
	NAME=hostsalias1
	MUSL_ALIASES=hostsalias1
	for flag in --short --fqdn --long --domain --ip-address --alias \
	    --all-ip-addresses --all-fqdns; do
		compare 0 under "$flag"
	done
	compare 0 under --long
	ours_is 'hostsname.test\n'
}

@test "with several flags the last one counts, as in Debian" {
	need_debian
	NAME=sockhost.example.test
	compare 0 under -f -s
	ours_is 'sockhost\n'
	compare 0 under -s -f
	ours_is 'sockhost.example.test\n'
	compare 0 under -fd
	ours_is 'example.test\n'
	compare 0 under --domain --ip-address
	ours_is '127.0.1.1\n'
	MUSL_ALIASES=
	compare 0 under -i -a
	ours_is "$(libc_answer sockhost '')\n"
}

@test "-I and -A print an empty line when no interface but loopback is up" {
	need_debian
	NAME=sockhost
	compare 0 under -I
	ours_is '\n'
	compare 0 under -A
	ours_is '\n'
}

@test "-I prints the addresses of the interfaces that are up, each followed by a space" {
	need_debian
	compare 0 with_interfaces -I
	ours_is '198.51.100.7 192.0.2.123 2001:db8::9 \n'
	ours_said ""
}

@test "-A prints the names of those addresses, skipping addresses without one" {
	need_debian
	compare 0 with_interfaces_files_only -A
	ours_is 'hostsname.test both.test \n'
	ours_said ""
}

@test "-A skips an address whose name server failed, as Debian does, but says so and exits 75" {
	need_debian
	if is_static_build; then
		# musl's reverse lookup cannot tell a failing server from an
		# address without a name: skipped, as Debian skips it, unsaid
		compare 0 with_interfaces -A
		ours_is 'hostsname.test both.test \n'
		ours_said ""
		return
	fi
	compare 75 with_interfaces -A
	ours_is 'hostsname.test both.test \n'
	ours_said "hostname: 192.0.2.123: Temporary failure in name resolution"
}

@test "an operand is refused with 64 and the name is left as it was" {
	need_debian
	NAME=sockhost
	run -64 --separate-stderr under sh -c '"$1" newname; s=$?; "$1"; exit $s' \
	    sh "$TOOL"
	assert_output "sockhost"
	assert_equal "${stderr_lines[0]}" "hostname: setting the host name is not supported"
	assert_equal "${stderr_lines[1]}" "usage: hostname [-AadfIis]"
	run -64 --separate-stderr "$TOOL" -f newname
	assert_output ""
}

@test "Debian's options for setting names are unknown options here" {
	for opt in -b -y -F; do
		run -64 --separate-stderr "$TOOL" "$opt"
		assert_output ""
		assert_equal "${stderr_lines[0]}" "hostname: unknown option $opt"
	done
	for opt in --boot --file --nis --yp; do
		run -64 --separate-stderr "$TOOL" "$opt"
		assert_equal "${stderr_lines[0]}" "hostname: unknown option $opt"
	done
}

@test "hostname fails with 74 when stdout is full" {
	require_hermetic
	for flag in "" "${READING_FLAGS[@]}"; do
		run -74 --separate-stderr sh -c '"$1" $2 >/dev/full' sh "$TOOL" "$flag"
		assert_equal "$stderr" "hostname: write error: stdout: No space left on device"
	done
}

@test "hostname fails with 74 when stdout is closed" {
	require_hermetic
	for flag in "" "${READING_FLAGS[@]}"; do
		run -74 --separate-stderr sh -c '"$1" $2 >&-' sh "$TOOL" "$flag"
		assert_equal "$stderr" "hostname: write error: stdout: Bad file descriptor"
	done
}

@test "a lookup failure keeps its own status when stdout is also closed" {
	need_debian
	NAME=nohost.test
	run -68 --separate-stderr under sh -c '"$1" -f >&-' sh "$TOOL"
	assert_stderr "hostname: nohost.test: Name or service not known"
}
