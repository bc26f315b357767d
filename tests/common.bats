#!/usr/bin/env bats
# The conventions every tool of the suite keeps: help, version, usage
# errors, a checked stdout, and a man page that matches the tool.

# The tests tagged valgrind also run under valgrind (./dev valgrind):
# those whose paths differ from tool to tool (operand checks and the
# usage line, failing writes, SIGPIPE).  Not the help and man page
# comparisons, the unknown option or the version, whose paths (the
# help, the usage line, fixed text) the tagged ones take too: they were
# a third of the valgrind step.

setup() {
	load test_helper/common-setup
	_common_setup
	suite_tools
	MAN="$BATS_TEST_DIRNAME/../man"
}

@test "every tool prints its help to stdout with -h and --help and exits 0" {
	for t in "${TOOLS[@]}"; do
		for opt in -h --help; do
			run -0 --separate-stderr "$t" "$opt"
			assert_line --index 0 --regexp "^usage: $t "
			assert_line --regexp '^  -V, --version '
			assert_stderr ""
		done
	done
}

@test "every tool prints its version, and its architecture and libraries, with -V and --version" {
	local built_with arch
	# the file's own ELF header (the machine's for ./dev valgrind's
	# wrapper scripts) and the C library installed here
	arch=$(elf_arch "$SOCKUTILS_BUILD/tools/${TOOLS[0]}" 2>/dev/null)
	[ "$arch" != unknown ] || arch=$(uname -m)
	built_with="$arch, $(libc_answer \
		"glibc $(getconf GNU_LIBC_VERSION | cut -d' ' -f2)" \
		"musl $(dpkg-query -W -f '${Version}' musl-dev | sed 's/-[^-]*$//')")"
	for t in "${TOOLS[@]}"; do
		for opt in -V --version; do
			run -0 --separate-stderr "$t" "$opt"
			assert_equal "${#lines[@]}" 2
			assert_regex "${lines[0]}" "^$t \\(sockutils\\) [0-9]+\\.[0-9]+\\.[0-9]+$"
			# the TLS library, and its version, or none
			assert_regex "${lines[1]}" "^$built_with, TLS (none|[a-z]+ [0-9]+\\.[0-9.]+)$"
		done
	done
}

@test "every tool refuses an unknown option with a message, one usage line and 64" {
	for t in "${TOOLS[@]}"; do
		run -64 --separate-stderr "$t" -%
		assert_output ""
		assert_equal "${#stderr_lines[@]}" 2
		assert_equal "${stderr_lines[0]}" "$t: unknown option -%"
		assert_regex "${stderr_lines[1]}" "^usage: $t "
		run -64 --separate-stderr "$t" --no-such-option
		assert_equal "${stderr_lines[0]}" "$t: unknown option --no-such-option"
		run -64 --separate-stderr "$t" --version=1
		assert_equal "${stderr_lines[0]}" "$t: option --version takes no value"
	done
}

# bats test_tags=valgrind
@test "every tool fails with 74 when its help cannot be written" {
	for t in "${TOOLS[@]}"; do
		run -74 --separate-stderr sh -c "$t --help >/dev/full"
		assert_equal "$stderr" "$t: write error: stdout: No space left on device"
		run -74 --separate-stderr sh -c "$t --version >&-"
		assert_equal "$stderr" "$t: write error: stdout: Bad file descriptor"
	done
}

# bats test_tags=valgrind
@test "every tool ends quietly by SIGPIPE when its stdout's reader has gone, as cat does" {
	run -141 --separate-stderr closed_pipe cat /etc/hosts
	assert_stderr ""
	for t in "${TOOLS[@]}"; do
		run -141 --separate-stderr closed_pipe "$t" --help
		assert_stderr ""
		run -141 --separate-stderr closed_pipe "$t" --version
		assert_stderr ""
	done
}

# bats test_tags=valgrind
@test "with SIGPIPE ignored by its caller, every tool fails with 74 on a broken pipe, as cat fails" {
	SIGPIPE_IGNORED=1 run -1 --separate-stderr closed_pipe cat /etc/hosts
	assert_stderr "cat: write error: Broken pipe"
	for t in "${TOOLS[@]}"; do
		SIGPIPE_IGNORED=1 run -74 --separate-stderr closed_pipe "$t" --help
		assert_stderr "$t: write error: stdout: Broken pipe"
	done
}

# operands TOOL: the operands of TOOL's usage line, one a line ("[DATA",
# "...]" for an optional one and any number more); of alternatives such
# as {HOST PORT | PATH}, the first.
operands() {
	"$1" --help | head -n 1 | sed -E 's/^usage: [^ ]+//; s/\[-[^]]*\]//g' |
		sed -E 's/\{([^|}]*) \|[^}]*\}/\1/g' |
		tr -s ' ' '\n' | sed '/^$/d'
}

# bats test_tags=valgrind
@test "every tool words a missing operand and one too many alike" {
	local t words missing n max i more
	for t in "${TOOLS[@]}"; do
		[ "$t" != hostname ] || continue	# no operands: it sets no name
		words=$(operands "$t")
		missing=$(grep -vE '^\[|\.\.\.' <<<"$words" | sed ':a; N; s/\n/ and /; ba')
		n=$(grep -cvE '^\[|\.\.\.' <<<"$words")
		run -64 --separate-stderr "$t"
		assert_equal "${stderr_lines[0]}" "$t: no $missing given"
		grep -q '\.\.\.' <<<"$words" && continue
		max=$((n + $(grep -c '^\[' <<<"$words" || :)))
		more=()
		for ((i = 0; i <= max; i++)); do more+=(x); done
		run -64 --separate-stderr "$t" "${more[@]}"
		assert_equal "${stderr_lines[0]}" "$t: too many operands"
	done
}

# The SYNOPSIS of a page as one line, as mandoc renders it.
man_synopsis() {
	mandoc -Tascii -Owidth=1000 "$MAN/$1.1" | col -b |
		awk '/^SYNOPSIS/ { on = 1; next } /^[A-Z]/ { on = 0 } on' |
		tr -s ' \n' '  ' | sed 's/^ *//; s/ *$//'
}

@test "every tool's usage line is its man page's SYNOPSIS" {
	for t in "${TOOLS[@]}"; do
		run -0 "$t" --help
		assert_equal "usage: $(man_synopsis "$t")" "${lines[0]}"
	done
}

@test "every option in a tool's help is in its man page" {
	for t in "${TOOLS[@]}"; do
		run -0 "$t" --help
		for opt in $(printf '%s\n' "$output" | grep -oE '^  -[A-Za-z0-9]|--[a-z][a-z0-9-]*'); do
			# an entry of the option list, the whole option: -x is
			# not there because -xyz is
			case $opt in
			--*) pattern="^\\.It .*Fl \\\\-${opt#--}( |$)" ;;
			*) pattern="^\\.It .*Fl ${opt#-}( |$)" ;;
			esac
			grep -qE "$pattern" "$MAN/$t.1" ||
				fail "$t: $opt is in --help but not in man/$t.1's options"
		done
	done
}

@test "every man page has the suite's EXIT STATUS table and EXAMPLES" {
	for t in "${TOOLS[@]}"; do
		run -0 awk '/^\.Sh EXIT STATUS/ { on = 1 } /^\.El/ && on { print; exit } on' "$MAN/$t.1"
		assert_equal "$output" "$(cat "$MAN/exit-status.mdoc")"
		grep -q '^\.Sh EXAMPLES' "$MAN/$t.1" || fail "man/$t.1 has no EXAMPLES"
	done
}

@test "lib/ has no include cycle: each file's concern stands on those below it" {
	# "A B": lib/A.c or lib/A.h includes B.h; tsort finds any loop
	awk 'match($0, /^#include "[a-z0-9_-]*\.h"/) {
		m = FILENAME
		sub(/.*\//, "", m)
		sub(/\.[ch]$/, "", m)
		d = substr($0, RSTART + 10, RLENGTH - 13)
		if (d != m)
			print m, d
	}' "$BATS_TEST_DIRNAME"/../lib/*.[ch] >"$BATS_TEST_TMPDIR/includes"
	[ -s "$BATS_TEST_TMPDIR/includes" ]
	run -0 --separate-stderr tsort "$BATS_TEST_TMPDIR/includes"
	assert_equal "$stderr" ""
}

@test "every lib header says its layer, and the pure core neither prints messages nor exits" {
	local h layer pure=()
	# each header's first comment names its layer: "FILE LAYER" a line
	while read -r h layer; do
		case $layer in
		"pure core") [ ! -f "${h%.h}.c" ] || pure+=("${h%.h}.c") ;;
		"reporting layer") ;;
		*) fail "${h##*/} does not say whether it is pure core or reporting layer" ;;
		esac
	done < <(awk '
		FNR == 1 {
			if (NR > 1)
				print file, layer
			layer = "none"
			in_comment = 1
		}
		in_comment && layer == "none" &&
		    match(tolower($0), /pure core|reporting layer/) {
			layer = substr(tolower($0), RSTART, RLENGTH)
		}
		/\*\// { in_comment = 0 }
		{ file = FILENAME }
		END { print file, layer }' "$BATS_TEST_DIRNAME"/../lib/*.h)
	[ "${#pure[@]}" -gt 0 ] || fail "no pure core source"
	run grep -nE '\<(errx?|warnx?|verrx?|vwarnx?|exit|cli_[a-z_]+)\(' "${pure[@]}"
	[ "$status" -eq 1 ] || fail "the pure core reports or exits: $output"
}
