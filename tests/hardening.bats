#!/usr/bin/env bats
# Every built tool carries the hardening meson.build asks for: PIE, full
# RELRO, a non-executable stack, stack canaries and _FORTIFY_SOURCE (which
# musl, and so the static build, has not); the static build is one
# static PIE, installed as that file and a link for each tool.
# Each tool links lib/cli.c, whose cli_usage has a va_list (an array,
# so -fstack-protector-strong guards it) and whose cli_help calls printf
# (fortified to __printf_chk): the last two checks hold for every tool,
# not just for the suite as a whole.

setup() {
	load test_helper/common-setup
	_common_setup background
	suite_tools
	BINARIES=("${TOOLS[@]/#/$SOCKUTILS_BUILD/tools/}")
}

teardown() { _common_teardown; }

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

# The header asks for RELRO; the pages are read-only only if someone
# makes them so once relocated: ld.so for the dynamic builds, and for
# the static PIE the file itself (lib/relro.c), as musl does not.
@test "a tool's RELRO pages are read-only while it runs" {
	local bin=$SOCKUTILS_BUILD/tools/tcp-listen file page relro size
	local start end pid range perms path lo hi base="" covered=0
	file=$(readlink -f "$bin")
	page=$(getconf PAGESIZE)
	read -r relro size < <(readelf -lW "$file" |
		awk '$1 == "GNU_RELRO" { print $3, $6 }')
	# rounded as ld.so rounds: a last partial page stays writable
	start=$((relro & ~(page - 1))) end=$(((relro + size) & ~(page - 1)))
	[ "$end" -gt "$start" ] || fail "RELRO $relro+$size has no whole page"
	spawn "$bin" -b 127.0.0.1 --port-file "$BATS_TEST_TMPDIR/port" 0
	wait_file "$BATS_TEST_TMPDIR/port" "$SPAWN_PID"
	# spawn's pid is timeout's; the tool is its child
	pid=$(pgrep -P "$SPAWN_PID")
	while read -r range perms _ _ _ path; do
		[ "$path" = "$file" ] || continue
		lo=$((16#${range%-*})) hi=$((16#${range#*-}))
		# the first mapping of a PIE is its base
		[ -n "$base" ] || base=$lo
		[ "$lo" -lt $((base + end)) ] && [ "$hi" -gt $((base + start)) ] ||
			continue
		[ "$perms" = r--p ] || fail "RELRO pages mapped $perms ($range)"
		covered=$((covered + (hi < base + end ? hi : base + end) -
			(lo > base + start ? lo : base + start)))
	done <"/proc/$pid/maps"
	[ "$covered" = $((end - start)) ] ||
		fail "$covered of the $((end - start)) bytes of RELRO pages mapped"
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
	local symbols=--dyn-syms
	# the static build has no dynamic symbols: its own table says it
	is_static_build && symbols=--syms
	for bin in "${BINARIES[@]}"; do
		run -0 readelf "$symbols" -W "$bin"
		assert_output --partial ' __stack_chk_fail'
	done
}

@test "cli_usage, with its va_list, sets a stack canary in the static build" {
	is_static_build || skip "the dynamic builds import __stack_chk_fail (above)"
	local file=$SOCKUTILS_BUILD/tools/sockutils arch
	arch=$(elf_arch "$file")
	# (cli_usage never returns, so gcc leaves out the check at return)
	case $arch in
	x86_64)
		run -0 objdump --disassemble=cli_usage "$file"
		# the canary, read from the thread control block onto the stack
		assert_output --regexp 'mov +%fs:0x28,'
		;;
	aarch64)
		run -0 aarch64-linux-gnu-objdump --disassemble=cli_usage "$file"
		# the canary, loaded from __stack_chk_guard, stored on the
		# stack, and the register cleared so that it does not leak
		# shellcheck disable=SC2016 # awk's fields, not the shell's
		run -0 awk '
			$3 == "ldr" && $5 ~ /^\[x[0-9]+\]$/ { reg = $4; step = 1; next }
			step == 1 && $3 == "str" && $4 == reg && $5 == "[sp," { step = 2; next }
			step == 2 && $3 == "mov" && $4 == reg && $5 == "#0x0" { found = 1 }
			{ step = 0 }
			END { print found ? "canary" : "none" }' <<<"$output"
		assert_output canary
		;;
	*) fail "no canary check for $arch" ;;
	esac
}

@test "the static build is one static PIE: no interpreter, no library" {
	is_static_build || skip "only ./dev static builds a static file"
	for bin in "$SOCKUTILS_BUILD/sockutils" "${BINARIES[@]}"; do
		run -0 readelf -hlW "$bin"
		refute_output --partial 'INTERP'
		assert_line --regexp '^ *Type: +DYN '
		run -0 readelf -dW "$bin"
		refute_output --partial '(NEEDED)'
		assert_line --regexp '\(FLAGS_1\) +Flags: .*\bPIE\b'
	done
}

# With mbedTLS (client and server) the file is 350 KiB (358,424 bytes:
# the long options' names in their tables, lib/cli.h, took 4 KiB of
# relocations and pointers off, a printf without floating point,
# static/musl-deps, 4 KiB more, and --expect's own regular expressions,
# lib/ere.c, 24 KiB of musl's TRE and its Unicode tables; P-256's fast
# reduction, static/mbedtls-config.h, put 4 KiB back), 370 KiB on
# aarch64 (378,880 bytes, where that printf took 14 KiB of software
# long double off): within issue 21's 400 KiB and issue 16's 352 KiB.
# The aarch64 file grows by 16 KiB steps: ld 2.40 ends RELRO on a
# max-page-size boundary, 16 KiB so that a Raspberry Pi 5's kernel loads
# it (./dev's build_static).  What made it small (musl and mbedTLS built
# for size, LTO, no unwind tables) is in static/musl-deps and
# build_static; the bounds are what they measure.
@test "the static build's sockutils is stripped and at most 351 KiB (370 KiB on aarch64), with mbedTLS" {
	is_static_build || skip "only ./dev static builds a static file"
	local limit
	case $(elf_arch "$SOCKUTILS_BUILD/sockutils") in
	aarch64) limit=370 ;;
	*) limit=351 ;;
	esac
	run -0 readelf -SW "$SOCKUTILS_BUILD/sockutils"
	refute_output --partial '.symtab'
	run -0 stat -c %s "$SOCKUTILS_BUILD/sockutils"
	[ "$output" -le $((limit * 1024)) ] ||
		fail "sockutils is $output bytes, over $limit KiB"
}

@test "the static build installs sockutils, stripped, and a link for each tool" {
	is_static_build || skip "the dynamic builds install each tool (install.bats)"
	local dest=$BATS_TEST_TMPDIR/dest bin
	meson install -C "$SOCKUTILS_BUILD" --quiet --no-rebuild --destdir "$dest"
	bin=$dest/usr/local/bin
	run -0 readelf -SW "$bin/sockutils"
	refute_output --partial .symtab
	for t in "${TOOLS[@]}"; do
		assert_equal "$(readlink "$bin/$t")" sockutils
		assert_file_exists "$dest/usr/local/share/man/man1/$t.1"
		run -0 "$bin/$t" --version
		assert_line --index 0 "$t (sockutils) $(meson introspect --projectinfo "$SOCKUTILS_BUILD" | jq -r .version)"
	done
}

@test "every tool calls the fortified libc functions (_FORTIFY_SOURCE)" {
	if [ "$(build_option b_sanitize)" != none ]; then
		# meson.build leaves _FORTIFY_SOURCE off under sanitizers:
		# there ASan checks the plain calls, so it must be in (linked
		# into the tool: meson.build)
		for bin in "${BINARIES[@]}"; do
			run -0 readelf --syms -W "$bin"
			assert_output --partial ' __asan_report_'
		done
		return
	fi
	if is_static_build; then
		# musl has no _FORTIFY_SOURCE (no __*_chk functions): README
		# "In a container" says the static build goes without it
		for bin in "${BINARIES[@]}"; do
			run -0 readelf --syms -W "$bin"
			refute_output --regexp ' __[a-z0-9_]+_chk$'
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
