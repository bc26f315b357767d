#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"
#include "exitcode.h"
#include "signals.h"

/* Room for the names of the missing operands: "HOST and PORT". */
#define CLI_OPERAND_NAMES_MAX	64

static const struct cli_text *cli_text;
/* SIGPIPE was ignored by whoever ran the tool: EPIPE is an error then */
static bool sigpipe_ignored;

/*
 * A descriptor the caller closed is reopened on /dev/null with the
 * wrong direction, so that it cannot be taken by a socket or file and
 * every use of it still fails (EBADF) as the caller intended.
 */
static void
reserve_closed_fd(int fd, int wrong_direction)
{
	if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
		return;
	/* lower descriptors are already open, so this one gets fd */
	if (open("/dev/null", wrong_direction) == -1)
		err(EX_OSERR, "/dev/null");
}

void
cli_init(const struct cli_text *text)
{
	struct sigaction old;

	cli_text = text;
	reserve_closed_fd(STDIN_FILENO, O_WRONLY);
	reserve_closed_fd(STDOUT_FILENO, O_RDONLY);
	reserve_closed_fd(STDERR_FILENO, O_WRONLY);
	sigpipe_ignored = sigaction(SIGPIPE, NULL, &old) == 0 &&
	    old.sa_handler == SIG_IGN;
	/* a socket whose peer has gone must fail a send, never kill */
	signal(SIGPIPE, SIG_IGN);
	signals_init();
}

/*
 * The synopsis with the name the tool was run as, which an installed
 * tool may not share with its source (sockutils-hostname).
 */
static void
print_synopsis(FILE *f)
{
	const char *operands = strchr(cli_text->synopsis, ' ');

	fprintf(f, "usage: %s%s\n", getprogname(),
	    operands != NULL ? operands : "");
}

noreturn void
cli_usage(const char *fmt, ...)
{
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vwarnx(fmt, ap);
		va_end(ap);
	}
	print_synopsis(stderr);
	exit(EX_USAGE);
}

void
cli_operands(int argc, int min, int max, const char *names)
{
	char missing[CLI_OPERAND_NAMES_MAX] = "";
	const char *p = names;
	size_t len;
	int i;

	if (max != CLI_ANY_NUMBER && argc > max)
		cli_usage("too many operands");
	if (argc >= min)
		return;
	for (i = 0; i < min; i++) {
		len = strcspn(p, " ");
		if (i >= argc)
			snprintf(missing + strlen(missing),
			    sizeof(missing) - strlen(missing), "%s%.*s",
			    i > argc ? " and " : "", (int)len, p);
		p += len + (p[len] == ' ');
	}
	cli_usage("no %s given", missing);
}

noreturn void
cli_bad_value(const char *what, const char *value, const char *why)
{
	cli_usage("%s %s: %s", what, value, why);
}

noreturn void
cli_needs(const char *what, const char *needed)
{
	cli_usage("%s needs %s", what, needed);
}

noreturn void
cli_exclusive(const char *a, const char *b)
{
	cli_usage("%s and %s exclude each other", a, b);
}

/* Room for the most options a tool has, 28 today, and the end. */
#define LONGOPTS_MAX	40

int
cli_getopt(int argc, char *const argv[], const char *optstring,
    const struct cli_option *options)
{
	static struct option longopts[LONGOPTS_MAX];
	static const struct cli_option *made;
	size_t i;

	if (made != options) {
		for (i = 0; i < LONGOPTS_MAX - 1 &&
		    options[i].name[0] != '\0'; i++)
			longopts[i] = (struct option){ options[i].name,
			    options[i].has_arg, NULL, options[i].val };
		longopts[i] = (struct option){ NULL, 0, NULL, 0 };
		made = options;
	}
	return getopt_long(argc, argv, optstring, longopts, NULL);
}

noreturn void
cli_option_error(int c, char *const argv[])
{
	const char *arg = argv[optind - 1];

	/*
	 * An option missing its value at the end: glibc leaves optind on
	 * the argument after it, musl one further, past argv's NULL.
	 */
	if (arg == NULL)
		arg = argv[optind - 2];
	if (c == ':')
		cli_usage("option %s needs a value", arg);
	/*
	 * "--help=x": getopt names a long option given a value it does not
	 * take by its short form (optopt 'h'), which is not what was typed.
	 */
	if (strncmp(arg, "--", 2) == 0 && strchr(arg, '=') != NULL &&
	    optopt != 0)
		cli_usage("option %.*s takes no value",
		    (int)strcspn(arg, "="), arg);
	if (optopt != 0)
		cli_usage("unknown option -%c", optopt);
	cli_usage("unknown option %s", arg);
}

noreturn void
cli_help(void)
{
	print_synopsis(stdout);
	printf("%s\n\n%s", cli_text->summary, cli_text->options);
	printf("  -h, --help        print this help and exit\n"
	    "  -V, --version     print the version and exit\n");
	exit(cli_finish(EX_OK));
}

noreturn void
cli_version(void)
{
	printf("%s (sockutils) %s\n%s\n", getprogname(), SOCKUTILS_VERSION,
	    SOCKUTILS_BUILT_WITH);
	exit(cli_finish(EX_OK));
}

noreturn void
cli_common_option(int c, char *const argv[])
{
	if (c == 'h')
		cli_help();
	if (c == 'V')
		cli_version();
	cli_option_error(c, argv);
}

int
cli_stdout_error(void)
{
	sigset_t pipe;

	if (errno == EPIPE && !sigpipe_ignored) {
		/* as cat ends: by the signal, so the shell sees the same */
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&pipe);
		sigaddset(&pipe, SIGPIPE);
		pthread_sigmask(SIG_UNBLOCK, &pipe, NULL);
		raise(SIGPIPE);
	}
	warn("write error: stdout");
	return EX_IOERR;
}

void
cli_flush(void)
{
	/*
	 * musl writes out a full or unbuffered stream from within putc and
	 * friends, and a later fflush with nothing left succeeds: the
	 * failure is only in the error flag (errno still says why).
	 */
	if (fflush(stdout) == EOF || ferror(stdout))
		exit(cli_stdout_error());
}

int
cli_finish(int status)
{
	int failed, saved_errno = 0;

	failed = fflush(stdout) != 0 || ferror(stdout);
	if (failed)
		saved_errno = errno;
	if (fclose(stdout) != 0 && !failed) {
		failed = 1;
		saved_errno = errno;
	}
	if (failed) {
		errno = saved_errno;
		return cli_stdout_error();
	}
	return status;
}
