#!/usr/bin/env bats
# tcp-send and udp-send as health checks that see the answer: --expect,
# -C, --closed, HOST:PORT and `-z -`, against real servers the tests
# start on loopback (python3's http.server, nginx, Redis, sshd, an SMTP
# stand-in), as CI jobs and container HEALTHCHECKs use them.
# shellcheck disable=SC2154 # bats sets status, output, stderr, lines

BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-60}

setup() {
	load test_helper/common-setup
	_common_setup tcp
	HTTP_OK='^HTTP/1\.[01] 200'
	GET=$'GET /health HTTP/1.0\n'
}

teardown() { _common_teardown; }

# start_http: python3 -m http.server on 127.0.0.1, serving $T/www (with
# a /health file); HTTP_PORT is its port, learnt from its own report.
start_http() {
	mkdir -p "$T/www"
	echo ok >"$T/www/health"
	spawn python3 -u -m http.server 0 --bind 127.0.0.1 -d "$T/www" \
		>"$T/http.out" 2>"$T/http.err"
	wait_match "$T/http.out" 'port ([0-9]+)' "$SPAWN_PID"
	HTTP_PORT=$MATCH
}

# start_nginx: nginx on 127.0.0.1:NGINX_PORT with a private config whose
# /health answers 503 until the file $T/ready exists, then 200.
start_nginx() {
	NGINX_PORT=$(free_port)
	mkdir -p "$T/nginx"
	cat >"$T/nginx/nginx.conf" <<-CONF
		daemon off;
		master_process off;
		user root root;
		worker_processes 1;
		pid $T/nginx/nginx.pid;
		error_log $T/nginx/error.log;
		events { worker_connections 64; }
		http {
			access_log off;
			client_body_temp_path $T/nginx/body;
			proxy_temp_path $T/nginx/proxy;
			fastcgi_temp_path $T/nginx/fastcgi;
			uwsgi_temp_path $T/nginx/uwsgi;
			scgi_temp_path $T/nginx/scgi;
			server {
				listen 127.0.0.1:$NGINX_PORT;
				location = /health {
					if (!-f $T/ready) { return 503; }
					return 200 "ok\n";
				}
				location / { return 404; }
			}
		}
	CONF
	spawn nginx -p "$T/nginx" -e "$T/nginx/error.log" -c "$T/nginx/nginx.conf"
	tcp-send -z --wait 10 "127.0.0.1:$NGINX_PORT" ||
		fail "nginx did not listen: $(cat "$T/nginx/error.log")"
}

# --- HOST:PORT --------------------------------------------------------------

@test "tcp-send takes HOST:PORT, [ADDR]:PORT and service names as one operand" {
	require_hermetic
	start_listen -k
	printf '127.0.0.1 web.test\n' | hosts_add
	run -0 tcp-send "127.0.0.1:$PORT" one
	run -0 tcp-send "web.test:$PORT" two
	run -0 tcp-send -z "[::ffff:127.0.0.1]:$PORT"
	run -0 tcp-send -z 127.0.0.1 "$PORT" "web.test:$PORT,$PORT" "127.0.0.1:$PORT"
	run -0 tcp-send -zj "web.test:$PORT"
	assert_equal "$(jq -r '"\(.host) \(.port) \(.open)"' <<<"$output")" "web.test $PORT true"
	wait_lines "$LOUT" 2
	assert_equal "$(cat "$LOUT")" "$(printf 'one\ntwo')"
}

@test "tcp-send takes [::1]:PORT, and an unbracketed IPv6 literal as a HOST" {
	start_listen -6 -k
	run -0 tcp-send -zj "[::1]:$PORT"
	assert_equal "$(jq -r .address <<<"$output")" ::1
	run -0 tcp-send -z ::1 "$PORT"
	run -0 tcp-send ::1 "$PORT" v6
	wait_lines "$LOUT" 1 "$LPID"
	assert_equal "$(cat "$LOUT")" v6
}

@test "tcp-send -z takes service names in HOST:PORT and lists" {
	start_listen
	grep -q '^ssh[[:space:]]*22/tcp' /etc/services || skip "no ssh in services"
	run -69 --separate-stderr tcp-send -z -t 1 "127.0.0.1:$PORT,ssh"
	assert_stderr "tcp-send: connect 127.0.0.1 22: Connection refused"
}

@test "tcp-send and udp-send refuse malformed HOST:PORT forms with 64, naming what is wrong" {
	local form why
	while IFS='|' read -r form why; do
		run -64 --separate-stderr tcp-send -z "$form"
		assert_equal "${stderr_lines[0]}" "tcp-send: target $form: $why"
		run -64 --separate-stderr tcp-send "$form" data
		assert_equal "${stderr_lines[0]}" "tcp-send: target $form: $why"
		run -64 --separate-stderr udp-send "$form" data
		assert_equal "${stderr_lines[0]}" "udp-send: target $form: $why"
	done <<-'FORMS'
		db:|no port after ':'
		:80|no host before the port
		[::1|'[' without ']'
		[::1]80|not ':PORT' after ']'
		[db]:80|not an IPv6 address in brackets
		[127.0.0.1]:80|not an IPv6 address in brackets
		db]:80|bracket in a host name
		a:b:80|several ':' (an IPv6 address with a port goes in brackets: [ADDR]:PORT)
	FORMS
	run -64 --separate-stderr tcp-send -z 127.0.0.1:P
	assert_equal "${stderr_lines[0]}" "tcp-send: port P: unknown service"
	run -64 --separate-stderr tcp-send 127.0.0.1:80,81 data
	assert_equal "${stderr_lines[0]}" "tcp-send: port 80,81: a list or range needs -z"
	run -64 --separate-stderr udp-send 127.0.0.1:80-81 data
	assert_equal "${stderr_lines[0]}" "udp-send: port 80-81: one port only"
	run -64 --separate-stderr tcp-send -z db:5432 web
	assert_equal "${stderr_lines[0]}" "tcp-send: no PORT given for web"
}

@test "udp-send takes HOST:PORT and [::1]:PORT" {
	load test_helper/udp
	listen_bg -6
	run -0 udp-send "[::1]:$PORT" six
	listen_wait
	assert_equal "$(cat "$OUT")" six
}

# --- --expect -----------------------------------------------------------------

@test "tcp-send -C --expect is an HTTP health check against python3's http.server: 200 is 0, 404 is 76 with the status line" {
	start_http
	run -0 --separate-stderr tcp-send -C --expect "$HTTP_OK" "127.0.0.1:$HTTP_PORT" "$GET"
	assert_output ""
	assert_stderr ""
	run -76 --separate-stderr tcp-send -C --expect "$HTTP_OK" 127.0.0.1 "$HTTP_PORT" $'GET /nope HTTP/1.0\n'
	assert_stderr "tcp-send: reply of 127.0.0.1 $HTTP_PORT: no line matched before the peer closed: first line \"HTTP/1.0 404 File not found\""
	# what the server saw: a request of CRLF lines
	run -0 grep -c '"GET /health HTTP/1.0" 200' "$T/http.err"
}

@test "tcp-send --expect -r prints the reply through the matching line, -zj adds the line" {
	start_http
	run -0 --separate-stderr tcp-send -r -C --expect '^Content-Length:' "127.0.0.1:$HTTP_PORT" "$GET"
	assert_equal "${lines[0]}" $'HTTP/1.0 200 OK\r'
	assert_regex "${lines[-1]}" $'^Content-Length: 3\r$'
	refute_output --partial 'ok'
}

@test "tcp-send --wait --expect waits for nginx's health path to turn from 503 to 200" {
	start_nginx
	run -76 --separate-stderr tcp-send -C --expect "$HTTP_OK" "127.0.0.1:$NGINX_PORT" "$GET"
	assert_stderr_regex "first line \"HTTP/1.1 503 Service (Temporarily )?Unavailable\"$"
	spawn tcp-send -C --wait 10 --expect "$HTTP_OK" "127.0.0.1:$NGINX_PORT" "$GET"
	local send=$SPAWN_PID
	sleep 0.3	# it answers 503 meanwhile: the test is that it keeps asking
	kill -0 "$send" || fail "tcp-send ended while nginx answered 503"
	touch "$T/ready"
	wait_status "$send"
	assert_equal "$STATUS" 0
}

@test "tcp-send --wait --expect against a path that is 404 for ever gives up with 76 at the deadline" {
	start_nginx
	start=$(date +%s%3N)
	run -76 --separate-stderr tcp-send -C --wait 0.5 --expect "$HTTP_OK" "127.0.0.1:$NGINX_PORT" $'GET /none HTTP/1.0\n'
	took=$(ms_since "$start")
	[ "$took" -ge 500 ] || fail "gave up after $took ms, before the deadline"
	assert_stderr_regex "^tcp-send: reply of 127.0.0.1 $NGINX_PORT: no line matched before the peer closed: first line \"HTTP/1.1 404 Not Found\" \\(gave up waiting after 0.5 s\\)$"
}

@test "tcp-send -C --expect asks Redis PING and sees +PONG" {
	local port
	port=$(free_port)
	spawn redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$T" --logfile "$T/redis.log"
	tcp-send -z --wait 10 "127.0.0.1:$port"
	run -0 --separate-stderr tcp-send -C --expect '^\+PONG$' "127.0.0.1:$port" PING
	run -0 --separate-stderr tcp-send -r -C --expect '^\+PONG$' "127.0.0.1:$port" PING
	assert_output $'+PONG\r'
	run -76 --separate-stderr tcp-send -C --expect '^\+PONG$' "127.0.0.1:$port" 'GET nothing'
	assert_stderr "tcp-send: reply of 127.0.0.1 $port: no line matched before the peer closed: first line \"\$-1\""
}

@test "tcp-send -z --expect checks an SSH server's banner (sshd) without sending anything" {
	local port
	port=$(free_port)
	ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey"
	mkdir -p /run/sshd
	printf '%s\n' "ListenAddress 127.0.0.1:$port" "HostKey $T/hostkey" \
		"PidFile $T/sshd.pid" "UsePAM no" >"$T/sshd_config"
	spawn /usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.err"
	tcp-send -z --wait 10 "127.0.0.1:$port" || fail "sshd: $(cat "$T/sshd.err")"
	run -0 --separate-stderr tcp-send -zj --expect '^SSH-2\.0-' "127.0.0.1:$port"
	assert_regex "$(jq -r .matched <<<"$output")" '^SSH-2\.0-OpenSSH'
	# sshd waits for our banner: --max-bytes ends the wait
	run -76 --separate-stderr tcp-send -z --max-bytes 8 --expect '^SSH-1\.' "127.0.0.1:$port"
	assert_stderr "tcp-send: reply of 127.0.0.1 $port: no line matched in --max-bytes of reply: first line \"SSH-2.0-\""
}

@test "tcp-send -C makes an SMTP conversation work that LF alone gets refused" {
	local pf=$T/smtp.port
	spawn python3 "$BATS_TEST_DIRNAME/test_helper/smtp.py" "$pf"
	wait_file "$pf" "$SPAWN_PID"
	local port
	port=$(<"$pf")
	run -0 tcp-send -z --expect '^220 ' "127.0.0.1:$port"
	run -0 tcp-send -r "127.0.0.1:$port" $'HELO me\nQUIT'
	assert_line $'500 bare LF\r'
	run -0 tcp-send -r -C "127.0.0.1:$port" $'HELO me\nQUIT'
	assert_output "$(printf '220 mail.test ESMTP\r\n250 ok\r\n221 bye\r')"
	run -0 tcp-send -C --expect '^221 ' "127.0.0.1:$port" $'HELO me\nQUIT'
}

@test "tcp-send --expect with -z and several targets needs each to match" {
	start_http
	local pf=$T/smtp.port
	spawn python3 "$BATS_TEST_DIRNAME/test_helper/smtp.py" "$pf"
	wait_file "$pf" "$SPAWN_PID"
	run -0 tcp-send -z --expect '^220 ' "127.0.0.1:$(<"$pf")" "127.0.0.1:$(<"$pf")"
	run -75 --separate-stderr tcp-send -zj -t 0.3 --expect '^220 ' "127.0.0.1:$(<"$pf")" "127.0.0.1:$HTTP_PORT"
	assert_stderr "tcp-send: reply of 127.0.0.1 $HTTP_PORT: no reply in the time allowed"
	assert_equal "$(jq -r '"\(.port) \(.matched) \(.error)"' <<<"$output")" \
		"$(printf '%s\n' "$(<"$pf") 220 mail.test ESMTP null" "$HTTP_PORT null no reply in the time allowed")"
}

@test "tcp-send --expect stops at the match, without waiting for the peer to close" {
	start_peer hold
	start=$(date +%s%3N)
	start_listen --reply $'HTTP/1.0 200 OK\r\n'	# answers, then holds the connection
	run -0 tcp-send -t 5 --expect "$HTTP_OK" "127.0.0.1:$PORT" hi
	took=$(ms_since "$start")
	[ "$took" -lt 3000 ] || fail "took $took ms: waited for the peer to close"
}

@test "tcp-send --expect --max-bytes gives up with 76 once that much came without a match" {
	start_peer stream
	run -76 --separate-stderr tcp-send -z --max-bytes 1000 --expect '^never$' "127.0.0.1:$PORT"
	assert_stderr_regex '^tcp-send: reply of 127\.0\.0\.1 [0-9]+: no line matched in --max-bytes of reply: first line "'
}

@test "tcp-send --expect matches a JSON body's braces as bytes, \\d a digit, \\< \\> \\b a word's edges, a lone ) a byte (python3's http.server)" {
	start_http
	printf '%s\n' '{"status":"ok","uptime":42}' >"$T/www/status.json"
	run -0 --separate-stderr tcp-send -r --expect '^{"status":"ok","uptime":\d+}$' \
		"127.0.0.1:$HTTP_PORT" $'GET /status.json HTTP/1.0\n'
	assert_line '{"status":"ok","uptime":42}'
	run -76 --separate-stderr tcp-send --expect '^{"status":"ok","uptime":\D+}$' \
		"127.0.0.1:$HTTP_PORT" $'GET /status.json HTTP/1.0\n'
	assert_stderr_regex "^tcp-send: reply of 127\\.0\\.0\\.1 $HTTP_PORT: no line matched before the peer closed: first line \"HTTP/1\\.0 200 OK\"$"
	# words' edges, and a ")" that closes no group is a byte
	run -0 tcp-send --expect '\<uptime\>\W+\d+}$' "127.0.0.1:$HTTP_PORT" \
		$'GET /status.json HTTP/1.0\n'
	run -76 --separate-stderr tcp-send --expect '\bup\b' "127.0.0.1:$HTTP_PORT" \
		$'GET /status.json HTTP/1.0\n'
	printf '%s\n' 'all good :-)' >"$T/www/smile.txt"
	run -0 tcp-send --expect ':-)$' "127.0.0.1:$HTTP_PORT" $'GET /smile.txt HTTP/1.0\n'
}

@test "tcp-send --expect sees a binary banner whole: NULs are bytes of the line" {
	start_listen --reply 'J\0\0\0\n8.0.36\0mysql_native_password\0'
	run -0 --separate-stderr tcp-send -zj --expect '^8\.0\.[0-9]+.mysql_native_password.$' "127.0.0.1:$PORT"
	assert_equal "$(jq -c .matched <<<"$output")" '"8.0.36\u0000mysql_native_password\u0000"'
}

@test "tcp-send --expect takes time linear in the reply, whatever the REGEX: 1 MiB against nested stars" {
	start_peer stream
	run -76 --separate-stderr tcp-send -z -t 30 --max-bytes 1048576 \
		--expect '^([[:alnum:]]|[a-z])*(([0-9]*)*|x)*!' "127.0.0.1:$PORT"
	assert_stderr_regex '^tcp-send: reply of 127\.0\.0\.1 [0-9]+: no line matched in --max-bytes of reply: first line "'
}

@test "tcp-send --expect refuses a bad REGEX or --max-bytes with 64 before anything is sent" {
	start_listen
	run -64 --separate-stderr tcp-send --expect '(' "127.0.0.1:$PORT" x
	assert_equal "${stderr_lines[0]}" 'tcp-send: expect (: unmatched ('
	assert_regex "${stderr_lines[1]}" '^usage: tcp-send '
	run -64 --separate-stderr tcp-send --expect '^x{1,256}' "127.0.0.1:$PORT" x
	assert_equal "${stderr_lines[0]}" 'tcp-send: expect ^x{1,256}: count in {} over 255'
	run -64 --separate-stderr tcp-send --expect '(a)\1' "127.0.0.1:$PORT" x
	assert_equal "${stderr_lines[0]}" 'tcp-send: expect (a)\1: unknown escape \1'
	run -64 --separate-stderr tcp-send --expect '[[:word:]]' "127.0.0.1:$PORT" x
	assert_equal "${stderr_lines[0]}" 'tcp-send: expect [[:word:]]: invalid character class'
	run -64 --separate-stderr tcp-send --max-bytes 0 --expect x "127.0.0.1:$PORT" x
	assert_equal "${stderr_lines[0]}" "tcp-send: max-bytes 0: too small"
	run -64 --separate-stderr tcp-send --max-bytes 16777217 --expect x "127.0.0.1:$PORT" x
	assert_equal "${stderr_lines[0]}" "tcp-send: max-bytes 16777217: too large (at most 16777216)"
	run -64 --separate-stderr tcp-send --max-bytes 10 "127.0.0.1:$PORT" x
	assert_equal "${stderr_lines[0]}" "tcp-send: --max-bytes needs --expect"
	run -64 --separate-stderr tcp-send -z --closed --expect x "127.0.0.1:$PORT"
	assert_equal "${stderr_lines[0]}" "tcp-send: --closed and --expect exclude each other"
	run -0 tcp-send "127.0.0.1:$PORT" untouched
	wait_status "$LPID"
	assert_equal "$(cat "$LOUT")" untouched
}

@test "udp-send -r --expect checks each reply datagram, 76 for one that does not match" {
	load test_helper/udp
	listen_bg --reply $'ok 1\r\n'
	run -0 udp-send -r --expect '^ok [0-9]$' "127.0.0.1:$PORT" status
	listen_bg --reply 'fail'
	run -76 --separate-stderr udp-send -r --expect '^ok' "127.0.0.1:$PORT" status
	assert_stderr "udp-send: reply of 127.0.0.1 $PORT: no line matched: first line \"fail\""
	run -64 --separate-stderr udp-send --expect x 127.0.0.1 9 x
	assert_equal "${stderr_lines[0]}" "udp-send: --expect needs -r"
	# a datagram's NUL is a byte of its line
	listen_bg --echo
	run -0 udp-send -r --expect '^ok.1$' "127.0.0.1:$PORT" < <(printf 'ok\0001')
	run -64 --separate-stderr udp-send -r --expect '*ok' 127.0.0.1 9 x
	assert_equal "${stderr_lines[0]}" 'udp-send: expect *ok: nothing to repeat'
}

@test "udp-send -C sends each newline as CRLF" {
	load test_helper/udp
	listen_bg
	run -0 udp-send -C "127.0.0.1:$PORT" $'a\nb'
	listen_wait
	assert_equal "$(od -An -c "$OUT" | tr -s ' ')" "$(printf 'a\r\nb\r\n' | od -An -c | tr -s ' ')"
}

@test "udp-send needs --broadcast for a broadcast address, and sends with it" {
	require_hermetic
	run -77 --separate-stderr udp-send 127.255.255.255 9 x
	assert_stderr "udp-send: connect 127.255.255.255 9: Permission denied (a broadcast address needs --broadcast)"
	run -0 udp-send --broadcast 127.255.255.255:9 x
	run -64 --separate-stderr udp-send -U --broadcast "$T/sock" x
	assert_equal "${stderr_lines[0]}" "udp-send: -U and --broadcast exclude each other"
}

@test "tcp-send -C sends stdin's newlines as CRLF, a CRLF already there unchanged" {
	start_listen
	printf 'one\ntwo\r\nthree' | tcp-send -C "127.0.0.1:$PORT"
	wait_status "$LPID"
	assert_equal "$(od -An -c "$LOUT" | tr -s ' ')" "$(printf 'one\r\ntwo\r\nthree' | od -An -c | tr -s ' ')"
}

@test "a Docker-style exec-form HEALTHCHECK: no shell, no environment" {
	start_http
	run -0 env -i "$(command -v tcp-send)" -C --expect '^HTTP/1\.[01] 200' \
		"127.0.0.1:$HTTP_PORT" "$GET"
	run -76 env -i "$(command -v tcp-send)" -C --expect '^HTTP/1\.[01] 200' \
		"127.0.0.1:$HTTP_PORT" $'GET /missing HTTP/1.0\n'
}

# --- --closed -----------------------------------------------------------------

@test "tcp-send -z --closed is 0 for a port that refuses, 75 for one that accepts" {
	start_listen -k
	local free
	free=$(free_port)
	run -0 --separate-stderr tcp-send -z --closed "127.0.0.1:$free"
	assert_stderr ""
	run -75 --separate-stderr tcp-send -z --closed "127.0.0.1:$PORT" "127.0.0.1:$free"
	assert_stderr "tcp-send: connect 127.0.0.1 $PORT: still accepting"
}

@test "tcp-send -z --closed --wait waits for a listener that stops after 300 ms" {
	local pf=$T/stop.port
	spawn python3 -c '
import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(0.3)
s.close()
time.sleep(30)' "$pf"
	wait_file "$pf" "$SPAWN_PID"
	run -0 --separate-stderr tcp-send -z --closed --wait 5 "127.0.0.1:$(<"$pf")"
	assert_stderr ""
}

@test "tcp-send -z --closed --wait gives up with 75 on a listener that stays" {
	start_listen -k
	run -75 --separate-stderr tcp-send -z --closed --wait 0.3 "127.0.0.1:$PORT"
	assert_stderr "tcp-send: connect 127.0.0.1 $PORT: still accepting (gave up waiting after 0.3 s)"
}

# --- -z - ----------------------------------------------------------------------

@test "tcp-send -z - checks 10,000 targets from stdin under ulimit -n 256, the first reported before stdin ends" {
	start_listen -k
	local free
	free=$(free_port)
	mkfifo "$T/targets"
	(
		ulimit -n 256
		exec tcp-send -zj - <"$T/targets" >"$T/out" 2>"$T/err"
	) 3>&- &
	local send=$!
	exec 5>"$T/targets"
	printf '127.0.0.1 %s\n' "$PORT" >&5
	wait_lines "$T/out" 1 "$send"
	awk -v free="$free" -v port="$PORT" 'BEGIN {
		for (i = 0; i < 5000; i++)
			printf "127.0.0.1:%s\n127.0.0.1 %s\n", free, port
	}' >&5
	exec 5>&-
	wait_status "$send"
	assert_equal "$STATUS" 69
	assert_equal "$(wc -l <"$T/out")" 10001
	# in input order: open, then refused and open by turns
	run -0 jq -r '.open' "$T/out"
	assert_equal "$(sed -n '1p;2p;3p;10001p' <<<"$output" | tr '\n' ' ')" "true false true true "
	assert_equal "$(grep -c true <<<"$output")" 5001
	assert_equal "$(wc -l <"$T/err")" 5000
}

@test "tcp-send -z - reports a malformed line in its place with 64 and checks the others" {
	start_listen -k
	run -64 --separate-stderr tcp-send -zj - <<-LINES
		127.0.0.1 $PORT

		db:
		127.0.0.1:$PORT extra
		  127.0.0.1:$PORT  
		nohost
	LINES
	assert_equal "${#lines[@]}" 2
	assert_equal "$stderr" "$(printf '%s\n' "tcp-send: target db:: no port after ':'" \
		"tcp-send: target 127.0.0.1:$PORT extra: more than HOST:PORT" \
		"tcp-send: target nohost: no PORT")"
}

@test "tcp-send -z -U - reads socket paths from stdin" {
	spawn tcp-listen -U -k "$T/app.sock"
	wait_until "$SPAWN_PID" test -S "$T/app.sock"
	run -68 --separate-stderr tcp-send -zjU - <<<"$T/app.sock
$T/none.sock"
	assert_equal "$(jq -r '"\(.path) \(.open)"' <<<"$output")" \
		"$(printf '%s\n' "$T/app.sock true" "$T/none.sock false")"
}

# --- inf ----------------------------------------------------------------------

@test "--wait inf and -t inf wait for ever; a duration's bound is in its message" {
	start_listen
	run -0 tcp-send -t inf --wait inf "127.0.0.1:$PORT" x
	run -64 --separate-stderr tcp-send --wait 604800 -z 127.0.0.1:1
	assert_equal "${stderr_lines[0]}" "tcp-send: wait 604800: too large (at most 100000 s, or inf)"
	local free
	free=$(free_port)
	spawn tcp-send -z --wait inf "127.0.0.1:$free"
	local send=$SPAWN_PID
	sleep 0.2
	kill -0 "$send" || fail "--wait inf ended before the port opened"
	LISTEN_PORT=$free start_listen
	wait_status "$send"
	assert_equal "$STATUS" 0
}

# --- -r to a terminal -----------------------------------------------------------

@test "tcp-send -r to a terminal lets a CR before a LF through, other control bytes escaped" {
	command -v script >/dev/null || skip "no script(1)"
	start_listen --reply $'+PONG\r\nbell\a\rx\r\n'
	run -0 script -qec "stty -onlcr; tcp-send -r 127.0.0.1:$PORT PING" /dev/null
	assert_output "$(printf '+PONG\r\nbell\\a\\rx\r')"
}
