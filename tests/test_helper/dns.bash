# shellcheck shell=bash
# Loaded by _common_setup for the lookup tests: the resolver pointed at a
# DNS stand-in of the test's own (bench/slowdns.py, hermetic/lossydns.py)
# instead of the tests' dnsmasq; a file that loads it calls dns_restore
# in teardown.

# dns_use ADDRESS [OPTIONS]: the resolver asks ADDRESS, with these
# resolv.conf options (a try of 30 s); teardown puts it back (dns_restore).
dns_use() {
	[ -f "$BATS_TEST_TMPDIR/resolv.conf.saved" ] ||
		cat /etc/resolv.conf >"$BATS_TEST_TMPDIR/resolv.conf.saved"
	printf 'nameserver %s\noptions %s\n' "$1" "${2:-timeout:30 attempts:1}" \
		>/etc/resolv.conf
}

dns_restore() {
	if [ -f "$BATS_TEST_TMPDIR/resolv.conf.saved" ]; then
		cat "$BATS_TEST_TMPDIR/resolv.conf.saved" >/etc/resolv.conf
	fi
}

# slow_dns_on MS [OPTIONS [FILL]]: the resolver asks bench/slowdns.py on
# 127.0.0.3, which answers every A query with 192.0.2.1 after MS ms (the
# first once FILL queries are in), with these resolv.conf options;
# teardown puts the resolver back and ends it.
slow_dns_on() {
	local ready="$BATS_TEST_TMPDIR/slowdns.ready"
	spawn python3 "$BATS_TEST_DIRNAME/../bench/slowdns.py" 127.0.0.3 "$1" \
		"$ready" ${3+"$3"} </dev/null >"$BATS_TEST_TMPDIR/slowdns.log" 2>&1
	wait_file "$ready" "$SPAWN_PID" "$BATS_TEST_TMPDIR/slowdns.log"
	dns_use 127.0.0.3 "${2-}"
}

# lossy_dns_on PERCENT: the resolver asks tests/hermetic/lossydns.py on
# 127.0.0.4, which passes queries on to the tests' dnsmasq but drops
# PERCENT of them at random, with the tests' options (one try of 1 s).
lossy_dns_on() {
	local ready="$BATS_TEST_TMPDIR/lossydns.ready"
	rm -f "$ready"
	spawn python3 "$BATS_TEST_DIRNAME/hermetic/lossydns.py" 127.0.0.4 127.0.0.1 \
		"$1" "$ready" </dev/null >"$BATS_TEST_TMPDIR/lossydns.log" 2>&1
	wait_file "$ready" "$SPAWN_PID" "$BATS_TEST_TMPDIR/lossydns.log"
	dns_use 127.0.0.4 "timeout:1 attempts:1"
}
