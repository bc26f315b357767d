#!/usr/bin/env bats
# ./dev, the one entry point: what a newcomer sees when things go wrong.
# (The Debian package check runs from a 0700 clone in ./dev test itself:
# its packaging step, deb_from_private_clone.)

BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-600}

setup() {
	load test_helper/common-setup
	_common_setup
	SRC=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
}

# dev ARGS...: ./dev as a newcomer runs it (SOCKUTILS_JOBS as the test
# sets it), without the other variables of the bats running this file,
# nor its libexec on PATH (a bats inside would take them for its own).
dev() {
	env -i PATH="$(clean_path)" HOME="${HOME:-/root}" \
		${SOCKUTILS_JOBS:+SOCKUTILS_JOBS="$SOCKUTILS_JOBS"} "$SRC/dev" "$@"
}

clean_path() {
	tr ':' '\n' <<<"$PATH" | grep -v 'bats-core' | paste -sd: -
}

# copy_src DIR: the files git knows of this tree, as they are now.
copy_src() {
	mkdir -p "$1"
	git -c safe.directory='*' -C "$SRC" ls-files -z --cached --others --exclude-standard |
		(cd "$SRC" && tar --null -T - --ignore-failed-read -cf - 2>/dev/null) |
		tar -xf - -C "$1"
}

@test "./dev build shows what the compiler said when the build fails" {
	copy_src "$T/src"
	printf '#error sockutils-test: the compiler says this\n' >>"$T/src/lib/cli.c"
	SRC=$T/src run -1 --separate-stderr dev build
	assert_regex "$stderr" "cli\\.c:[0-9]+:[0-9]+: error: #error sockutils-test: the compiler says this"
	assert_regex "$stderr" "dev: building build failed"
}

@test "./dev bats runs the chosen files in the test namespaces and counts them" {
	printf '%s\n' '@test "in the namespaces" { [ -n "$SOCKUTILS_HERMETIC" ]; }' \
		'@test "on build" { [ "${SOCKUTILS_BUILD##*/}" = build ]; }' >"$T/a.bats"
	run -0 --separate-stderr dev bats "$T/a.bats"
	assert_line "ok 1 in the namespaces"
	assert_line "2 passed, 0 failed, 0 skipped"
	printf '%s\n' '@test "fails" { false; }' >"$T/b.bats"
	run -1 --separate-stderr dev bats "$T/a.bats" "$T/b.bats"
	assert_line "not ok 1 fails"
	assert_line "2 passed, 1 failed, 0 skipped"
}

# waiting_files TRIES: one.bats and two.bats in T, each of which marks
# that it has started and passes once the other has, looking TRIES
# times, a tenth of a second apart.
waiting_files() {
	local me other
	for me in one two; do
		other=$([ $me = one ] && echo two || echo one)
		printf '@test "%s" {\n%s\n}\n' "$me" \
			"touch $T/$me; for _ in \$(seq $1); do [ -e $T/$other ] && return; sleep 0.1; done; false" \
			>"$T/$me.bats"
	done
}

@test "./dev bats runs each file a step, JOBS at once, each shown whole with its time" {
	# each file waits until the other has started: they run at once
	waiting_files 300
	SOCKUTILS_JOBS=2 run -0 --separate-stderr dev bats "$T/one.bats" "$T/two.bats"
	assert_line "ok 1 one"
	assert_line "ok 1 two"
	assert_line --regexp "^# run_bats build $T/one\.bats: [0-9]+ s, CPU [0-9]+m[0-9.]+s [0-9]+m[0-9.]+s$"
	assert_line "2 passed, 0 failed, 0 skipped"
	# one at a time, the first waits for the second in vain (as long
	# as it may: the second cannot start before the first ends)
	rm "$T/one" "$T/two"
	waiting_files 5
	SOCKUTILS_JOBS=1 run -1 --separate-stderr dev bats "$T/one.bats" "$T/two.bats"
	assert_line "1 passed, 1 failed, 0 skipped"
}

# bats_against FLAG DIR: ./dev bats FLAG runs a file against DIR, and
# without a file is misuse.
bats_against() {
	printf '@test "on %s" { [ "${SOCKUTILS_BUILD##*/}" = %s ]; }\n' "$2" "$2" >"$T/a.bats"
	run -0 --separate-stderr dev bats "$1" "$T/a.bats"
	assert_line "ok 1 on $2"
	assert_line "1 passed, 0 failed, 0 skipped"
	run -64 --separate-stderr dev bats "$1"
	assert_stderr "usage: ./dev bats [--asan | --static | --arch ARCH] FILE..."
}

@test "./dev bats --asan runs them against build-asan" {
	bats_against --asan build-asan
}

@test "./dev bats --static runs them against build-static, as ./dev test's static pass does" {
	[ -x "$SRC/build-static/sockutils" ] || skip "needs build-static (./dev static)"
	bats_against --static build-static
}

@test "./dev with an unknown command prints its usage on stderr and exits 64, as the tools do" {
	run -64 --separate-stderr dev frobnicate
	assert_output ""
	assert_regex "$stderr" '^usage: \./dev deps \[--bench\] \| demo \| build \| check \| test \| .* \| tools$'
	local usage=$stderr
	run -0 --separate-stderr dev help
	assert_output "$usage"
	assert_equal "$stderr" ""
}

@test "./dev tools lists the tools of tools/meson.build, one a line" {
	run -0 --separate-stderr dev tools
	assert_line --index 0 hostname
	assert_line udp-send
	local sources=("$SRC"/tools/*.c)
	assert_equal "${#lines[@]}" "${#sources[@]}"
	for t in "${lines[@]}"; do
		assert_file_exists "$SRC/tools/$t.c"
	done
	assert_equal "$stderr" ""
}

@test "./dev bats reports a bats run that dies before its plan as a failure" {
	mkdir "$T/bin"
	printf '#!/bin/sh\necho "bats: cannot start" >&2\nexit 2\n' >"$T/bin/bats"
	chmod +x "$T/bin/bats"
	PATH="$T/bin:$PATH" run -1 --separate-stderr dev bats "$SRC/tests/servport.bats"
	assert_line --regexp "^not ok - .*bats --formatter tap .*servport\\.bats exited 2 before its plan$"
	assert_line "0 passed, 1 failed, 0 skipped"
}

@test "./dev bats reports a bats run cut short after its plan as a failure" {
	mkdir "$T/bin"
	# a bats killed after its first result
	printf '#!/bin/sh\nprintf "1..3\\nok 1 one\\n"\nexit 137\n' >"$T/bin/bats"
	chmod +x "$T/bin/bats"
	PATH="$T/bin:$PATH" run -1 --separate-stderr dev bats "$SRC/tests/servport.bats"
	assert_line "ok 1 one"
	assert_line --regexp "^not ok - .*servport\\.bats exited 137 after 1 of 3 results$"
	assert_line "1 passed, 1 failed, 0 skipped"
}

@test "./dev static builds for the release's architectures alone" {
	run -64 --separate-stderr dev static --arch mips
	assert_stderr "usage: ./dev static [--arch x86_64|aarch64]"
	run -64 --separate-stderr dev static --arch
	assert_stderr "usage: ./dev static [--arch x86_64|aarch64]"
	run -64 --separate-stderr dev static aarch64
	assert_stderr "usage: ./dev static [--arch x86_64|aarch64]"
}
