#!/usr/bin/env bats
# tcp-send --tls: handshakes and verification against peers no one here
# wrote (openssl s_server, socat OPENSSL-LISTEN, python3's ssl module),
# with certificates the tests mint (test_helper/tls.bash).  The static
# build (mbedTLS) runs this file unchanged: the same classes, statuses,
# messages asserted here and cipher names as OpenSSL's; what it words
# otherwise is asserted by pattern and in tcp-send(1)'s CAVEATS.
# shellcheck disable=SC2154 # bats sets status, output, stderr, lines

BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}

# The servers most tests share, one per certificate, started once:
# the port of each in $BATS_FILE_TMPDIR/port.NAME (server_port NAME).
SHARED="good expired future self other wrongname soon"

setup_file() {
	load test_helper/common-setup
	_common_setup
	load test_helper/tls
	tls_built || return 0
	mint_pki
	# they serve the whole file; teardown_file ends them
	# shellcheck disable=SC2034 # spawn reads it
	SPAWN_LIMIT=600
	for cert in $SHARED; do
		start_s_server "$cert"
		echo "$PORT" >"$BATS_FILE_TMPDIR/port.$cert"
	done
	# teardown_file runs in another process: the PIDs go by file
	echo "${SPAWN_PIDS[*]}" >"$BATS_FILE_TMPDIR/shared.pids"
}

teardown_file() {
	load test_helper/tls
	[ -f "$BATS_FILE_TMPDIR/shared.pids" ] || return 0
	read -ra SPAWN_PIDS <"$BATS_FILE_TMPDIR/shared.pids"
	kill_spawned
}

setup() {
	load test_helper/common-setup
	_common_setup tcp tls
	PKI=$BATS_FILE_TMPDIR/pki
	TLSPEER_PY="$BATS_TEST_DIRNAME/test_helper/tlspeer.py"
	if [[ $BATS_TEST_DESCRIPTION != *"without TLS"* ]] && ! tls_built; then
		skip "this build has no TLS library (-Dtls=disabled)"
	fi
	# the system's trust store knows none of the tests' roots
	unset SSL_CERT_FILE SSL_CERT_DIR
}

teardown() { _common_teardown; }

# server_port NAME: PORT, of the shared s_server with NAME's certificate.
server_port() {
	PORT=$(<"$BATS_FILE_TMPDIR/port.$1")
}

# check_json ARGS...: tcp-send -zj --tls ARGS; JSON is the one line.
check_json() {
	run --separate-stderr tcp-send -zj --tls "$@"
	JSON=$output
}

# tls_field FIELD: .tls.FIELD of $JSON, as jq -r prints it.
tls_field() {
	jq -r ".tls.$1" <<<"$JSON"
}

# start_tlspeer CERT [LATE]: the python3 ssl server of tlspeer.py; PORT.
start_tlspeer() {
	local pf="$T/tlspeer.port"
	rm -f "$pf"
	spawn python3 "$TLSPEER_PY" "$pf" "$PKI/$1.chain.pem" "$PKI/$1.key" ${2+"$2"}
	wait_file "$pf" "$SPAWN_PID"
	PORT=$(<"$pf")
}

@test "tcp-send --tls in a build without TLS exits 64 and says so" {
	tls_built && skip "this build has TLS"
	run -64 --separate-stderr tcp-send -z --tls --insecure 127.0.0.1 1
	assert_equal "${stderr%%$'\n'*}" "tcp-send: --tls: this build has no TLS library"
}

@test "tcp-send needs no TLS library to start: libssl is loaded for --tls only" {
	run -0 readelf -dW "$SOCKUTILS_BUILD/tools/tcp-send"
	refute_output --partial 'libssl'
	refute_output --partial 'libcrypto'
}

# --- what a good certificate shows -----------------------------------------

@test "tcp-send -z --tls verifies a chain through an intermediate and exits 0" {
	server_port good
	run -0 --separate-stderr tcp-send -z --tls --ca "$PKI/ca.pem" localhost "$PORT"
	assert_output ""
	assert_equal "$stderr" ""
}

@test "tcp-send -zj --tls gives the certificate's fields as openssl x509 reads them" {
	server_port good
	check_json --ca "$PKI/ca.pem" localhost "$PORT"
	assert_equal "$status" 0
	assert_equal "$(jq -r .open <<<"$JSON")" true
	assert_equal "$(tls_field verified)" true
	assert_equal "$(tls_field version)" TLSv1.3
	assert_equal "$(tls_field subject)" \
		"$(openssl x509 -in "$PKI/good.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')"
	assert_equal "$(tls_field issuer)" \
		"$(openssl x509 -in "$PKI/good.pem" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')"
	assert_equal "$(tls_field 'names | join(" ")')" "localhost 127.0.0.1 ::1"
	local end
	end=$(openssl x509 -in "$PKI/good.pem" -noout -enddate | sed 's/^notAfter=//')
	assert_equal "$(tls_field not_after)" "$(date -u -d "$end" +%Y-%m-%dT%H:%M:%SZ)"
	local days=$(( ($(date -u -d "$end" +%s) - $(date +%s)) / 86400 ))
	[ "$(tls_field days_left)" -ge $((days - 1)) ] && [ "$(tls_field days_left)" -le "$days" ] ||
		fail "days_left $(tls_field days_left), openssl x509 says $days"
	assert_equal "$(tls_field error)" null
}

@test "tcp-send --tls speaks TLS 1.2 with an RSA key and TLS 1.3 with an EC key" {
	start_s_server rsa -tls1_2
	check_json --ca "$PKI/rsa-ca.pem" localhost "$PORT"
	assert_equal "$status" 0
	assert_equal "$(tls_field version)" TLSv1.2
	assert_equal "$(tls_field cipher)" TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
	server_port good
	check_json --ca "$PKI/ca.pem" localhost "$PORT"
	assert_equal "$status" 0
	assert_equal "$(tls_field version)" TLSv1.3
}

@test "tcp-send --tls checks an IP address against the IP SANs, with no SNI" {
	server_port good
	run -0 tcp-send -z --tls --ca "$PKI/ca.pem" 127.0.0.1 "$PORT"
	server_port wrongname
	run -77 --separate-stderr tcp-send -z --tls --ca "$PKI/ca.pem" 127.0.0.1 "$PORT"
	assert_equal "$stderr" "tcp-send: tls 127.0.0.1 $PORT: certificate is not for 127.0.0.1"
}

@test "tcp-send --tls --alpn offers protocols and -j says which one was agreed" {
	start_s_server good -alpn h2
	check_json --ca "$PKI/ca.pem" --alpn http/1.1,h2 localhost "$PORT"
	assert_equal "$status" 0
	assert_equal "$(tls_field alpn)" h2
	run -0 --separate-stderr tcp-send -zv --tls --ca "$PKI/ca.pem" --alpn h2 localhost "$PORT"
	assert_stderr_regex "tcp-send: tls localhost $PORT: TLSv1.3 [A-Z0-9_]+, ALPN h2, CN=localhost "
	check_json --ca "$PKI/ca.pem" localhost "$PORT"
	assert_equal "$(tls_field alpn)" null
}

@test "tcp-send -v --tls reports the connection and the certificate verified" {
	server_port good
	run -0 --separate-stderr tcp-send -zv --tls --ca "$PKI/ca.pem" localhost "$PORT"
	assert_stderr_regex "connected to 127.0.0.1 $PORT from 127.0.0.1 [0-9]+"
	assert_stderr_regex "tcp-send: tls localhost $PORT: TLSv1.3 [A-Z0-9_]+, CN=localhost \(issued by .*CN=Test Intermediate\), verified, valid until [0-9-]+T[0-9:]+Z \(36[45] days\)"
}

# --- what is rejected, and why ----------------------------------------------

# rejected CERT CLASS MESSAGE [ARGS...]: tcp-send -zj --tls against CERT
# exits 77 with CLASS in -j and MESSAGE (an ERE) on stderr.
rejected() {
	local cert=$1 class=$2 message=$3
	shift 3
	server_port "$cert"
	check_json --ca "$PKI/ca.pem" "$@" localhost "$PORT"
	assert_equal "$status" 77
	assert_equal "$(tls_field error)" "$class"
	assert_equal "$(tls_field verified)" false
	# the fields are there, to say why
	assert_equal "$(tls_field subject)" "$(openssl x509 -in "$PKI/$cert.pem" \
		-noout -subject -nameopt RFC2253 | sed 's/^subject=//')"
	assert_stderr_regex "^tcp-send: tls localhost $PORT: $message\$"
}

@test "tcp-send --tls rejects an expired certificate (77, expired)" {
	rejected expired expired "certificate expired on [0-9-]+T[0-9:]+Z"
	assert_equal "$(tls_field not_after)" "$(date -u -d "$(openssl x509 -in "$PKI/expired.pem" \
		-noout -enddate | sed 's/^notAfter=//')" +%Y-%m-%dT%H:%M:%SZ)"
	[ "$(tls_field days_left)" -lt 0 ] || fail "days_left $(tls_field days_left)"
}

@test "tcp-send --tls rejects a certificate not valid yet (77, not_yet_valid)" {
	rejected future not_yet_valid "certificate not valid before [0-9-]+T[0-9:]+Z"
}

@test "tcp-send --tls rejects a self-signed certificate (77, untrusted)" {
	rejected self untrusted "certificate not trusted: .*"
}

@test "tcp-send --tls rejects a certificate from another CA (77, untrusted)" {
	rejected other untrusted "certificate not trusted: .*"
}

@test "tcp-send --tls rejects a certificate for another name (77, name_mismatch)" {
	rejected wrongname name_mismatch "certificate is not for localhost"
}

@test "tcp-send --tls --servername checks that name instead of HOST" {
	rejected good name_mismatch "certificate is not for db.example" --servername db.example
	server_port wrongname
	run -0 tcp-send -z --tls --ca "$PKI/ca.pem" --servername wrong.example localhost "$PORT"
}

@test "tcp-send --tls --insecure takes any certificate and says it did not verify" {
	server_port self
	check_json --insecure localhost "$PORT"
	assert_equal "$status" 0
	assert_equal "$(tls_field verified)" false
	assert_equal "$(tls_field subject)" CN=localhost
}

@test "tcp-send --tls without --ca trusts SSL_CERT_FILE, and the system's store knows no test root" {
	server_port good
	SSL_CERT_FILE=$PKI/ca.pem run -0 tcp-send -z --tls localhost "$PORT"
	run -77 --separate-stderr tcp-send -zj --tls localhost "$PORT"
	assert_equal "$(jq -r .tls.error <<<"$output")" untrusted
}

@test "tcp-send --tls --ca takes a hashed directory" {
	mkdir "$T/certs"
	cp "$PKI/ca.pem" "$T/certs/$(openssl x509 -in "$PKI/ca.pem" -noout -hash).0"
	server_port good
	run -0 tcp-send -z --tls --ca "$T/certs" localhost "$PORT"
}

# --- expiry monitoring --------------------------------------------------------

@test "tcp-send --tls --min-days exits 65 for a certificate that expires sooner" {
	server_port soon
	check_json --ca "$PKI/ca.pem" --min-days 14 localhost "$PORT"
	assert_equal "$status" 65
	assert_equal "$(tls_field error)" expires_soon
	assert_equal "$(tls_field verified)" true
	assert_equal "$(tls_field days_left)" 4
	assert_stderr_regex "^tcp-send: tls localhost $PORT: certificate expires on [0-9-]+T[0-9:]+Z, in 4 days \(--min-days 14\)$"
	run -0 tcp-send -z --tls --ca "$PKI/ca.pem" --min-days 4 localhost "$PORT"
}

# --- mutual TLS -------------------------------------------------------------

@test "tcp-send --tls --cert --key passes a server that requires a client certificate" {
	start_s_server good -tls1_3 -Verify 1 -verify_return_error -CAfile "$PKI/ca.pem"
	run -0 tcp-send -z --tls --ca "$PKI/ca.pem" --cert "$PKI/client.chain.pem" \
		--key "$PKI/client.key" localhost "$PORT"
	# the key in the certificate's file
	cat "$PKI/client.chain.pem" "$PKI/client.key" >"$T/both.pem"
	run -0 tcp-send -z --tls --ca "$PKI/ca.pem" --cert "$T/both.pem" localhost "$PORT"
}

@test "tcp-send -z --tls exits 77 when a TLS 1.3 server rejects us after the handshake" {
	start_s_server good -tls1_3 -Verify 1 -verify_return_error -CAfile "$PKI/ca.pem"
	check_json --ca "$PKI/ca.pem" localhost "$PORT"
	assert_equal "$status" 77
	assert_equal "$(tls_field error)" rejected
	assert_stderr_regex "^tcp-send: tls localhost $PORT: the peer rejected our certificate: certificate required$"
	check_json --ca "$PKI/ca.pem" --cert "$PKI/self.pem" --key "$PKI/self.key" localhost "$PORT"
	assert_equal "$status" 77
	assert_equal "$(tls_field error)" rejected
}

@test "tcp-send -z --tls exits 77 when a TLS 1.2 server wants a certificate we lack" {
	start_s_server good -tls1_2 -Verify 1 -verify_return_error -CAfile "$PKI/ca.pem"
	check_json --ca "$PKI/ca.pem" localhost "$PORT"
	assert_equal "$status" 77
	assert_equal "$(tls_field error)" rejected
}

# --- peers that are not what they should be ---------------------------------

@test "tcp-send --tls exits 76 against a peer that does not speak TLS" {
	start_listen -k --reply 'SSH-2.0-OpenSSH_9.2'
	check_json --insecure 127.0.0.1 "$PORT"
	assert_equal "$status" 76
	assert_equal "$(tls_field error)" protocol
	assert_stderr_regex "^tcp-send: tls 127.0.0.1 $PORT: .+"
}

@test "tcp-send -t bounds the handshake: a silent server gives 75 in time" {
	start_listen -k
	local start
	start=$(date +%s%3N)
	run -75 --separate-stderr tcp-send -z -t 0.3 --tls --insecure 127.0.0.1 "$PORT"
	assert_equal "$stderr" "tcp-send: tls 127.0.0.1 $PORT: timed out in the handshake"
	[ "$(ms_since "$start")" -lt 5000 ] || fail "took $(ms_since "$start") ms"
}

@test "tcp-send --wait --tls retries a server that closes while TLS is not up yet" {
	start_tlspeer good 0.5
	run -0 --separate-stderr tcp-send -z --wait 20 --tls --ca "$PKI/ca.pem" localhost "$PORT"
	assert_equal "$stderr" ""
	# without --wait, one try: closed in the handshake
	start_tlspeer good 30
	run -75 --separate-stderr tcp-send -z --tls --ca "$PKI/ca.pem" localhost "$PORT"
	assert_stderr_regex "^tcp-send: tls localhost $PORT: (the peer closed the connection|Connection reset by peer)\$"
}

@test "tcp-send --wait --tls never retries a certificate that failed" {
	server_port expired
	local start
	start=$(date +%s%3N)
	run -77 tcp-send -z --wait 20 --tls --ca "$PKI/ca.pem" localhost "$PORT"
	[ "$(ms_since "$start")" -lt 10000 ] || fail "took $(ms_since "$start") ms"
}

@test "tcp-send --tls passes socat OPENSSL-LISTEN and python3's ssl server" {
	spawn socat -d -d "OPENSSL-LISTEN:0,bind=127.0.0.1,fork,verify=0,cert=$PKI/good.chain.pem,key=$PKI/good.key" \
		SYSTEM:true 2>"$T/socat.err"
	wait_match "$T/socat.err" 'listening on .*:([0-9]+)$' "$SPAWN_PID"
	run -0 tcp-send -z --tls --ca "$PKI/ca.pem" 127.0.0.1 "$MATCH"
	start_tlspeer good
	run -0 tcp-send -z --tls --ca "$PKI/ca.pem" localhost "$PORT"
}

# --- data over TLS, on the one copy engine ------------------------------------

@test "tcp-send --tls sends DATA and -r prints the reply: openssl s_server TLS 1.2 and 1.3" {
	local v
	for v in 1.2 1.3; do
		start_s_server good "-tls${v/./_}"
		run -0 --separate-stderr tcp-send -v -r -C --tls --ca "$PKI/ca.pem" localhost "$PORT" $'GET / HTTP/1.0\n'
		[[ $output == "HTTP/1.0 200 ok"$'\r\n'* ]] || fail "reply: ${output:0:200}"
		# s_server's page names the protocol it spoke
		assert_output --partial "TLSv$v"
		assert_stderr_regex "tcp-send: tls localhost $PORT: TLSv$v .*, verified, "
	done
}

@test "tcp-send --tls --expect checks an HTTPS answer; -z --tls --expect a banner over TLS" {
	server_port good
	run -0 --separate-stderr tcp-send --tls --ca "$PKI/ca.pem" -C --expect '^HTTP/1\.[01] 200' localhost "$PORT" $'GET / HTTP/1.0\n'
	assert_equal "$stderr" ""
	run -76 --separate-stderr tcp-send --tls --ca "$PKI/ca.pem" -C --expect '^HTTP/1\.[01] 404' --max-bytes 100 localhost "$PORT" $'GET / HTTP/1.0\n'
	assert_stderr_regex "^tcp-send: reply of localhost $PORT: .*first line \"HTTP/1.0 200 ok\""
	# an SMTPS-style greeting, checked with nothing sent
	spawn socat -d -d "OPENSSL-LISTEN:0,bind=127.0.0.1,fork,verify=0,cert=$PKI/good.chain.pem,key=$PKI/good.key" \
		SYSTEM:'echo 220 mail.test ESMTP; sleep 5' 2>"$T/socat.err"
	wait_match "$T/socat.err" 'listening on .*:([0-9]+)$' "$SPAWN_PID"
	run -0 --separate-stderr tcp-send -zj --tls --ca "$PKI/ca.pem" --expect '^220 ' 127.0.0.1 "$MATCH"
	assert_equal "$(jq -r '"\(.matched) \(.tls.verified)"' <<<"$output")" "220 mail.test ESMTP true"
	# the certificate is checked before any reply is read
	run -77 --separate-stderr tcp-send -zj --tls --ca "$PKI/other-ca.pem" --expect '^220 ' 127.0.0.1 "$MATCH"
	assert_equal "$(jq -r '"\(.matched) \(.tls.error)"' <<<"$output")" "null untrusted"
	assert_stderr_regex "^tcp-send: tls 127.0.0.1 $MATCH: certificate not trusted"
	# --closed: a port that accepts is open, whatever its TLS
	run -75 tcp-send -z --closed --tls --insecure 127.0.0.1 "$MATCH"
}

# Not in the emulated pass (./dev's EMULATED_BATS): 10 s of AES-GCM
# under qemu-user, and the native passes relay the same bytes.
# bats test_tags=not-emulated
@test "tcp-send --tls relays 64 MiB each way through python3's ssl module, bytes intact" {
	head -c 64M /dev/urandom >"$T/in"
	TLSPEER_MODE="echo" start_tlspeer good
	tcp-send -r --tls --ca "$PKI/ca.pem" localhost "$PORT" <"$T/in" >"$T/out"
	assert_same_bytes "$T/out" "$T/in"
}

@test "tcp-send --tls half-closes: stdin's end is a close_notify, and the reply still comes back" {
	TLSPEER_MODE=count start_tlspeer good
	run -0 --separate-stderr tcp-send -r --tls --ca "$PKI/ca.pem" localhost "$PORT" <<<"hello"
	assert_equal "$output" "got 6 bytes"
	assert_equal "$stderr" ""
	# socat passes the close_notify on as the end of its program's input
	spawn socat -d -d "OPENSSL-LISTEN:0,bind=127.0.0.1,fork,verify=0,cert=$PKI/good.chain.pem,key=$PKI/good.key" \
		SYSTEM:'wc -c' 2>"$T/socat.err"
	wait_match "$T/socat.err" 'listening on .*:([0-9]+)$' "$SPAWN_PID"
	run -0 --separate-stderr tcp-send -r --tls --ca "$PKI/ca.pem" 127.0.0.1 "$MATCH" hello there
	assert_equal "${output// /}" "12"
	# --wait: a server whose TLS is not up yet, then the whole exchange
	TLSPEER_MODE=count start_tlspeer good 0.5
	run -0 --separate-stderr tcp-send --wait 20 -r --tls --ca "$PKI/ca.pem" localhost "$PORT" hello
	assert_equal "$output" "got 6 bytes"
}

@test "tcp-send --tls with DATA: a silent server gives 75 within -t, a bad certificate 77 before any byte" {
	start_listen -k
	local start
	start=$(date +%s%3N)
	run -75 --separate-stderr tcp-send -t 0.3 --tls --insecure 127.0.0.1 "$PORT" hello
	assert_equal "$stderr" "tcp-send: tls 127.0.0.1 $PORT: timed out in the handshake"
	[ "$(ms_since "$start")" -lt 5000 ] || fail "took $(ms_since "$start") ms"
	server_port expired
	run -77 --separate-stderr tcp-send -r --tls --ca "$PKI/ca.pem" localhost "$PORT" $'GET / HTTP/1.0\r\n'
	assert_equal "$output" ""
	assert_stderr_regex "^tcp-send: tls localhost $PORT: certificate expired on "
}

@test "tcp-send -z --tls checks several targets, each with its own verdict" {
	server_port good
	local good=$PORT
	server_port expired
	run -77 --separate-stderr tcp-send -zj --tls --ca "$PKI/ca.pem" localhost "$good" localhost "$PORT"
	assert_equal "$(jq -r '.tls.error' <<<"$output" | paste -sd' ')" "null expired"
	run -0 tcp-send -z --any --tls --ca "$PKI/ca.pem" localhost "$good" localhost "$PORT"
}

# --- TLS over a Unix socket ---------------------------------------------------

@test "tcp-send -U --tls --servername verifies that name over a Unix socket" {
	TLSPEER_MODE=count spawn python3 "$TLSPEER_PY" "@$T/tls.sock" "$PKI/good.chain.pem" "$PKI/good.key"
	wait_until "$SPAWN_PID" test -S "$T/tls.sock" || fail "$WAIT_WHY"
	run -0 tcp-send -z -U --tls --ca "$PKI/ca.pem" --servername localhost "$T/tls.sock"
	run -0 --separate-stderr tcp-send -U -r --tls --ca "$PKI/ca.pem" --servername localhost "$T/tls.sock" hello
	assert_equal "$output" "got 6 bytes"
	assert_equal "$stderr" ""
	run -77 tcp-send -z -U --tls --ca "$PKI/ca.pem" --servername db.example "$T/tls.sock"
	run -0 tcp-send -z -U --tls --insecure "$T/tls.sock"
}

# --- tcp-listen --tls: the server's side --------------------------------------

# start_tls_listen [ARGS...]: start_listen --tls with good's chain and key.
start_tls_listen() {
	start_listen --tls --cert "$PKI/good.chain.pem" --key "$PKI/good.key" "$@"
}

@test "tcp-listen --tls --reply is a mock HTTPS endpoint: curl and openssl s_client see a clean end" {
	start_tls_listen -k -v --reply $'HTTP/1.0 200 OK\r\n\r\nok'
	run -0 curl -sS --max-time 10 --cacert "$PKI/ca.pem" "https://localhost:$PORT/"
	assert_output "ok"
	# s_client fails a connection cut without close_notify
	run -0 --separate-stderr openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" \
		-verify_return_error -ign_eof -quiet </dev/null
	assert_output --partial $'HTTP/1.0 200 OK\r\n\r\nok'
	wait_match "$LERR" "tls 127.0.0.1 [0-9]+: TLSv1\.3 " "$LPID"
	# the chain file is sent whole: the root alone verifies it
	run -0 --separate-stderr tcp-send -r --tls --ca "$PKI/ca.pem" localhost "$PORT" </dev/null
	assert_output $'HTTP/1.0 200 OK\r\n\r\nok'
}

@test "tcp-listen --tls --alpn chooses the first of its protocols a client offers (-v, -j); none in common fails" {
	start_tls_listen -j -v -c 5 --alpn h2,http/1.1 \
		--reply $'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok'
	# the listener's order, whatever the client's
	run -0 --separate-stderr openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" \
		-verify_return_error -alpn http/1.1,h2 </dev/null
	assert_output --partial "ALPN protocol: h2"
	wait_match "$LERR" "tls 127.0.0.1 [0-9]+: TLSv1\.3 [A-Z0-9_]+, ALPN h2$" "$LPID"
	# curl --http1.1 offers http/1.1 alone
	run -0 curl -sS --http1.1 --max-time 10 --cacert "$PKI/ca.pem" "https://localhost:$PORT/"
	assert_output "ok"
	# none in common: the no_application_protocol alert, as s_server -alpn
	run --separate-stderr openssl s_client -connect "127.0.0.1:$PORT" -CAfile "$PKI/ca.pem" \
		-alpn spdy/3 </dev/null
	assert_output --partial "No ALPN negotiated"
	assert_stderr_regex "alert no application protocol"
	check_json --ca "$PKI/ca.pem" --alpn spdy/3,http/1.0 localhost "$PORT"
	assert_equal "$status" 76
	assert_equal "$(tls_field error)" protocol
	assert_equal "$stderr" "tcp-send: tls localhost $PORT: the peer sent an alert: no application protocol"
	# a client that offers none is served without
	check_json --ca "$PKI/ca.pem" localhost "$PORT"
	assert_equal "$status" 0
	assert_equal "$(tls_field alpn)" null
	wait_status "$LPID"
	assert_equal "$STATUS" 76
	run jq -rs '[.[] | select(.event == "open") | .tls.alpn // .tls.error // "none"] | join(" ")' "$LOUT"
	assert_output "h2 http/1.1 protocol protocol none"
	assert_equal "$(grep -c 'tls 127.0.0.1 [0-9]*: no application protocol$' "$LERR")" 2
}

@test "tcp-listen --tls -j: each handshake in its open object; one that fails is told, and -k goes on" {
	start_tls_listen -j -c 3
	python3 -c '
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
with ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[2]))), server_hostname="localhost") as s:
    s.sendall(b"hello\n")
    s.unwrap()
' "$PKI/ca.pem" "$PORT"
	# a client that speaks no TLS (reset: it is not read)
	run tcp-send 127.0.0.1 "$PORT" "GET / HTTP/1.0"
	run -0 tcp-send --tls --ca "$PKI/ca.pem" localhost "$PORT" again
	wait_status "$LPID"
	assert_equal "$STATUS" 76
	run jq -rs '[.[] | select(.event == "open") | .tls.error // .tls.version] | join(" ")' "$LOUT"
	[[ $output =~ ^TLSv1\.3\ protocol\ TLSv1\.3$ ]] || fail "opens: $output"
	run jq -rs '[.[] | select(.data) | .data] | join("")' "$LOUT"
	assert_output $'hello\nagain'
	assert_equal "$(grep -c '^tcp-listen: tls 127.0.0.1 [0-9]*: ' "$LERR")" 1
}

@test "tcp-listen -k --tls: a client stalled mid-handshake holds nobody off, and -t ends its handshake" {
	start_tls_listen -k -v -t 4 --reply $'HTTP/1.0 200 OK\r\n\r\nok'
	# the first 5 bytes of a ClientHello, then nothing
	spawn sh -c "{ printf '\\026\\003\\001\\002\\000'; sleep 30; } | tcp-send -v 127.0.0.1 $PORT" 2>"$T/stalled"
	wait_match "$T/stalled" "connected to" "$SPAWN_PID"
	run -0 curl -sS --max-time 10 --cacert "$PKI/ca.pem" "https://localhost:$PORT/"
	assert_output "ok"
	run -0 python3 -c '
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[1])
with ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[2]))), server_hostname="localhost") as s:
    print(s.recv(100).decode().split()[1])
' "$PKI/ca.pem" "$PORT"
	assert_output "200"
	# both were served while the stalled handshake still held its slot
	run ! grep -q "timed out in the handshake" "$LERR"
	wait_match "$LERR" "tls 127.0.0.1 [0-9]+: timed out in the handshake" "$LPID"
}

# rejected_client ARGS...: tcp-send ARGS against a --tls --ca listener
# that rejects its certificate after the TLS 1.3 handshake: 77, the
# peer's rejection.  The static build's listener (mbedTLS) sends that
# alert under its handshake key, which the client has left by then: the
# client reads a record it cannot decrypt (76), or the end the listener
# made before it did (75), never a success (tcp-listen(1) CAVEATS).
rejected_client() {
	run --separate-stderr tcp-send "$@"
	if is_static_build; then
		[[ $status -eq 76 || $status -eq 75 ]] ||
			fail "tcp-send exited $status (76 or 75 expected): $stderr"
		assert_stderr_regex "decryption failed or bad record mac|the peer closed the connection|Connection reset by peer|Broken pipe"
	else
		assert_equal "$status" 77
		assert_stderr_regex "rejected our certificate"
	fi
}

@test "tcp-listen --tls --ca requires a client certificate and verifies it (mutual TLS)" {
	start_tls_listen -k -j -v --ca "$PKI/ca.pem"
	run -0 --separate-stderr tcp-send --tls --ca "$PKI/ca.pem" --cert "$PKI/client.chain.pem" --key "$PKI/client.key" localhost "$PORT" hello
	wait_match "$LOUT" '"data":"hello' "$LPID"
	run jq -r 'select(.event == "open") | "\(.tls.subject) \(.tls.verified)"' "$LOUT"
	assert_output "CN=test client true"
	wait_match "$LERR" "tls 127.0.0.1 [0-9]+: TLSv1\.3 .*CN=test client \(issued by .*CN=Test Intermediate\), verified" "$LPID"
	# no certificate: the client is told after its TLS 1.3 handshake
	rejected_client -z --tls --ca "$PKI/ca.pem" localhost "$PORT"
	wait_match "$LERR" "tls 127.0.0.1 [0-9]+: no client certificate" "$LPID"
	# one from a CA the listener does not trust
	rejected_client -z --tls --ca "$PKI/ca.pem" --cert "$PKI/other.pem" --key "$PKI/other.key" localhost "$PORT"
	wait_match "$LERR" "tls 127.0.0.1 [0-9]+: certificate not trusted" "$LPID"
	run jq -rs '[.[] | select(.event == "open") | .tls.error // "ok"] | join(" ")' "$LOUT"
	assert_output "ok untrusted untrusted"
}

@test "tcp-listen --tls --forward terminates TLS in front of a plain listener; -U serves TLS too" {
	start_listen --reply pong
	local backend=$PORT blout=$LOUT
	LOUT=$T/front.out LERR=$T/front.err
	rm -f "$T/front.port"
	spawn tcp-listen --tls --cert "$PKI/good.chain.pem" --key "$PKI/good.key" --forward "127.0.0.1:$backend" \
		--port-file "$T/front.port" 0 >"$LOUT" 2>"$LERR"
	wait_file "$T/front.port" "$SPAWN_PID" "$LERR"
	run -0 --separate-stderr tcp-send -r --tls --ca "$PKI/ca.pem" localhost "$(<"$T/front.port")" hello
	assert_output "pong"
	assert_equal "$(<"$blout")" "hello"
	# a TLS listener on a Unix socket, a client that names what it verifies
	spawn tcp-listen -U --tls --cert "$PKI/good.chain.pem" --key "$PKI/good.key" "$T/tls.sock" >"$T/unix.out"
	local upid=$SPAWN_PID
	wait_until "$upid" test -S "$T/tls.sock" || fail "$WAIT_WHY"
	run -0 tcp-send -U --tls --ca "$PKI/ca.pem" --servername localhost "$T/tls.sock" over unix
	wait_status "$upid"
	assert_equal "$STATUS" 0
	assert_equal "$(<"$T/unix.out")" "over unix"
}

@test "tcp-listen --tls: usage errors (64), unreadable files (66), a key that does not match (78)" {
	run -64 --separate-stderr tcp-listen --cert "$PKI/good.pem" 0
	assert_equal "${stderr%%$'\n'*}" "tcp-listen: --cert needs --tls"
	run -64 --separate-stderr tcp-listen --tls 0
	assert_equal "${stderr%%$'\n'*}" "tcp-listen: --tls needs --cert"
	run -64 --separate-stderr tcp-listen --alpn h2 0
	assert_equal "${stderr%%$'\n'*}" "tcp-listen: --alpn needs --tls"
	run -64 --separate-stderr tcp-listen --tls --cert "$PKI/good.pem" --alpn h2,,x 0
	assert_equal "${stderr%%$'\n'*}" "tcp-listen: alpn h2,,x: empty protocol name"
	run -66 --separate-stderr tcp-listen --tls --cert "$T/none.pem" 0
	assert_equal "$stderr" "tcp-listen: --cert $T/none.pem: No such file or directory"
	run -78 --separate-stderr tcp-listen --tls --cert "$PKI/good.pem" --key "$PKI/other.key" 0
	assert_stderr_regex "^tcp-listen: --key $PKI/other.key: (key values mismatch|does not match)"
}

# --- files and usage --------------------------------------------------------

@test "tcp-send --tls exits 66 for a --ca, --cert or --key that cannot be read" {
	run -66 --separate-stderr tcp-send -z --tls --ca "$T/none.pem" localhost 1
	assert_equal "$stderr" "tcp-send: --ca $T/none.pem: No such file or directory"
	run -66 --separate-stderr tcp-send -z --tls --insecure --cert "$T/none.pem" localhost 1
	assert_equal "$stderr" "tcp-send: --cert $T/none.pem: No such file or directory"
	run -66 tcp-send -z --tls --insecure --cert "$PKI/client.pem" --key "$T/none.key" localhost 1
}

@test "tcp-send --tls exits 78 for a malformed PEM, a key that does not match, no trust store" {
	echo "not a certificate" >"$T/bad.pem"
	run -78 --separate-stderr tcp-send -z --tls --ca "$T/bad.pem" localhost 1
	assert_stderr_regex "^tcp-send: --ca $T/bad.pem: .+"
	run -78 --separate-stderr tcp-send -z --tls --insecure --cert "$T/bad.pem" --key "$PKI/client.key" localhost 1
	assert_stderr_regex "^tcp-send: --cert $T/bad.pem: .+"
	run -78 --separate-stderr tcp-send -z --tls --insecure --cert "$PKI/client.pem" --key "$PKI/good.key" localhost 1
	assert_stderr_regex "^tcp-send: --key $PKI/good.key: .+"
	SSL_CERT_FILE=$T/none.pem run -78 --separate-stderr tcp-send -z --tls localhost 1
	assert_equal "$stderr" "tcp-send: SSL_CERT_FILE $T/none.pem: No such file or directory"
}

@test "tcp-send's TLS options are usage errors (64) without what they need" {
	run -64 --separate-stderr tcp-send -z --ca "$PKI/ca.pem" localhost 1
	assert_equal "${stderr%%$'\n'*}" "tcp-send: --ca needs --tls"
	run -64 --separate-stderr tcp-send -z --insecure localhost 1
	assert_equal "${stderr%%$'\n'*}" "tcp-send: --insecure needs --tls"
	run -64 --separate-stderr tcp-send -z --tls --key "$PKI/client.key" localhost 1
	assert_equal "${stderr%%$'\n'*}" "tcp-send: --key needs --cert"
	run -64 --separate-stderr tcp-send -z -U --tls "$T/tls.sock"
	assert_equal "${stderr%%$'\n'*}" "tcp-send: -U with --tls needs --servername (or --insecure)"
	run -64 --separate-stderr tcp-send -z --tls --alpn h2,,x localhost 1
	assert_equal "${stderr%%$'\n'*}" "tcp-send: alpn h2,,x: empty protocol name"
	run -64 --separate-stderr tcp-send -z --tls --min-days -1 localhost 1
	assert_equal "${stderr%%$'\n'*}" "tcp-send: min-days -1: invalid"
	run -64 tcp-send -z --tls --insecure --ca "$PKI/ca.pem" localhost 1
	# sending over a Unix socket needs the name as much as -z does
	run -64 --separate-stderr tcp-send -U --tls "$T/tls.sock" data
	assert_equal "${stderr%%$'\n'*}" "tcp-send: -U with --tls needs --servername (or --insecure)"
}
