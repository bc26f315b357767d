/*
 * What every tool does around its one job: usage, help, version,
 * option errors, and a checked stdout at exit.
 */
#ifndef SOCKUTILS_CLI_H
#define SOCKUTILS_CLI_H

#include <getopt.h>
#include <stdnoreturn.h>

/* Long options every tool has; end each tool's table with these. */
#define CLI_COMMON_OPTIONS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }, \
	{ NULL, 0, NULL, 0 }

/* The value of macro x as a string, for a default written in a help. */
#define CLI_STRINGIFY(x)	CLI_STRINGIFY_(x)
#define CLI_STRINGIFY_(x)	#x

struct cli_text {
	const char *synopsis;	/* one line, "tool [-x] OPERAND ..." */
	const char *summary;	/* one line: what the tool does */
	const char *options;	/* option list, one per line, indented */
};

/*
 * Called first by every tool: keeps descriptors 0-2 from being reused
 * by sockets (a closed stdout stays an error, not a file), ignores
 * SIGPIPE so that broken pipes become EPIPE and exit 74, lets no stop
 * signal lose bytes read and not yet written (signals.h), and records
 * the text for usage and help.
 */
void	cli_init(const struct cli_text *text);

/* Misuse: "tool: MESSAGE" (if given) and the usage line; exits 64. */
noreturn void cli_usage(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* getopt_long returned c (':' or '?'): report it and exit 64. */
noreturn void cli_option_error(int c, char *const argv[]);

/* -h/--help: full usage to stdout, exits 0 (74 if stdout fails). */
noreturn void cli_help(void);

/* -V/--version: "tool (sockutils) VERSION" to stdout, exits 0. */
noreturn void cli_version(void);

/*
 * The default case of every tool's getopt_long switch: -h and -V, which
 * every tool has, or else the option error c.  Does not return.
 */
noreturn void cli_common_option(int c, char *const argv[]);

/*
 * Flushes and closes stdout; returns status, or 74 with a message if
 * anything written to stdout was lost.  Every tool returns through it.
 */
int	cli_finish(int status);

#endif
