/*
 * Reporting layer.  What every tool does around its one job: usage,
 * help, version, option errors, and a checked stdout at exit.
 */
#ifndef SOCKUTILS_CLI_H
#define SOCKUTILS_CLI_H

#include <getopt.h>
#include <stdnoreturn.h>

/*
 * A tool's long option, as getopt_long's struct option has it (no flag:
 * getopt_long returns val) but with the name in the table itself: in a
 * static PIE, a pointer costs a relocation (24 bytes) besides itself
 * and takes its table out of read-only data, 6 KiB for the suite's 120
 * options.  cli_getopt makes getopt_long's table of them.
 */
struct cli_option {
	char		name[19];	/* with its NUL: at most 18 characters */
	signed char	has_arg;	/* no_argument, required_argument */
	int		val;
};

/* Long options every tool has; end each tool's table with these. */
#define CLI_COMMON_OPTIONS \
	{ "help", no_argument, 'h' }, \
	{ "version", no_argument, 'V' }, \
	{ "", 0, 0 }

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
 * SIGPIPE so that a socket's peer gone is EPIPE, lets no stop
 * signal lose bytes read and not yet written (signals.h), and records
 * the text for usage and help.
 */
void	cli_init(const struct cli_text *text);

/* Misuse: "tool: MESSAGE" (if given) and the usage line; exits 64. */
noreturn void cli_usage(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * The usage errors, one wording for each kind of mistake, in every tool.
 * All exit 64 with the usage line.
 */

/* Any number of operands, for cli_operands' max. */
#define CLI_ANY_NUMBER	(-1)

/*
 * Checks that argc operands are between min and max: "no HOST and PORT
 * given", with the missing ones of names (the synopsis' operand names,
 * space-separated), or "too many operands".
 */
void	cli_operands(int argc, int min, int max, const char *names);

/* "WHAT VALUE: WHY", for a malformed value of an option or operand. */
noreturn void cli_bad_value(const char *what, const char *value,
	    const char *why);

/* "WHAT needs NEEDED": an option, or operand, without another. */
noreturn void cli_needs(const char *what, const char *needed);

/* "A and B exclude each other". */
noreturn void cli_exclusive(const char *a, const char *b);

/*
 * getopt_long(argc, argv, optstring, ...) with options, a table ended by
 * CLI_COMMON_OPTIONS.
 */
int	cli_getopt(int argc, char *const argv[], const char *optstring,
	    const struct cli_option *options);

/* cli_getopt returned c (':' or '?'): report it and exit 64. */
noreturn void cli_option_error(int c, char *const argv[]);

/* -h/--help: full usage to stdout, exits 0 (74 if stdout fails). */
noreturn void cli_help(void);

/*
 * -V/--version: "tool (sockutils) VERSION" and a line saying what it was
 * built with ("x86_64, glibc 2.36, TLS none") to stdout, exits 0.
 */
noreturn void cli_version(void);

/*
 * The default case of every tool's cli_getopt switch: -h and -V, which
 * every tool has, or else the option error c.  Does not return.
 */
noreturn void cli_common_option(int c, char *const argv[]);

/*
 * A write to stdout failed with errno.  When its reader has gone (EPIPE,
 * as after head), ends the tool quietly by SIGPIPE, as cat ends, unless
 * whoever ran it ignores SIGPIPE; otherwise, as for a full disk or a
 * closed stdout, says "write error: stdout: why" and returns 74.
 */
int	cli_stdout_error(void);

/* Flushes stdout, exiting through cli_stdout_error if that fails. */
void	cli_flush(void);

/*
 * Flushes and closes stdout; returns status, or cli_stdout_error's if
 * anything written to stdout was lost.  Every tool returns through it.
 */
int	cli_finish(int status);

#endif
