#!/usr/bin/env bats
# meson install: the tools, their man pages and completions, under
# DESTDIR and the prefix; the hostname tool under -Dhostname_name.

setup_file() {
	bats_require_minimum_version 1.5.0
	SRC=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	# a build of its own, as a distribution configures one: buildtype
	# plain, its own flags (none here: the quickest to compile)
	PREFIX=/opt/sockutils-test
	export SRC PREFIX
	meson setup "$BATS_FILE_TMPDIR/build" "$SRC" --prefix="$PREFIX" \
		--buildtype=plain -Dhostname_name=sockutils-hostname >/dev/null
	meson install -C "$BATS_FILE_TMPDIR/build" \
		--destdir "$BATS_FILE_TMPDIR/root" >/dev/null
}

setup() {
	load test_helper/common-setup
	_common_setup
	ROOT="$BATS_FILE_TMPDIR/root"
	suite_tools "$SRC"
	# what a completion is named after: the command
	COMPLETIONS="$ROOT$(pkg-config --define-variable=datadir="$PREFIX/share" \
		--variable=completionsdir bash-completion 2>/dev/null ||
		echo "$PREFIX/share/bash-completion/completions")"
}

# installed_name TOOL
installed_name() {
	if [ "$1" = hostname ]; then echo sockutils-hostname; else echo "$1"; fi
}

@test "every tool is installed in the prefix's bin and runs from there" {
	for t in "${TOOLS[@]}"; do
		name=$(installed_name "$t")
		assert_file_executable "$ROOT$PREFIX/bin/$name"
		run -0 "$ROOT$PREFIX/bin/$name" --version
		assert_output --regexp "^$name \\(sockutils\\) "
	done
}

@test "every tool's man page is installed in the prefix's man1" {
	for t in "${TOOLS[@]}"; do
		name=$(installed_name "$t")
		assert_file_exists "$ROOT$PREFIX/share/man/man1/$name.1"
		run -0 mandoc -Tlint -Wwarning "$ROOT$PREFIX/share/man/man1/$name.1"
		assert_output ""
	done
}

@test "every tool's completion is a link to the one script" {
	assert_file_exists "$COMPLETIONS/sockutils"
	for t in "${TOOLS[@]}"; do
		name=$(installed_name "$t")
		assert_link_exists "$COMPLETIONS/$name"
		assert_equal "$(readlink "$COMPLETIONS/$name")" sockutils
	done
}

@test "nothing is installed outside the prefix" {
	run -0 find "$ROOT" -mindepth 1 -maxdepth 1
	assert_output "$ROOT${PREFIX%/*}"
	run -0 find "$ROOT${PREFIX%/*}" -mindepth 1 -maxdepth 1
	assert_output "$ROOT$PREFIX"
}

@test "with -Dhostname_name nothing takes the name hostname" {
	run -0 find "$ROOT" -name 'hostname*'
	assert_output ""
}

@test "the installed completion completes sockutils-hostname, and leaves hostname alone" {
	# shellcheck disable=SC2016 # expanded by the inner bash
	run -0 bash -c '. /usr/share/bash-completion/bash_completion
		complete -r hostname 2>/dev/null
		. "$1"
		complete -p sockutils-hostname
		! complete -p hostname 2>/dev/null' - "$COMPLETIONS/resolve"
	assert_output "complete -F _sockutils sockutils-hostname"
}

@test "the renamed hostname page carries the new name" {
	[ -f "$SRC/man/hostname.1" ] || skip "hostname is not in this tree yet"
	page="$ROOT$PREFIX/share/man/man1/sockutils-hostname.1"
	run -0 grep -E '^\.(Dt|Nm) ' "$page"
	assert_line --index 0 ".Dt SOCKUTILS-HOSTNAME 1"
	assert_line --index 1 ".Nm sockutils-hostname"
}

@test "the default build installs the tools under their own names in /usr/local" {
	run -0 meson introspect --installed "$SOCKUTILS_BUILD"
	for t in "${TOOLS[@]}"; do
		assert_output --partial "\"/usr/local/bin/$t\""
		assert_output --partial "\"/usr/local/share/man/man1/$t.1\""
	done
	assert_output --partial "/share/bash-completion/completions/sockutils\""
}
