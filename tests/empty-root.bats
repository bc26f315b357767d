#!/usr/bin/env bats
# The static build in an empty root, as in a FROM scratch image: a root
# directory holding only sockutils, its links and the /etc files a
# container has (hosts, resolv.conf, services; no nsswitch.conf, no libc,
# no shell), entered with chroot inside the hermetic namespaces, whose
# DNS server it asks, and with Unix-domain sockets in its /tmp.  What
# README's "In a container" promises.

setup() {
	load test_helper/common-setup
	_common_setup tcp
	is_static_build || skip "needs the static build (./dev static)"
	require_hermetic
	ROOT=$BATS_TEST_TMPDIR/root
	mkdir -p "$ROOT/bin" "$ROOT/etc" "$ROOT/tmp"
	cp "$SOCKUTILS_BUILD/sockutils" "$ROOT/bin/"
	suite_tools
	for t in "${TOOLS[@]}"; do
		ln -s sockutils "$ROOT/bin/$t"
	done
	cp /etc/hosts /etc/resolv.conf /etc/services "$ROOT/etc/"
	# a service's name, as a container runtime writes it
	printf '127.0.0.1\tdb\n' >>"$ROOT/etc/hosts"
}

teardown() { _common_teardown; }

# in_root TOOL [ARGS...]: TOOL run from the empty root's /bin.
in_root() {
	local tool=$1
	shift
	chroot "$ROOT" "/bin/$tool" "$@"
}

@test "the empty root holds no libc, no loader, no shell and no nsswitch.conf" {
	run -0 bash -c 'find "$1" -mindepth 1 -not -type d -not -type l | sort' \
		_ "$ROOT"
	assert_output "$(printf '%s\n' "$ROOT/bin/sockutils" "$ROOT/etc/hosts" \
		"$ROOT/etc/resolv.conf" "$ROOT/etc/services" | sort)"
	run ! chroot "$ROOT" /bin/sh -c true
}

@test "sockutils in the empty root lists its tools" {
	run -0 --separate-stderr in_root sockutils --help
	assert_line '  tcp-send'
	assert_line '  resolve-ex'
}

@test "resolve in the empty root reads the hosts file and asks the DNS server" {
	run -0 --separate-stderr in_root resolve db hostsname.test v4only.test
	assert_output "$(printf '%s\n' 'db 127.0.0.1' 'hostsname.test 198.51.100.7' \
		'v4only.test 192.0.2.10')"
	assert_stderr ''
	run -0 --separate-stderr in_root sockutils resolve -6 v6only.test
	assert_output 2001:db8::10
}

@test "resolve-ex in the empty root follows a CNAME chain from the DNS server" {
	run -0 --separate-stderr in_root resolve-ex -j alias1.test
	run -0 jq -r '.name, (.addresses | join(" "))' <<<"$output"
	assert_output "$(printf 'target.test\n192.0.2.40')"
}

@test "rlookup in the empty root asks the DNS server for a PTR record" {
	run -0 --separate-stderr in_root rlookup 192.0.2.50
	assert_output --regexp '^ptr-[ab][.]test$'
}

@test "servport in the empty root reads the services file" {
	run -0 --separate-stderr in_root servport http
	assert_output 80
	run -0 --separate-stderr in_root servport 5432
	assert_output postgresql
}

@test "hostname in the empty root: the kernel's name and its FQDN from hosts" {
	run -0 --separate-stderr in_root hostname
	assert_output sockhost
	run -0 --separate-stderr in_root hostname -f
	assert_output sockhost.example.test
}

@test "tcp-send -z --wait in the empty root waits for db until it listens" {
	local port
	port=$(free_port)
	spawn chroot "$ROOT" /bin/tcp-send -z --wait 20 db "$port"
	local waiter=$SPAWN_PID
	spawn chroot "$ROOT" /bin/tcp-listen -k --port-file /tmp/port "$port"
	wait_file "$ROOT/tmp/port" "$SPAWN_PID"
	wait_status "$waiter"
	[ "$STATUS" -eq 0 ] || fail "tcp-send -z --wait exited $STATUS"
}

@test "a TCP round trip between tcp-send and tcp-listen in the empty root" {
	spawn chroot "$ROOT" /bin/tcp-listen --reply 'pong\n' \
		--port-file /tmp/port 0
	local listener=$SPAWN_PID
	wait_file "$ROOT/tmp/port" "$listener"
	run -0 --separate-stderr in_root tcp-send -r db "$(<"$ROOT/tmp/port")" ping
	assert_output pong
	wait_status "$listener"
	[ "$STATUS" -eq 0 ] || fail "tcp-listen exited $STATUS"
}

@test "a UDP round trip between udp-send and udp-listen in the empty root" {
	spawn chroot "$ROOT" /bin/udp-listen --reply 'pong\n' \
		--port-file /tmp/port 0
	local listener=$SPAWN_PID
	wait_file "$ROOT/tmp/port" "$listener"
	run -0 --separate-stderr in_root udp-send -r -t 5 db \
		"$(<"$ROOT/tmp/port")" ping
	assert_output pong
	wait_status "$listener"
	[ "$STATUS" -eq 0 ] || fail "udp-listen exited $STATUS"
}

@test "a Unix-domain stream and datagram round trip in the empty root (-U)" {
	spawn chroot "$ROOT" /bin/tcp-listen -U --reply 'pong\n' /tmp/stream
	local listener=$SPAWN_PID
	wait_until "$listener" test -S "$ROOT/tmp/stream" ||
		fail "$WAIT_WHY before the stream socket appeared"
	run -0 --separate-stderr in_root tcp-send -U -r /tmp/stream ping
	assert_output pong
	wait_status "$listener"
	[ "$STATUS" -eq 0 ] || fail "tcp-listen -U exited $STATUS"
	spawn chroot "$ROOT" /bin/udp-listen -U --reply 'pong\n' /tmp/dgram
	listener=$SPAWN_PID
	wait_until "$listener" test -S "$ROOT/tmp/dgram" ||
		fail "$WAIT_WHY before the datagram socket appeared"
	run -0 --separate-stderr in_root udp-send -U -r -t 5 /tmp/dgram ping
	assert_output pong
	wait_status "$listener"
	[ "$STATUS" -eq 0 ] || fail "udp-listen -U exited $STATUS"
}

@test "an exec-form HEALTHCHECK in the empty root: tcp-send --expect against an HTTP stand-in, no shell" {
	spawn chroot "$ROOT" /bin/tcp-listen -k --reply 'HTTP/1.0 200 OK\r\n\r\nok' \
		--port-file /tmp/port 0
	wait_file "$ROOT/tmp/port" "$SPAWN_PID"
	local port
	port=$(<"$ROOT/tmp/port")
	# as Docker runs CMD ["/bin/tcp-send", ...]: no shell, no environment
	run -0 --separate-stderr env -i "$(command -v chroot)" "$ROOT" /bin/tcp-send -C \
		--expect '^HTTP/1\.[01] 200' "db:$port" $'GET /health HTTP/1.0\n'
	assert_stderr ''
	run -76 --separate-stderr env -i "$(command -v chroot)" "$ROOT" /bin/tcp-send -C \
		--expect '^HTTP/1\.[01] 503' "db:$port" $'GET /health HTTP/1.0\n'
	assert_stderr "tcp-send: reply of db $port: no line matched before the peer closed: first line \"HTTP/1.0 200 OK\""
}

@test "tcp-send -z --tls in the empty root: no trust store is 78 naming --ca, and --ca verifies" {
	load test_helper/tls
	# a root and a leaf for db, served by openssl s_server outside the root
	mint_for db
	cp "$PKI/db.pem" "$PKI/db.chain.pem"
	start_s_server db
	# no /etc/ssl, no /dev: mbedTLS's randomness is getrandom(2)
	run -78 --separate-stderr env -i "$(command -v chroot)" "$ROOT" /bin/tcp-send -z --tls db "$PORT"
	assert_stderr "tcp-send: no trust store found (neither SSL_CERT_FILE nor /etc/ssl/certs/ca-certificates.crt): name one with --ca"
	cp "$PKI/ca.pem" "$ROOT/etc/ca.pem"
	run -0 --separate-stderr env -i "$(command -v chroot)" "$ROOT" /bin/tcp-send -zj --tls --ca /etc/ca.pem db "$PORT"
	assert_equal "$(jq -r '.tls.verified, .tls.subject' <<<"$output" | paste -sd' ')" "true CN=db"
	assert_stderr ''
}
