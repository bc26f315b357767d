#!/usr/bin/env bats
# Bash completion (completion/sockutils.bash.in): options, host names,
# service names and files, for every tool, loaded as bash-completion
# loads it, without an interactive shell.

setup() {
	load test_helper/common-setup
	_common_setup
	SCRIPT="$SOCKUTILS_BUILD/completion/sockutils"
	assert_file_exists "$SCRIPT"
	# every tool of the suite, built from this tree, whose --help is
	# the truth: the completion covers them all
	suite_tools
}

# completing LINE: what bash offers when TAB is pressed at the end of
# the command line LINE, one candidate a line in $output (sorted). LINE
# is split into COMP_WORDS as bash splits it: at blanks, and around the
# word breaks "=" and ":".
completing() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	run -0 --separate-stderr bash -c '
		. /usr/share/bash-completion/bash_completion
		. "$1"
		COMP_LINE=$2
		COMP_POINT=${#COMP_LINE}
		COMP_WORDS=()
		for rest in $COMP_LINE; do
			while [[ $rest =~ ^([=:]+|[^=:]+)(.*)$ ]]; do
				COMP_WORDS+=("${BASH_REMATCH[1]}")
				rest=${BASH_REMATCH[2]}
			done
		done
		[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		read -r _ _ function _ < <(complete -p "${COMP_WORDS[0]##*/}")
		COMPREPLY=()
		"$function" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
			"${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
		if ((${#COMPREPLY[@]})); then printf "%s\n" "${COMPREPLY[@]}" | sort; fi
	' completing "$SCRIPT" "$1"
}

# The options in TOOL's --help, one a line.
help_options() {
	"$1" --help | grep -oE '^  -[A-Za-z0-9]|--[a-z][a-z0-9-]*' | sed 's/^ *//' | sort -u
}

@test "the completion script registers the same function for every tool" {
	for t in "${TOOLS[@]}"; do
		# shellcheck disable=SC2016 # expanded by the inner bash
		run -0 bash -c '. /usr/share/bash-completion/bash_completion; . "$1"
			builtin complete -p "$2"' - "$SCRIPT" "$t"
		assert_output "complete -F _sockutils $t"
	done
}

@test "every built tool's completion offers exactly the options of its --help" {
	for t in "${TOOLS[@]}"; do
		want=$(help_options "$t")
		completing "$t -"
		[ "$output" = "$want" ] ||
			fail "$t: completion offers ${output//$'\n'/ }; --help has ${want//$'\n'/ }"
	done
}

@test "every long option in a built tool's --help is offered after --" {
	for t in "${TOOLS[@]}"; do
		completing "$t --"
		for opt in $(help_options "$t" | grep -e '^--'); do
			assert_line -- "$opt"
		done
		refute_line --regexp '^-[^-]'
	done
}

@test "every tool offers -h, --help, -V and --version" {
	for t in "${TOOLS[@]}"; do
		completing "$t -"
		for opt in -h --help -V --version; do
			assert_line -- "$opt"
		done
		completing "$t --v"
		assert_line --index 0 --regexp '^--v'
	done
}

@test "long options complete from a prefix" {
	completing "resolve --t"
	assert_output -- --timeout
	completing "tcp-listen --p"
	assert_output -- --port-file
	completing "udp-send --re"
	assert_output -- --read
	completing "tcp-send --w"
	assert_output -- --wait
	completing "resolve-ex --w"
	assert_output -- --wait
	completing "hostname --all"
	assert_output -- $'--all-fqdns\n--all-ip-addresses'
}

@test "servport completes service names and aliases from the services database" {
	require_hermetic
	completing "servport sockutils-"
	assert_output $'sockutils-both\nsockutils-test\nsockutils-udp'
	completing "servport su-"
	assert_output $'su-alias\nsu-both\nsu-test'
	completing "servport -j ssh"
	assert_line ssh
	completing "servport "
	assert_line http
	assert_line domain
	refute_line --regexp '^[0-9]'
}

@test "servport completes tcp and udp as the protocol, and nothing after it" {
	completing "servport http "
	assert_output $'tcp\nudp'
	completing "servport --json 53 u"
	assert_output udp
	completing "servport http tcp "
	assert_output ""
}

@test "ports complete as service names of the tools' own protocol" {
	require_hermetic
	for t in tcp-listen "tcp-send localhost"; do
		completing "$t sockutils-"
		assert_output $'sockutils-both\nsockutils-test'
	done
	for t in udp-listen "udp-send localhost"; do
		completing "$t sockutils-"
		assert_output $'sockutils-both\nsockutils-udp'
	done
}

@test "host operands complete from the known hosts" {
	require_hermetic
	for t in resolve resolve-ex tcp-send udp-send; do
		completing "$t hostsa"
		assert_output $'hostsalias1\nhostsalias2'
	done
	# every operand of resolve and resolve-ex is a host
	completing "resolve -a localhost hostsn"
	assert_output hostsname.test
	completing "resolve-ex hostsname.test hostsal"
	assert_line hostsalias1
}

@test "rlookup completes addresses from the hosts file" {
	require_hermetic
	completing "rlookup 198.51.100."
	assert_output $'198.51.100.7\n198.51.100.8\n198.51.100.9'
	# bash puts the candidate after the last ":" of the word
	completing "rlookup -j 127.0.0.1 2001:"
	assert_output db8::9
}

@test "option values are skipped when operands are counted" {
	require_hermetic
	for words in "-t 3" "-t3" "-4t 3" "--timeout 3" "--timeout=3" "-b 127.0.0.1" "-n --"; do
		completing "tcp-send $words localhost sockutils-t"
		assert_output sockutils-test
	done
	completing "tcp-send --wait 5 hostsn"
	assert_output hostsname.test
	completing "udp-send -l -b ::1 localhost sockutils-u"
	assert_output sockutils-udp
}

@test "option values get no operand completion" {
	for words in "resolve -t" "resolve --timeout" "resolve --wait" "rlookup --wait" \
		"resolve-ex --wait" "tcp-send -4b" "tcp-send --wait" \
		"tcp-listen -c" "tcp-listen --reply" "tcp-listen --max-bytes" "udp-listen -t"; do
		completing "$words "
		assert_output ""
	done
}

@test "--port-file completes file names" {
	cd "$BATS_TEST_TMPDIR"
	touch port-a port-b other
	for t in tcp-listen udp-listen; do
		completing "$t -k --port-file po"
		assert_output $'port-a\nport-b'
		completing "$t --port-file=po"
		assert_output $'port-a\nport-b'
	done
}

@test "-U completes a socket path as file names in place of HOST PORT or PORT" {
	cd "$BATS_TEST_TMPDIR"
	mkdir run
	touch run/app.sock run/api.sock other
	for t in tcp-send tcp-listen udp-send udp-listen; do
		completing "$t -U run/a"
		assert_output $'run/api.sock\nrun/app.sock'
		completing "$t --unix -v run/a"
		assert_output $'run/api.sock\nrun/app.sock'
	done
	completing "tcp-send -vU run/a"
	assert_output $'run/api.sock\nrun/app.sock'
	# the DATA after the path is free text
	completing "tcp-send -U run/app.sock ot"
	assert_output ""
	completing "tcp-send -U @ab"
	assert_output ""
	completing "tcp-listen --mode 0660 -U run/a"
	assert_output $'run/api.sock\nrun/app.sock'
}

@test "after -- a word starting with a dash is an operand, not an option" {
	completing "resolve -- -"
	assert_output ""
	completing "servport -- --j"
	assert_output ""
	completing "servport --j"
	assert_output -- --json
}

@test "hostname has no operands to complete" {
	completing "hostname "
	assert_output ""
	completing "hostname -f "
	assert_output ""
}

@test "a tool called by its path completes like the tool" {
	completing "./build/tools/servport http "
	assert_output $'tcp\nudp'
}
