# shellcheck shell=bash
# shellcheck disable=SC2034 # PKI and the like are for the callers
# Certificates for the TLS tests, minted by the openssl CLI once per
# file (mint_pki in setup_file), and TLS peers no one here wrote:
# openssl s_server, socat OPENSSL-LISTEN and python3's ssl module,
# started through spawn on ports they report or that the tests learn
# from a listener they hand over (test_helper/background.bash).
#
# $PKI holds, each NAME.pem with its key NAME.key:
#   root (EC P-256) -> inter (EC) -> the leaves below, chained in
#   NAME.chain.pem (leaf, then inter); ca.pem is root alone.
#   good       DNS:localhost, IP:127.0.0.1, IP:::1
#   wrongname  DNS:wrong.example
#   soon       good's names, expiring in 5 days
#   expired    good's names, expired yesterday
#   future     good's names, valid from tomorrow
#   client     a client certificate (clientAuth) from inter
#   self       self-signed, good's names
#   other      good's names, from another root (other-ca.pem)
#   rsa        good's names, RSA 2048, from the RSA root rsa-ca.pem

# shellcheck source=tests/test_helper/background.bash
source "${BASH_SOURCE[0]%/*}/background.bash"

SAN_GOOD="subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"

# _ca_conf DIR: an `openssl ca` configuration for the CA in DIR.
# shellcheck disable=SC2016 # $dir is openssl ca's variable, not the shell's
_ca_conf() {
	mkdir -p "$1/new"
	: >"$1/index.txt"
	printf '%s\n' \
		'[ca]' 'default_ca = this_ca' \
		'[this_ca]' "dir = $1" 'database = $dir/index.txt' \
		'new_certs_dir = $dir/new' 'serial = $dir/serial' \
		'default_md = sha256' 'policy = any' 'copy_extensions = copy' \
		'unique_subject = no' 'rand_serial = yes' \
		'[any]' 'commonName = supplied' 'organizationName = optional' \
		>"$1/ca.conf"
}

# _key FILE [rsa]: a new private key, EC P-256 unless rsa.
_key() {
	if [ "${2-}" = rsa ]; then
		openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
			-out "$1" 2>/dev/null
	else
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
			-out "$1" 2>/dev/null
	fi
}

# _root NAME SUBJECT [rsa]: a self-signed CA in $PKI/NAME.pem.
_root() {
	_key "$PKI/$1.key" "${3-}"
	openssl req -x509 -new -key "$PKI/$1.key" -subj "$2" -days 3650 \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign \
		-out "$PKI/$1.pem" 2>/dev/null
	_ca_conf "$PKI/$1.d"
}

# _issue CA NAME SUBJECT EXTENSIONS DATES... [rsa]: NAME.pem signed by
# CA, with EXTENSIONS (-addext arguments, comma-joined per extension,
# separated by ";") and the `openssl ca` date options DATES.
_issue() {
	local ca=$1 name=$2 subject=$3 exts=$4 keytype=$5 ext
	shift 5
	local -a add=()
	IFS=';' read -ra ext <<<"$exts"
	for e in "${ext[@]}"; do add+=(-addext "$e"); done
	_key "$PKI/$name.key" "$keytype"
	openssl req -new -key "$PKI/$name.key" -subj "$subject" "${add[@]}" \
		-out "$PKI/$name.csr" 2>/dev/null
	openssl ca -batch -config "$PKI/$ca.d/ca.conf" -cert "$PKI/$ca.pem" \
		-keyfile "$PKI/$ca.key" -in "$PKI/$name.csr" -notext \
		-out "$PKI/$name.pem" "$@" 2>/dev/null
	cat "$PKI/$name.pem" "$PKI/$ca.pem" >"$PKI/$name.chain.pem"
}

# _day OFFSET: the date OFFSET days from now, as `openssl ca` takes it.
_day() {
	date -u -d "$1 days" +%Y%m%d%H%M%SZ
}

# mint_pki: the certificates above, in $BATS_FILE_TMPDIR/pki.
mint_pki() {
	PKI=$BATS_FILE_TMPDIR/pki
	mkdir -p "$PKI"
	local leaf="serverAuth"
	_root root "/O=sockutils tests/CN=Test Root"
	_issue root inter "/O=sockutils tests/CN=Test Intermediate" \
		"basicConstraints=critical,CA:TRUE;keyUsage=critical,keyCertSign" "" \
		-days 3650
	_ca_conf "$PKI/inter.d"
	# the leaves' chain files end with it, the root left out
	cp "$PKI/inter.pem" "$PKI/inter.only.pem"
	_issue inter good "/CN=localhost" "$SAN_GOOD;extendedKeyUsage=$leaf" "" -days 365
	_issue inter wrongname "/CN=wrong.example" \
		"subjectAltName=DNS:wrong.example;extendedKeyUsage=$leaf" "" -days 365
	_issue inter soon "/CN=localhost" "$SAN_GOOD" "" -days 5
	_issue inter expired "/CN=localhost" "$SAN_GOOD" "" \
		-startdate "$(_day -30)" -enddate "$(_day -1)"
	_issue inter future "/CN=localhost" "$SAN_GOOD" "" \
		-startdate "$(_day 1)" -enddate "$(_day 30)"
	_issue inter client "/CN=test client" "extendedKeyUsage=clientAuth" "" -days 365
	for n in good wrongname soon expired future client; do
		cat "$PKI/$n.pem" "$PKI/inter.only.pem" >"$PKI/$n.chain.pem"
	done
	_key "$PKI/self.key"
	openssl req -x509 -new -key "$PKI/self.key" -subj "/CN=localhost" \
		-days 365 -addext "$SAN_GOOD" -out "$PKI/self.pem" 2>/dev/null
	cp "$PKI/self.pem" "$PKI/self.chain.pem"
	_root other-ca "/CN=Other Root"
	_issue other-ca other "/CN=localhost" "$SAN_GOOD" "" -days 365
	_root rsa-ca "/CN=Test RSA Root" rsa
	_issue rsa-ca rsa "/CN=localhost" "$SAN_GOOD" rsa -days 365
	cp "$PKI/root.pem" "$PKI/ca.pem"
}

# start_s_server CERT [ARGS...]: openssl s_server -www (an HTTP status
# page; it reads no stdin, which would end it) with $PKI/CERT's chain and
# key on a free loopback port, ARGS added; PORT, SPID.  It binds port 0
# itself and says which ("ACCEPT 127.0.0.1:PORT").
start_s_server() {
	local cert=$1 out="${BATS_TEST_TMPDIR:-$BATS_FILE_TMPDIR}/s_server.$1.out"
	shift
	rm -f "$out"
	local -a chain=()
	# s_server sends -cert's first certificate only: the rest by -cert_chain
	if [ "$(grep -c BEGIN "$PKI/$cert.chain.pem")" -gt 1 ]; then
		chain=(-cert_chain "$PKI/inter.only.pem")
	fi
	spawn openssl s_server -www -accept 127.0.0.1:0 -naccept 1000 \
		-cert "$PKI/$cert.pem" "${chain[@]}" -key "$PKI/$cert.key" "$@" \
		>"$out" 2>&1 </dev/null
	SPID=$SPAWN_PID
	wait_file "$out" "$SPID"
	until grep -q '^ACCEPT' "$out"; do
		kill -0 "$SPID" 2>/dev/null || fail "s_server ended: $(cat "$out")"
		sleep 0.01
	done
	PORT=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$out")
}

# mint_for NAME: a root CA ($PKI/ca.pem) and a leaf for the DNS name
# NAME signed by it ($PKI/NAME.pem, NAME.key), valid for DAYS (default
# 365) days, in $BATS_TEST_TMPDIR/pki: what a recipe's stand-in needs.
mint_for() {
	PKI=$BATS_TEST_TMPDIR/pki
	mkdir -p "$PKI"
	_root ca "/CN=Recipe Root"
	_issue ca "$1" "/CN=$1" "subjectAltName=DNS:$1" "" -days "${DAYS:-365}"
}

# tls_built: whether the tools under test have a TLS library (a build
# configured with -Dtls=disabled says it has none).
tls_built() {
	local out
	out=$(tcp-send -z --tls --insecure 127.0.0.1 1 2>&1)
	[[ $out != *"this build has no TLS library"* ]]
}
