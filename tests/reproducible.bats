#!/usr/bin/env bats
# The static build is reproducible: the file built from this tree equals,
# byte for byte, the one ./dev static builds from a copy of it in another
# directory, at another time (SOURCE_DATE_EPOCH: the copy is no git
# checkout) and for the same architecture.  The copy reuses the
# libraries static/musl-deps built here (copied: their build is the same
# from any directory, and takes minutes), so only sockutils is rebuilt.

BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-900}

setup() {
	load test_helper/common-setup
	_common_setup
	is_static_build || skip "only ./dev static builds a static file"
	SRC=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
}

@test "./dev static builds the same bytes in another directory" {
	local arch copy=$BATS_TEST_TMPDIR/elsewhere/sockutils-copy out
	arch=$(elf_arch "$SOCKUTILS_BUILD/sockutils")
	out=build-static
	[ "$arch" = "$(uname -m)" ] || out=build-static-$arch
	mkdir -p "$copy/$out"
	git -c safe.directory='*' -C "$SRC" ls-files -z --cached --others --exclude-standard |
		(cd "$SRC" && tar --null -T - --ignore-failed-read -cf - 2>/dev/null) |
		tar -xf - -C "$copy"
	# the libraries, musl for another architecture, and the package
	# that says musl's version: not apt's lists, not the sources
	(cd "$SOCKUTILS_BUILD" && tar -cf - --exclude=musl/apt/lists \
		--exclude=musl/src musl) | tar -xf - -C "$copy/$out"
	run -0 env -i PATH="$(tr ':' '\n' <<<"$PATH" | grep -v bats-core | paste -sd: -)" \
		HOME="${HOME:-/root}" "$copy/dev" static --arch "$arch"
	run -0 cmp "$SOCKUTILS_BUILD/sockutils" "$copy/$out/sockutils"
	# and nothing of either directory is in the file
	run -1 grep -c -a -e "$SRC" -e "$copy" "$copy/$out/sockutils"
}
