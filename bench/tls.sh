# shellcheck shell=bash
# bench/tls.sh: TLS. The latency of a check (tcp-send -z --tls against
# openssl s_client), the handshakes a server makes per second, throughput
# through a TLS connection and the memory it takes, against socat's and
# ncat's OpenSSL in the same run; the -tls tools of throughput.sh carry
# the transfers, memory.sh's memory_rows measures them.

# TLS 1.3 only, its cipher suite fixed: the same terms for every tool
# (all three are built on this machine's OpenSSL 3 and read its
# configuration), whatever their defaults.  No session tickets: no client
# here resumes, and a sender that never reads (ncat --send-only) closes
# on the unread tickets, a reset that loses the tail of what it sent
# (its receiver exited 1 in 3 runs of 4 here; told to take an end
# without close_notify for a clean one, it lost data in 2 runs of 6).
TLS_SUITE=TLS_AES_256_GCM_SHA384
# What the servers of the handshake figure answer, as mockhttp.sh's do.
TLS_REPLY='HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'
TLS_CLIENTS=16

TLS_TOOLS=(ours-tls socat-tls ncat-tls)
declare -A TLS_LABEL=(
	[ours-tls]="tcp-send --tls → tcp-listen --tls"
	[socat-tls]="socat -u OPENSSL: → OPENSSL-LISTEN:"
	[ncat-tls]="ncat --ssl --send-only → --ssl -l --recv-only"
)
MEM_LABEL+=(
	[ours-tls.sender]="tcp-send --tls" [ours-tls.receiver]="tcp-listen --tls"
	[socat-tls.sender]="socat -u OPENSSL:" [socat-tls.receiver]="socat -u OPENSSL-LISTEN:"
	[ncat-tls.sender]="ncat --ssl --send-only" [ncat-tls.receiver]="ncat --ssl -l --recv-only"
)

# tls_pki: the run's certificates, minted once by the tests' own minting
# (tests/test_helper/tls.bash): a root, TLS_CA, and a leaf for localhost
# (EC P-256), TLS_CERT and TLS_KEY; and TLS_CONF, an OpenSSL configuration
# that allows TLS 1.3 and TLS_SUITE only, and sends no session tickets.
# shellcheck disable=SC2034 # TLS_CERT, TLS_KEY: read by throughput.sh
tls_pki() {
	TLS_CA=$BENCH_TMP/pki/ca.pem
	TLS_CERT=$BENCH_TMP/pki/localhost.pem
	TLS_KEY=$BENCH_TMP/pki/localhost.key
	TLS_CONF=$BENCH_TMP/tls.cnf
	[ -s "$TLS_KEY" ] && return 0
	BATS_TEST_TMPDIR=$BENCH_TMP
	# shellcheck source=tests/test_helper/tls.bash
	. "$ROOT/tests/test_helper/tls.bash"
	mint_for localhost
	printf '%s\n' 'openssl_conf = bench' '[bench]' 'ssl_conf = bench_ssl' \
		'[bench_ssl]' 'system_default = bench_tls' '[bench_tls]' \
		'MinProtocol = TLSv1.3' "Ciphersuites = $TLS_SUITE" 'NumTickets = 0' \
		>"$TLS_CONF"
}

figure_tlscheck() {
	local case="handshake + verify, TLS 1.3, ECDSA P-256, local s_server"
	local rounds runs keys="ours anchor"
	local -a static_cmd=()
	rounds=$(runs 3 1)
	runs=$(runs 100 10)
	figure tlscheck "TLS check latency" ms lower \
		"Wall time of one check of a local \`openssl s_server -www\` (a certificate for localhost from a root minted for the run by the openssl CLI, as the tests do): connect, handshake, chain and name verified, closed; \`hyperfine -N\`, $runs runs each after 3 warm-up runs, in $rounds round$([ "$rounds" = 1 ] || echo s), stdin /dev/null; the median of all runs. The Debian build's tcp-send (OpenSSL 3, loaded when --tls asks for it) and the static build's (mbedTLS, \`./dev static\`), each against s_client in the same runs."
	reset_samples
	have_ours tcp-send || skip ours "tool not built"
	if [ -x "$BENCH_STATIC/tools/tcp-send" ]; then
		keys="$keys static"
	else
		skip static "static build not made (./dev static)"
	fi
	tls_pki
	# shellcheck disable=SC2119 # free_port takes no arguments
	PORT=$(free_port)
	[ "$keys" = "ours anchor" ] || static_cmd=(-n static \
		"$BENCH_STATIC/tools/tcp-send -z --tls --ca $TLS_CA localhost $PORT")
	bg_start "$LIMIT" openssl s_server -www -accept "127.0.0.1:$PORT" \
		-cert "$TLS_CERT" -key "$TLS_KEY" >/dev/null 2>&1 </dev/null
	if ! server_up; then
		fail ours "$WHY"
		copy_failure ours anchor
		copy_failure ours static
	else
		hyperfine_rounds "$rounds" "$runs" 3 "$keys" \
			-n ours "$BENCH_TOOLS/tcp-send -z --tls --ca $TLS_CA localhost $PORT" \
			"${static_cmd[@]}" \
			-n anchor "openssl s_client -connect localhost:$PORT -servername localhost -verify_hostname localhost -verify_return_error -CAfile $TLS_CA"
		bg_stop "$SPID"
	fi
	# the target on the anchor's row: a ratio is ours ÷ that row
	emit tlscheck "$case" ours "tcp-send -z --tls" ours ""
	emit tlscheck "$case" anchor "openssl s_client </dev/null" anchor "ratio<=0.5"
	emit tlscheck "$case, static build" static "tcp-send -z --tls (static, mbedTLS)" ours ""
	emit tlscheck "$case, static build" anchor "openssl s_client </dev/null" anchor "ratio<=0.5"
}

# --- handshakes per second ----------------------------------------------------

declare -A TLSRATE_LABEL=(
	[ours]="tcp-listen -k --tls --reply"
	[socat]="socat -U OPENSSL-LISTEN:…,fork,verify=0 OPEN:REPLY"
	[ncat]="ncat --ssl -lk --exec 'cat REPLY'"
)

# tls_server TOOL [REPLY]: TOOL's concurrent TLS server (ours, socat or
# ncat; socat only with REPLY), answering each connection with the
# contents of the file REPLY, if given, and writing what it reads to
# /dev/null; sets SPID and PORT, or WHY and returns 1.
# shellcheck disable=SC2119 # free_port takes no arguments
tls_server() {
	local pf="$BENCH_TMP/tls.port" reply=${2-}
	local -a more=()
	case $1 in
	ours)
		rm -f "$pf"
		[ -z "$reply" ] || more=(--reply "$TLS_REPLY")
		bg_start "$((LIMIT + 10))" "$BENCH_TOOLS/tcp-listen" -k --tls \
			--cert "$TLS_CERT" --key "$TLS_KEY" "${more[@]}" --port-file "$pf" 0 \
			</dev/null >/dev/null
		server_up "$pf"
		;;
	socat)
		PORT=$(free_port)
		# -U: the reply file is opened in each forked child, after the
		# handshake, and sent one way
		bg_start "$((LIMIT + 10))" socat -U \
			"OPENSSL-LISTEN:$PORT,fork,reuseaddr,bind=127.0.0.1,backlog=1024,cert=$TLS_CERT,key=$TLS_KEY,verify=0" \
			"OPEN:$reply,rdonly" </dev/null >/dev/null 2>&1
		server_up
		;;
	ncat)
		PORT=$(free_port)
		[ -z "$reply" ] || more=(--exec "/bin/cat $reply")
		bg_start "$((LIMIT + 10))" ncat --ssl -lk --ssl-cert "$TLS_CERT" \
			--ssl-key "$TLS_KEY" "${more[@]}" 127.0.0.1 "$PORT" \
			</dev/null >/dev/null 2>&1
		server_up
		;;
	esac
}

# tls_reply_server TOOL: tls_server answering TLS_REPLY.
tls_reply_server() {
	tls_server "$1" "$BENCH_TMP/tls.reply"
}

figure_tlsrate() {
	local n count case tool
	n=$(runs 5 1)
	count=$(runs 1000 96)
	case="$(thousands "$count") handshakes, $TLS_CLIENTS clients at once, TLS 1.3, ECDSA P-256"
	figure tlsrate "TLS handshakes per second, $TLS_CLIENTS clients at once" handshakes/s higher \
		"\`bench/connrate --tls ... $TLS_CLIENTS\` (OpenSSL, built with the tools) makes $(thousands "$count") TLS connections from $TLS_CLIENTS client processes at once to the server; one handshake is: connect, a full TLS 1.3 handshake (no session kept, so none resumed; the certificate, a leaf for localhost minted for the run, not verified by the client), the server's fixed 40-byte HTTP/1.0 reply read to its end (close_notify or EOF), our close_notify, close. $n run$([ "$n" = 1 ] || echo s) each, interleaved. Every server runs on the same OpenSSL 3, TLS 1.3 only ($TLS_SUITE, X25519), sending no session tickets. Without TCP_NODELAY, a server's second small send after the handshake (tcp-listen's close_notify after the reply; socat's too) waits for the client's delayed ACK, about 40 ms a connection (strace here): that wait, not the handshake's arithmetic, sets a server's rate at one client. Target: at least twice the better anchor."
	reset_samples
	have_ours tcp-listen || skip ours "tool not built"
	tls_pki
	printf '%b' "$TLS_REPLY" >"$BENCH_TMP/tls.reply"
	local -x OPENSSL_CONF=$TLS_CONF
	conn_samples --tls tls_reply_server "$TLS_CLIENTS" "$count" "$n" ours socat ncat
	emit tlsrate "$case" ours "${TLSRATE_LABEL[ours]}" ours ""
	for tool in socat ncat; do
		emit tlsrate "$case" "$tool" "${TLSRATE_LABEL[$tool]}" anchor "ratio>=2"
	done
}

# --- throughput and memory ------------------------------------------------------

# tls_suite_of FILE: the cipher suite that the 1 MiB check over TLS
# negotiated, as tcp-listen -v reported it; or why not, returning 1.
tls_suite_of() {
	local pf="$BENCH_TMP/tls.port" log="$BENCH_TMP/tls.log" suite
	rm -f "$pf"
	bg_start "$LIMIT" "$BENCH_TOOLS/tcp-listen" -v --tls --cert "$TLS_CERT" \
		--key "$TLS_KEY" --port-file "$pf" 0 </dev/null >/dev/null 2>"$log"
	server_up "$pf" || { echo "$WHY"; return 1; }
	if ! bounded "$LIMIT" "$BENCH_TOOLS/tcp-send" --tls --ca "$TLS_CA" \
		--servername localhost 127.0.0.1 "$PORT" <"$1" >/dev/null; then
		bg_stop "$SPID"
		echo "tcp-send --tls failed"
		return 1
	fi
	wait "$SPID"
	suite=$(sed -n 's/^tcp-listen: tls .*: \(TLSv[0-9.]* [A-Z0-9_]*\)$/\1/p' "$log")
	[ -n "$suite" ] || { echo "tcp-listen -v reported no cipher suite"; return 1; }
	echo "$suite"
}

figure_tlsthroughput() {
	local n file="$BENCH_TMP/data.$BIG" small="$BENCH_TMP/data.check" case tool suite
	n=$(runs 5 1)
	figure tlsthroughput "TLS throughput" MiB/s higher \
		"\`SENDER < FILE\` (a file on tmpfs, in the page cache) to \`RECEIVER >/dev/null\` over TLS on 127.0.0.1, the sender verifying the receiver's certificate (a leaf for localhost, EC P-256, minted for the run); time from starting the sender until both ends have exited; $n runs each, interleaved. Every tool runs on the same OpenSSL 3, TLS 1.3 only with $TLS_SUITE, and no session tickets (ncat --send-only never reads them, and its close on them unread resets the connection: its receiver failed in 3 runs of 4, the tail of the data lost); the suite in the case is what our receiver reported. Target: 1.5 times the better anchor."
	make_file "$file" "$BIG" || return 1
	make_file "$small" 1048576 || return 1
	reset_samples
	tls_pki
	local -x OPENSSL_CONF=$TLS_CONF
	check_tools direct "$small" "${TLS_TOOLS[@]}"
	if measuring ours-tls && ! suite=$(tls_suite_of "$small"); then
		fail ours-tls "$suite"
	fi
	case="$(size_label "$BIG"), file → /dev/null, ${suite:-TLS 1.3}"
	transfer_samples "$n" "$file" "${TLS_TOOLS[@]}"
	emit tlsthroughput "$case" ours-tls "${TLS_LABEL[ours-tls]}" ours ""
	for tool in socat-tls ncat-tls; do
		emit tlsthroughput "$case" "$tool" "${TLS_LABEL[$tool]}" anchor "ratio>=1.5"
	done
}

figure_tlsmem() {
	local n
	# one quick run: a peak varies by about 100 KiB from run to run
	n=$(runs 5 1)
	figure tlsmem "TLS memory, one connection" KiB lower \
		"Peak resident set size of each end (GNU time %M) sending a file to /dev/null over TLS, as in the TLS throughput figure; median of $n run$([ "$n" = 1 ] || echo s). Target: at most 8 MiB, and the same for a large transfer as for a small one (within 256 KiB)."
	tls_pki
	local -x OPENSSL_CONF=$TLS_CONF
	memory_rows tlsmem "$n" 8192 "${TLS_TOOLS[@]}"
}

declare -A TLSCONNMEM_LABEL=(
	[ours]="tcp-listen -k --tls"
	[ncat]="ncat --ssl -lk"
)

figure_tlsconnmem() {
	local n case
	n=$(runs 5 1)
	case="$CONNMEM_OPEN TLS connections open"
	figure tlsconnmem "TLS memory, $CONNMEM_OPEN connections open" KiB lower \
		"Peak resident set size (VmHWM) of the server while $CONNMEM_OPEN TLS connections are open at once (python3's ssl module, verifying the certificate), each having sent an unfinished line of 32 KiB less a byte, as in the memory figure with $CONNMEM_OPEN connections; median of $n run$([ "$n" = 1 ] || echo s). Target: at most 16 MiB."
	reset_samples
	have_ours tcp-listen || skip ours "tool not built"
	tls_pki
	local -x OPENSSL_CONF=$TLS_CONF
	connmem_samples "$n" tls_server "$TLS_CA" ours ncat
	emit tlsconnmem "$case" ours "${TLSCONNMEM_LABEL[ours]}" ours "value<=16384"
	emit tlsconnmem "$case" ncat "${TLSCONNMEM_LABEL[ncat]}" anchor ""
}
