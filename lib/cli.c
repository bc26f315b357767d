#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cli.h"
#include "exitcode.h"
#include "signals.h"

static const struct cli_text *cli_text;

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
	cli_text = text;
	reserve_closed_fd(STDIN_FILENO, O_WRONLY);
	reserve_closed_fd(STDOUT_FILENO, O_RDONLY);
	reserve_closed_fd(STDERR_FILENO, O_WRONLY);
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
	printf("%s (sockutils) %s\n", getprogname(), SOCKUTILS_VERSION);
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
cli_finish(int status)
{
	int failed;

	failed = fflush(stdout) != 0 || ferror(stdout);
	if (fclose(stdout) != 0)
		failed = 1;
	if (failed) {
		warn("write error: stdout");
		return EX_IOERR;
	}
	return status;
}
