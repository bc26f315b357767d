#!/usr/bin/env bats
# shellcheck disable=SC2154 # bats sets status, output, lines and stderr_lines
# README.md's recipes: every block fenced as ```sh recipe NAME runs
# here as written, in the hermetic namespaces, against stand-ins on
# loopback: names such as db and graphite are added to the hosts file,
# servers are our own listeners. The network namespace is private, so
# the recipes' fixed ports (5432, 2003, 8125) are free.

setup() {
	load test_helper/common-setup
	_common_setup background
	README="$BATS_TEST_DIRNAME/../README.md"
	suite_tools
	cd "$BATS_TEST_TMPDIR" || return
}

teardown() { _common_teardown; }

# recipe NAME: the code of README's ```sh recipe NAME block.
recipe() {
	awk -v start='```sh recipe '"$1" '
		$0 == start { on = 1; next }
		on && /^```$/ { exit }
		on' "$README"
}

# recipe_names: the NAME of every recipe block, in README order.
recipe_names() {
	sed -n 's/^```sh recipe \([^ ]*\)$/\1/p' "$README"
}

# needs TOOL...: skips the test unless every TOOL is built.
needs() {
	local t missing=()
	for t; do
		[ -x "$SOCKUTILS_BUILD/tools/$t" ] || missing+=("$t")
	done
	((${#missing[@]} == 0)) ||
		skip "needs ${missing[*]}, not built in this tree yet"
}

# tools_in CODE: the tools of the suite that CODE runs, one a line.
tools_in() {
	local t
	for t in "${TOOLS[@]}"; do
		if grep -qE "(^|[^[:alnum:]_-])$t([^[:alnum:]_-]|\$)" <<<"$1"; then
			echo "$t"
		fi
	done
}

# recipe_needs NAME [TOOL...]: skips the test unless the tools recipe
# NAME runs, and the TOOLs its stand-ins need, are all built.
recipe_needs() {
	local code tools
	code=$(recipe "$1")
	[ -n "$code" ] || fail "README.md has no recipe $1"
	shift
	mapfile -t tools < <(tools_in "$code")
	needs "${tools[@]}" "$@"
}

# run_recipe NAME [FROM TO]...: runs the recipe, each FROM in it
# replaced by TO, with bash -e in the test's directory
# (status, output and stderr as from run), bounded by 30 s; whatever
# it left running in the background is killed when it ends.
run_recipe() {
	local code
	recipe_needs "$1"
	code=$(recipe "$1")
	shift
	# FROM TO pairs: a system path and its stand-in in the test's directory
	while (($# >= 2)); do
		code=${code//"$1"/"$2"}
		shift 2
	done
	# shellcheck disable=SC2016 # expanded by the inner bash
	run --separate-stderr timeout 30 bash -e -c '
		trap "exit 143" TERM
		trap "status=\$?; kill \$(jobs -p) 2>/dev/null || :; exit \$status" EXIT
		'"$code" 3>&-
}

# host NAME...: each NAME resolves to 127.0.0.1 until the test ends.
host() {
	local name
	for name; do
		printf '127.0.0.1\t%s\n' "$name" | hosts_add
	done
}

# wait_for FILE GREP-ARGS...: waits until grep finds them in FILE.
wait_for() {
	local file=$1
	shift
	wait_until "" grep -q "$@" "$file" 2>/dev/null ||
		fail "$WAIT_WHY: $file never had $*: '$(cat "$file" 2>/dev/null)'"
}

# serve OUTPUT TOOL ARGS...: a stand-in server, TOOL ARGS in the
# background writing what it receives to OUTPUT; returns once it is
# listening (it writes its port file).
serve() {
	local out=$1 tool=$2
	shift 2
	needs "$tool"
	spawn "$tool" --port-file "$out.port" "$@" >"$out" 2>"$out.err"
	wait_file "$out.port" "$SPAWN_PID" "$out.err"
}

@test "README's first code block is the two commands" {
	run -0 awk '/^```/ { n++; next } n == 1' "$README"
	assert_line --index 0 --regexp '^\./dev demo +# '
	assert_line --index 1 --regexp '^\./dev test +# '
	assert_equal "${#lines[@]}" 2
}

@test "every README recipe has a test here, and every name is used once" {
	run -0 recipe_names
	[ "${#lines[@]}" -gt 0 ] || fail "README.md has no recipes"
	for name in "${lines[@]}"; do
		grep -qF "@test \"README recipe $name:" "$BATS_TEST_FILENAME" ||
			fail "recipe $name has no test in $BATS_TEST_FILENAME"
	done
	run -0 sh -c "sed -n 's/^\`\`\`sh recipe //p' '$README' | sort | uniq -d"
	assert_output ""
}

@test "README recipe examples: their comments say what they print" {
	require_hermetic
	printf '192.0.2.7\tdb.example.org\n2001:db8::7\tdb.example.org\n' |
		hosts_add
	printf '192.0.2.8\tweb.example.org www.example.org\n' |
		hosts_add
	printf '%s\n' db.example.org www.example.org >names.txt
	run_recipe examples
	assert_success
	assert_stderr ""
	assert_line --index 0 192.0.2.7
	assert_line --index 1 2001:db8::7
	assert_line --index 2 192.0.2.7
	assert_line --index 3 'db.example.org 192.0.2.7'
	assert_line --index 4 'www.example.org 192.0.2.8'
	assert_line --partial '"name": "web.example.org"'
	assert_line --partial '"www.example.org"'
	assert_line --index $((${#lines[@]} - 2)) db.example.org
	assert_line --index $((${#lines[@]} - 1)) 443
}

@test "README recipe live-log: each name in the log is answered as its line comes" {
	require_hermetic
	recipe_needs live-log
	host db web
	: >clients.log
	# it never ends by itself: timeout(1) of spawn ends its whole group
	spawn bash -e -c "$(recipe live-log)" </dev/null 2>live.err
	printf '12:00:01 db GET /\n' >>clients.log
	wait_for clients.txt -Fx 'db 127.0.0.1'
	printf '12:00:02 nx.test GET /\n12:00:03 web GET /\n' >>clients.log
	wait_for clients.txt -Fx 'web 127.0.0.1'
	wait_for live.err -Fx "$(libc_words 'resolve: nx.test: Name or service not known')"
}

@test "README recipe wait-for-db: tcp-send waits until the database listens" {
	require_hermetic
	recipe_needs wait-for-db tcp-listen
	host db
	# the database comes up a second after the wait begins
	spawn sh -c 'sleep 1 && exec tcp-listen -k 5432' >/dev/null 2>&1
	run_recipe wait-for-db
	assert_success
}

# tls_standin NAME [DAYS]: a certificate for NAME from a root of the
# test's own, trusted through SSL_CERT_FILE as the system's store, and
# openssl s_server with it on NAME 443.
tls_standin() {
	load test_helper/tls
	DAYS=${2-} mint_for "$1"
	export SSL_CERT_FILE=$PKI/ca.pem
	unset SSL_CERT_DIR
	host "$1"
	spawn openssl s_server -www -accept 127.0.0.1:443 -cert "$PKI/$1.pem" \
		-key "$PKI/$1.key" >"$BATS_TEST_TMPDIR/s_server.out" 2>&1 </dev/null
	wait_for "$BATS_TEST_TMPDIR/s_server.out" -q ACCEPT
}

@test "README recipe cert-days: silent for a certificate good for long, a warning for one that is not" {
	require_hermetic
	recipe_needs cert-days
	tls_standin api 365
	run_recipe cert-days
	assert_success
	assert_output ""
	kill_spawned
	tls_standin api 10
	run_recipe cert-days
	assert_output "renew the certificate of api"
}

@test "README recipe wait-https: tcp-send waits until the TLS server is up" {
	require_hermetic
	recipe_needs wait-https
	load test_helper/tls
	mint_for api
	export SSL_CERT_FILE=$PKI/ca.pem
	unset SSL_CERT_DIR
	host api
	# the server comes up a second after the wait begins
	spawn sh -c 'sleep 1 && exec openssl s_server -www -accept 127.0.0.1:443 \
		-cert "$1" -key "$2"' sh "$PKI/api.pem" "$PKI/api.key" </dev/null >/dev/null 2>&1
	run_recipe wait-https
	assert_success
}

@test "README recipe http-health: asks until the health path answers 200" {
	require_hermetic
	recipe_needs http-health
	host api
	# 503 for the first requests, then 200, as a service warming up
	spawn python3 -c '
import http.server
n = [0]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        n[0] += 1
        self.send_response(200 if n[0] > 3 and self.path == "/health" else 503)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", 8080), H).serve_forever()'
	run_recipe http-health
	assert_success
	assert_equal "$stderr" ""
}

@test "README recipe port-free: waits until the old server lets go of the port" {
	require_hermetic
	recipe_needs port-free
	# the old server: it lets go of the port once the recipe has found
	# it taken (its first connection); 8080 may be in TIME_WAIT from an
	# earlier recipe, hence SO_REUSEADDR
	spawn python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 8080))
s.listen(64)
open(sys.argv[1], "w").write("taken")
s.accept()[0].close()
s.close()
time.sleep(30)' "$BATS_TEST_TMPDIR/taken"
	wait_file "$BATS_TEST_TMPDIR/taken" "$SPAWN_PID"
	run_recipe port-free
	assert_success
	run -69 tcp-send -z 127.0.0.1:8080
}

@test "README recipe targets-file: the targets of the file that are not open" {
	require_hermetic
	recipe_needs targets-file tcp-listen
	host db web
	serve db tcp-listen -k 5432
	printf '%s\n' 'db:5432' 'web 80' '[::1]:5432' >targets.txt
	run_recipe targets-file
	assert_success
	assert_output "$(printf '%s\n' 'web:80' '::1:5432')"
}

@test "README recipe open-ports: the open ports of the range, in order" {
	require_hermetic
	recipe_needs open-ports tcp-listen
	host web
	serve web8007 tcp-listen -k 8007
	serve web8003 tcp-listen -k 8003
	run_recipe open-ports
	assert_success
	assert_output "$(printf '8003\n8007')"
}

@test "README recipe mock-http: curl gets the reply, the request is logged" {
	require_hermetic
	run_recipe mock-http
	assert_success
	assert_output ok
	wait_for requests -F 'GET /health HTTP/1.1'
}

# tls_files NAME: a root (ca.pem) and NAME.pem, NAME.key for the DNS name
# NAME in the test's directory, and NAME in the hosts file.
tls_files() {
	load test_helper/tls
	mint_for "$1"
	cp "$PKI/ca.pem" "$PKI/$1.pem" "$PKI/$1.key" .
	host "$1"
}

@test "README recipe mock-https: curl --cacert gets the reply over TLS, the request is logged" {
	require_hermetic
	recipe_needs mock-https
	tls_files api
	run_recipe mock-https
	assert_success
	assert_output ok
	wait_for requests -F 'GET /health HTTP/1.1'
}

@test "README recipe mutual-tls: a client certificate is accepted and its subject told, none is rejected" {
	require_hermetic
	recipe_needs mutual-tls
	tls_files api
	_issue ca client "/CN=a client" "extendedKeyUsage=clientAuth" "" -days 30
	cp "$PKI/client.pem" "$PKI/client.key" .
	run_recipe mutual-tls
	assert_success
	assert_output "rejected: 77"
	wait_for received -Fx hello
	wait_for clients -F 'CN=a client (issued by CN=Recipe Root), verified'
}

@test "README recipe docker-ping: waits for the daemon's socket and gets OK from /_ping" {
	require_hermetic
	recipe_needs docker-ping tcp-listen
	# the daemon's stand-in comes up after the wait begins
	spawn sh -c 'sleep 0.5 && exec tcp-listen -U -k --reply "$1" "$2"' sh \
		$'HTTP/1.0 200 OK\r\nApi-Version: 1.43\r\nContent-Type: text/plain\r\n\r\nOK' \
		"$BATS_TEST_TMPDIR/docker.sock" >docker 2>&1
	run_recipe docker-ping /var/run/docker.sock "$BATS_TEST_TMPDIR/docker.sock"
	assert_success
	assert_output OK
	wait_for docker -F 'GET /_ping HTTP/1.0'
}

@test "README recipe fixture: curl gets the whole recorded response" {
	require_hermetic
	recipe_needs fixture
	{
		printf 'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n'
		python3 -c 'import json; print(json.dumps([{"id": i, "name": "item %d" % i} for i in range(1000)]))'
	} >fixture.http
	run_recipe fixture
	assert_success
	assert_output 1000
	wait_for requests -F 'GET /api/items HTTP/1.1'
}

@test "README recipe docker-tcp: curl reaches the daemon's socket through the port" {
	require_hermetic
	recipe_needs docker-tcp tcp-listen
	spawn tcp-listen -U -k --reply \
		$'HTTP/1.0 200 OK\r\nApi-Version: 1.43\r\nContent-Type: text/plain\r\n\r\nOK' \
		"$BATS_TEST_TMPDIR/docker.sock" >docker 2>&1
	wait_until "$SPAWN_PID" test -S "$BATS_TEST_TMPDIR/docker.sock" ||
		fail "$WAIT_WHY: $(cat docker)"
	run_recipe docker-tcp /var/run/docker.sock "$BATS_TEST_TMPDIR/docker.sock"
	assert_success
	assert_output OK
	wait_for docker -F 'GET /_ping HTTP/1.1'
}

@test "README recipe v6-only: a client of 127.0.0.1 reaches the service on ::1" {
	require_hermetic
	recipe_needs v6-only tcp-listen
	spawn tcp-listen -6 -k --reply $'HTTP/1.0 200 OK\r\n\r\nfrom ::1' \
		--port-file v6.port 8080 >v6 2>&1
	wait_until "$SPAWN_PID" test -s v6.port || fail "$WAIT_WHY: $(cat v6)"
	run_recipe v6-only
	assert_success
	assert_output "from ::1"
}

@test "README recipe syslog: the datagram reaches the socket as logger sends it" {
	require_hermetic
	recipe_needs syslog udp-listen
	needs udp-listen
	spawn udp-listen -U -v "$BATS_TEST_TMPDIR/dev-log" >syslog 2>syslog.err
	wait_until "$SPAWN_PID" test -S "$BATS_TEST_TMPDIR/dev-log" ||
		fail "$WAIT_WHY: $(cat syslog.err)"
	run_recipe syslog /dev/log "$BATS_TEST_TMPDIR/dev-log"
	assert_success
	wait_for syslog.err -F 'received 20 bytes from unnamed'
	assert_equal "$(cat syslog)" '<13>deploy: finished'
}

@test "README recipe mock-http-unix: curl --unix-socket gets the reply, the socket goes away" {
	require_hermetic
	run_recipe mock-http-unix
	assert_success
	assert_output ok
	wait_for requests -F 'GET /health HTTP/1.1'
	wait_until "" test ! -e api.sock || fail "api.sock is left: $WAIT_WHY"
}

@test "README recipe mock-many: ten parallel requests answered past an idle client, each logged whole" {
	require_hermetic
	run_recipe mock-many
	assert_success
	assert_output 10
	wait_for requests -c 'GET /job/10 HTTP/1.1'
	tries=100
	until [ "$(grep -c '^GET /job/[0-9]* HTTP/1.1' requests)" = 10 ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || fail "requests: $(cat requests)"
		sleep 0.1
	done
}

@test "README recipe graphite: the line reaches the server" {
	require_hermetic
	recipe_needs graphite tcp-listen
	host graphite
	serve graphite tcp-listen -k 2003
	run_recipe graphite
	assert_success
	wait_for graphite -E '^deploys\.myapp 1 [0-9]{10}$'
}

@test "README recipe statsd: the datagram reaches the server" {
	require_hermetic
	recipe_needs statsd udp-listen
	host statsd
	serve statsd udp-listen -k 8125
	run_recipe statsd
	assert_success
	wait_for statsd -F 'deploys.myapp:1|c'
}

@test "README recipe resolve-names: quiet when all resolve, fails on one that does not" {
	require_hermetic
	host db graphite
	printf '%s\n' db graphite localhost dual.test >names.txt
	run_recipe resolve-names
	assert_success
	assert_output ""
	assert_stderr ""
	echo nosuch.test >>names.txt
	run_recipe resolve-names
	assert_failure 1
	assert_equal "${stderr_lines[0]}" \
		"$(libc_words "resolve: nosuch.test: Name or service not known")"
	assert_equal "${stderr_lines[1]}" "some names do not resolve"
}

@test "README recipe port-file: a datagram to the port the listener took" {
	require_hermetic
	run_recipe port-file
	assert_success
	assert_output hello
}

@test "README recipe servport: the comments are the output" {
	require_hermetic
	run_recipe servport
	assert_success
	assert_output $'5432\npostgresql'
}

@test "README recipe log-names: one name per address in the log" {
	require_hermetic
	cat >access.log <<-'EOF'
	198.51.100.7 - - [25/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 2
	192.0.2.10 - - [25/Nov/2026:10:00:01 +0000] "GET /a HTTP/1.1" 404 9
	198.51.100.7 - - [25/Nov/2026:10:00:02 +0000] "GET /b HTTP/1.1" 200 2
	EOF
	run_recipe log-names
	assert_success
	assert_output $'192.0.2.10 v4only.test\n198.51.100.7 hostsname.test'
}
