#!/usr/bin/env bats
# Every built tool carries the hardening meson.build asks for: PIE, full
# RELRO, a non-executable stack, stack canaries and _FORTIFY_SOURCE.
# Each tool links lib/cli.c, whose cli_usage has a va_list (an array,
# so -fstack-protector-strong guards it) and whose cli_help calls printf
# (fortified to __printf_chk): the last two checks hold for every tool,
# not just for the suite as a whole.

setup() {
	load test_helper/common-setup
	_common_setup
	BINARIES=()
	for src in "$BATS_TEST_DIRNAME"/../tools/*.c; do
		BINARIES+=("$SOCKUTILS_BUILD/tools/$(basename "$src" .c)")
	done
}

# build_option NAME: the value of a meson option in $SOCKUTILS_BUILD.
build_option() {
	jq -r --arg name "$1" '.[] | select(.name == $name) | .value' \
		"$SOCKUTILS_BUILD/meson-info/intro-buildoptions.json"
}

@test "every tool is a position-independent executable" {
	for bin in "${BINARIES[@]}"; do
		run -0 readelf -hW "$bin"
		assert_line --regexp '^ *Type: +DYN '
	done
}

@test "every tool has full RELRO: a GNU_RELRO segment and BIND_NOW" {
	for bin in "${BINARIES[@]}"; do
		run -0 readelf -lW "$bin"
		assert_line --regexp '^ *GNU_RELRO '
		run -0 readelf -dW "$bin"
		assert_line --regexp '\((FLAGS|FLAGS_1)\) +(Flags: )?.*\b(BIND_)?NOW\b'
	done
}

@test "every tool has a non-executable stack" {
	for bin in "${BINARIES[@]}"; do
		run -0 readelf -lW "$bin"
		# without a GNU_STACK header the kernel may make the stack executable
		assert_line --regexp '^ *GNU_STACK '
		# shellcheck disable=SC2016 # awk's fields, not the shell's
		run -0 awk '$1 == "GNU_STACK" { print $7 }' <<<"$output"
		assert_output RW
	done
}

@test "every tool has stack canaries (-fstack-protector-strong)" {
	for bin in "${BINARIES[@]}"; do
		run -0 readelf --dyn-syms -W "$bin"
		assert_output --partial ' __stack_chk_fail'
	done
}

@test "every tool calls the fortified libc functions (_FORTIFY_SOURCE)" {
	if [ "$(build_option b_sanitize)" != none ]; then
		# meson.build leaves _FORTIFY_SOURCE off under sanitizers:
		# there ASan checks the plain calls, so it must be in
		for bin in "${BINARIES[@]}"; do
			run -0 readelf --dyn-syms -W "$bin"
			assert_output --partial ' __asan_report_'
		done
		return
	fi
	case $(build_option optimization) in
	0 | plain) skip "_FORTIFY_SOURCE needs an optimizing build" ;;
	esac
	for bin in "${BINARIES[@]}"; do
		run -0 readelf --dyn-syms -W "$bin"
		assert_output --regexp ' __[a-z0-9_]+_chk(@|$)'
	done
}
