# shellcheck shell=bash
# bench/tls.sh: the latency of a TLS check, tcp-send -z --tls against
# openssl s_client, both verifying the chain and the name.

figure_tlscheck() {
	local case="handshake + verify, TLS 1.3, ECDSA P-256, local s_server"
	local rounds runs ca
	rounds=$(runs 3 1)
	runs=$(runs 100 10)
	figure tlscheck "TLS check latency" ms lower \
		"Wall time of one check of a local \`openssl s_server -www\` (a certificate for localhost from a root minted for the run by the openssl CLI, as the tests do): connect, handshake, chain and name verified, closed; \`hyperfine -N\`, $runs runs each after 3 warm-up runs, in $rounds round$([ "$rounds" = 1 ] || echo s), stdin /dev/null; the median of all runs."
	reset_samples
	have_ours tcp-send || skip ours "tool not built"
	# the tests' own minting (tests/test_helper/tls.bash)
	BATS_TEST_TMPDIR=$BENCH_TMP
	# shellcheck source=tests/test_helper/tls.bash
	. "$ROOT/tests/test_helper/tls.bash"
	mint_for localhost
	ca=$PKI/ca.pem
	# shellcheck disable=SC2119 # free_port takes no arguments
	PORT=$(free_port)
	bg_start "$LIMIT" openssl s_server -www -accept "127.0.0.1:$PORT" \
		-cert "$PKI/localhost.pem" -key "$PKI/localhost.key" \
		>/dev/null 2>&1 </dev/null
	if ! server_up; then
		fail ours "$WHY"
		copy_failure ours anchor
	else
		hyperfine_rounds "$rounds" "$runs" 3 "ours anchor" \
			-n ours "$BENCH_TOOLS/tcp-send -z --tls --ca $ca localhost $PORT" \
			-n anchor "openssl s_client -connect localhost:$PORT -servername localhost -verify_hostname localhost -verify_return_error -CAfile $ca"
		bg_stop "$SPID"
	fi
	emit tlscheck "$case" ours "tcp-send -z --tls" ours "ratio<=0.5"
	emit tlscheck "$case" anchor "openssl s_client </dev/null" anchor ""
}
