/*
 * The mbedTLS 3.6 configuration of the static build (static/musl-deps
 * installs it as the library's mbedtls/mbedtls_config.h, so that the
 * library and lib/tls-mbedtls.c see the same one): what issue 16 asks
 * of TLS and nothing more, for a small file.
 *   TLS 1.2 and 1.3, client and server; ECDHE over x25519, P-256 and
 *   P-384; ECDSA and RSA (PKCS#1 v1.5 and PSS) certificates; AES-GCM
 *   and ChaCha20-Poly1305 (no CBC); SHA-256 and SHA-384, SHA-1 to parse
 *   and check old roots; X.509 with host name and IP checks, PEM; SNI
 *   and ALPN.  No debug, no error strings (lib/tls-mbedtls.c words its
 *   own), no session tickets, no renegotiation, no DTLS.
 * Randomness: PSA's external RNG, which lib/tls-mbedtls.c implements by
 * getrandom(2): musl's build of the entropy module would read
 * /dev/urandom, which an empty root does not have.
 */
#ifndef SOCKUTILS_MBEDTLS_CONFIG_H
#define SOCKUTILS_MBEDTLS_CONFIG_H

/* the system */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE		/* certificates' validity */
#define MBEDTLS_FS_IO			/* --ca, --cert, --key */
#define MBEDTLS_DEPRECATED_REMOVED

/* PSA crypto, which TLS 1.3 needs, and its randomness by getrandom(2) */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG

/* big numbers, ASN.1, OIDs, PEM */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C

/* hashes: SHA-256 and SHA-384 for TLS, SHA-1 for old roots */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA1_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C		/* SHA-384's code */
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_SHA512_SMALLER
#define MBEDTLS_HKDF_C			/* TLS 1.3's key schedule */

/*
 * ciphers: AES-GCM (with the CPU's AES instructions), ChaCha20-Poly1305;
 * no MBEDTLS_CIPHER_C: TLS reaches them through PSA, and GCM its block
 * cipher through the lighter MBEDTLS_BLOCK_CIPHER_C (3 KiB less)
 */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT	/* GCM and no CBC: encryption only */
#define MBEDTLS_AESNI_C
#define MBEDTLS_AESCE_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C

/* public keys: RSA (PKCS#1 v1.5 and PSS), ECDSA, ECDH */
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
/*
 * A check (tcp-send -z --tls of an ECDSA P-256 chain) spends 90% of its
 * instructions multiplying points.  P-256's and P-384's own reductions,
 * in place of a division, take it from 30 ms to 9 ms here for 4 KiB;
 * the precomputed tables would take 0.8 ms more off for 12 KiB.
 */
#define MBEDTLS_ECP_FIXED_POINT_OPTIM	0
#define MBEDTLS_ECP_NIST_OPTIM

/* X.509 */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
#define MBEDTLS_X509_REMOVE_INFO	/* lib/certinfo.c writes the fields */

/* TLS */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE	/* TLS 1.3 needs it */
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES	/* the peer is told why */
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
/* the suites, in OpenSSL's order of preference: AES-256 first */
#define MBEDTLS_SSL_CIPHERSUITES \
	MBEDTLS_TLS1_3_AES_256_GCM_SHA384, \
	MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256, \
	MBEDTLS_TLS1_3_AES_128_GCM_SHA256, \
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, \
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, \
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, \
	MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, \
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, \
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256

#endif
