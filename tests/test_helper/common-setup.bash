# shellcheck shell=bash
# shellcheck disable=SC2154 # bats sets status, output and stderr
# Loaded by every bats file's setup(): assertions, the built tools first
# on PATH, and helpers shared by the tool tests.

bats_require_minimum_version 1.5.0

_common_setup() {
	bats_load_library bats-support
	bats_load_library bats-assert
	bats_load_library bats-file
	SOCKUTILS_BUILD=${SOCKUTILS_BUILD:-$BATS_TEST_DIRNAME/../build}
	PATH="$SOCKUTILS_BUILD/tools:/usr/sbin:/sbin:$PATH"
	export SOCKUTILS_BUILD PATH
}

# suite_tools: TOOLS, every tool of the suite, from the one list the
# build has (tool_names in tools/meson.build).
suite_tools() {
	local src=${1:-$BATS_TEST_DIRNAME/..}
	mapfile -t TOOLS < <(sed -n "/^tool_names = \[/,/^]/s/^ *'\([^']*\)',\$/\1/p" \
		"$src/tools/meson.build")
	[ "${#TOOLS[@]}" -gt 0 ] || fail "no tool_names in $src/tools/meson.build"
}

# Tests that need the tests' own names and DNS server call this first.
require_hermetic() {
	[ -n "${SOCKUTILS_HERMETIC-}" ] ||
		skip "needs the hermetic namespaces (run through ./dev test)"
}

# assert_stderr TEXT: stderr of the last `run --separate-stderr` is TEXT
# (Debian's bats-assert has no assert_stderr).
assert_stderr() {
	assert_equal "$stderr" "$1"
}

# assert_stderr_regex RE
assert_stderr_regex() {
	[[ $stderr =~ $1 ]] || fail "stderr '$stderr' does not match '$1'"
}

# py EXPR: what python3's socket module answers, as the oracle.
py() {
	python3 -c "import socket, json, sys; $1"
}

# assert_like_python FUNCTION ARG -- TOOL [ARGS...]: the tool's status and
# stdout equal what python3's socket module answers (test_helper/oracle.py).
assert_like_python() {
	local function=$1 arg=$2
	shift 3
	run python3 "$BATS_TEST_DIRNAME/test_helper/oracle.py" "$function" "$arg"
	local want_status=$status want_output=$output
	run --separate-stderr "$@"
	if [ "$status" -ne "$want_status" ] || [ "$output" != "$want_output" ]; then
		fail "$* gave status $status, output '$output'; python3 $function($arg) gives status $want_status, output '$want_output'"
	fi
}

# is_static_build: the tools under test are ./dev static's, one static
# file linked against musl, whose resolver answers some questions as
# glibc's does not (the tests say how where it does).
is_static_build() {
	local headers
	headers=$(readelf -lW "$SOCKUTILS_BUILD/tools/resolve" 2>/dev/null) ||
		return 1
	[[ $headers != *"program interpreter"* ]]
}
