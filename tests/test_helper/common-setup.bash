# shellcheck shell=bash
# shellcheck disable=SC2154 # bats sets status, output and stderr
# Loaded by every bats file's setup(): assertions, the built tools first
# on PATH, and helpers shared by the tool tests.

bats_require_minimum_version 1.5.0

# _common_setup [HELPER...]: the assertions, the built tools first on
# PATH, T the test's own directory, and test_helper/HELPER.bash for each
# HELPER (tcp, udp, tls, stream, background, dns).
_common_setup() {
	load_library bats-support
	load_library bats-assert
	load_library bats-file
	SOCKUTILS_BUILD=${SOCKUTILS_BUILD:-$BATS_TEST_DIRNAME/../build}
	# the tools under test, then the peers ./dev deps installs, Debian's,
	# before a user's own of the same name: a pyenv's python3 (a shell
	# script in front of the interpreter) cost a fifth of a second, and
	# seconds on a busy machine, for every python3 peer a test starts
	PATH="$SOCKUTILS_BUILD/tools:/usr/sbin:/sbin:/usr/bin:/bin:$PATH"
	export SOCKUTILS_BUILD PATH
	# sleep and mktemp as bash's own builtins (Debian's bash-builtins,
	# which ./dev deps installs) where they are: the polling loops
	# sleep, and bats's run --separate-stderr makes a file each time,
	# some 3,000 processes of the suite otherwise (a process costs this
	# 2-core machine 5 to 10 ms of CPU)
	enable -f sleep sleep 2>/dev/null || :
	enable -f mktemp mktemp 2>/dev/null || :
	# asked once here: a $(libc_words ...) would ask again each time
	is_static_build || :
	# shellcheck disable=SC2034 # for the tests
	T=$BATS_TEST_TMPDIR
	local helper
	for helper; do
		load "test_helper/$helper"
	done
}

# load_library NAME: bats_load_library NAME, without the dirname(1) its
# load.bash runs for each file it sources: 17 processes for the three
# libraries, a fifth of a second of every test's setup.  Each library's
# load.bash sources every file of its src/; a library laid out otherwise
# is left to bats_load_library.
load_library() {
	local dir file IFS=:
	for dir in $BATS_LIB_PATH; do
		if [ -f "$dir/$1/load.bash" ] && [ -d "$dir/$1/src" ]; then
			for file in "$dir/$1"/src/*.bash; do
				# shellcheck disable=SC1090 # the library's own files
				source "$file"
			done
			return
		fi
	done
	bats_load_library "$1"
}

# _common_teardown: what a test may leave behind ended or undone: the
# processes it spawned, its stream (test_helper/stream.bash) and its
# lines in the hosts file.
_common_teardown() {
	if declare -F stream_stop >/dev/null; then stream_stop; fi
	if declare -F kill_spawned >/dev/null; then kill_spawned; fi
	hosts_restore
}

# random_file SIZE: BATS_FILE_TMPDIR/random, SIZE random bytes (head -c
# sizes), for a file's big transfers: its setup_file makes it once.
random_file() {
	head -c "$1" /dev/urandom >"$BATS_FILE_TMPDIR/random"
}

# suite_tools [SRC]: TOOLS, every tool of the suite, from the one list
# the build has (tool_names in tools/meson.build), as ./dev tools reads it.
suite_tools() {
	local src=${1:-$BATS_TEST_DIRNAME/..}
	mapfile -t TOOLS < <("$src/dev" tools)
	[ "${#TOOLS[@]}" -gt 0 ] || fail "no tool_names in $src/tools/meson.build"
}

# Tests that need the tests' own names and DNS server call this first.
require_hermetic() {
	[ -n "${SOCKUTILS_HERMETIC-}" ] ||
		skip "needs the hermetic namespaces (run through ./dev test)"
}

# closed_pipe CMD...: CMD with stdout a pipe whose reader has gone, its
# status as a shell reports it (test_helper/closed-pipe.py).
closed_pipe() {
	python3 "$BATS_TEST_DIRNAME/test_helper/closed-pipe.py" "$@"
}

# hosts_add: appends stdin to the tests' hosts file until the test ends:
# a file that calls it calls hosts_restore in teardown.
hosts_add() {
	[ -f "$BATS_TEST_TMPDIR/hosts.saved" ] ||
		cp "$SOCKUTILS_HOSTS_FILE" "$BATS_TEST_TMPDIR/hosts.saved"
	cat >>"$SOCKUTILS_HOSTS_FILE"
}

# hosts_restore: the hosts file as it was before hosts_add.
hosts_restore() {
	# in place: the bind mount over /etc/hosts follows the inode
	if [ -f "$BATS_TEST_TMPDIR/hosts.saved" ]; then
		cat "$BATS_TEST_TMPDIR/hosts.saved" >"$SOCKUTILS_HOSTS_FILE"
	fi
}

# assert_stderr TEXT: stderr of the last `run --separate-stderr` is TEXT,
# with libc's messages in it worded as the C library under test words
# them (libc_words); Debian's bats-assert has no assert_stderr.
assert_stderr() {
	assert_equal "$stderr" "$(libc_words "$1")"
}

# assert_stderr_like_file FILE: stderr of the last `run --separate-stderr`
# is FILE's glibc messages (test_helper/oracle.py --as); in the static
# build the same lines up to their last colon, the rest musl's words.
assert_stderr_like_file() {
	if is_static_build; then
		# shellcheck disable=SC2001 # each line's last colon: no expansion cuts per line
		assert_equal "$(sed 's/: [^:]*$//' <<<"$stderr")" \
			"$(sed 's/: [^:]*$//' "$1")"
	else
		assert_equal "$stderr" "$(cat "$1")"
	fi
}

# assert_stderr_regex RE
assert_stderr_regex() {
	[[ $stderr =~ $1 ]] || fail "stderr '$stderr' does not match '$1'"
}

# py EXPR: what python3's socket module answers, as the oracle.
py() {
	python3 -c "import socket, json, sys; $1"
}

# oracle ARG...: test_helper/oracle.py, what python3's socket module says.
oracle() {
	python3 "$BATS_TEST_DIRNAME/test_helper/oracle.py" "$@"
}

# assert_like_python FUNCTION ARG... -- TOOL [OPTIONS...]: for each ARG,
# the status and stdout of TOOL OPTIONS... ARG equal what python3's socket
# module answers (test_helper/oracle.py, one process for all the ARGs).
assert_like_python() {
	# (not "i": bats's run has a loop of its own on it)
	local function=$1 _arg
	local -a args=() records
	shift
	while [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	mapfile -d '' records < <(oracle "$function" "${args[@]}")
	[ "${#records[@]}" -eq "${#args[@]}" ] ||
		fail "python3 $function answered ${#records[@]} of ${#args[@]} arguments"
	for _arg in "${!args[@]}"; do
		run --separate-stderr "$@" "${args[_arg]}"
		if [ "$status $output" != "${records[_arg]}" ]; then
			fail "$* ${args[_arg]} gave status $status, output '$output'; python3 $function(${args[_arg]}) gives status ${records[_arg]%% *}, output '${records[_arg]#* }'"
		fi
	done
}

# libc_words TEXT: TEXT, which the tests write with glibc's messages
# (strerror, gai_strerror, hstrerror), as the static build's musl words
# them; unchanged for the glibc builds.
libc_words() {
	local text=$1
	if is_static_build; then
		text=${text//"Name or service not known"/"Name does not resolve"}
		text=${text//"No address associated with hostname"/"Name does not resolve"}
		text=${text//"Temporary failure in name resolution"/"Try again"}
		text=${text//"No address associated with name"/"Host not found"}
		text=${text//"Unknown host"/"Host not found"}
		text=${text//"Address already in use"/"Address in use"}
		text=${text//"Cannot assign requested address"/"Address not available"}
		text=${text//"Connection timed out"/"Operation timed out"}
		text=${text//"Too many open files"/"No file descriptors available"}
	fi
	printf '%s' "$text"
}

# is_static_build: the tools under test are ./dev static's, one static
# file linked against musl, whose resolver answers some questions as
# glibc's does not (the tests say how where it does).
is_static_build() {
	local headers
	if [ -z "${_STATIC_BUILD-}" ]; then
		_STATIC_BUILD=no
		if headers=$(readelf -lW "$SOCKUTILS_BUILD/tools/resolve" 2>/dev/null) &&
			[[ $headers != *"program interpreter"* ]]; then
			_STATIC_BUILD=yes
		fi
	fi
	[ "$_STATIC_BUILD" = yes ]
}

# elf_arch FILE: the architecture FILE is built for, by uname -m's name.
elf_arch() {
	case $(readelf -hW "$1" | sed -n 's/^ *Machine: *//p') in
	AArch64) echo aarch64 ;;
	*X86-64) echo x86_64 ;;
	*) echo unknown ;;
	esac
}

# is_emulated: the tools under test are another architecture's, run
# under qemu-user (./dev static --arch); not wrappers, as valgrind's.
is_emulated() {
	local arch
	arch=$(elf_arch "$SOCKUTILS_BUILD/tools/resolve" 2>/dev/null)
	[ "$arch" != unknown ] && [ "$arch" != "$(uname -m)" ]
}

# libc_answer GLIBC MUSL: GLIBC, or for the static build MUSL, where
# musl's resolver answers otherwise than glibc's (and Python's on glibc);
# each tool's man page says where, under CAVEATS.
libc_answer() {
	if is_static_build; then printf '%s' "$2"; else printf '%s' "$1"; fi
}
