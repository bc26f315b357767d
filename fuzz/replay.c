/*
 * replay-NAME DIR|FILE...: runs a fuzz harness over files without
 * libFuzzer, one TAP line per file, so that the checked-in corpus and
 * every crash added to it are regression tests in every build (gcc,
 * sanitizers), not only in clang's fuzz build.  Each file runs in a
 * child process: a crash or a failed property is "not ok" for that
 * file, and the others still run.
 */
#include <dirent.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

static int count, failed;

/* In the child: runs the harness on the file at path. */
static void
run_file(const char *path)
{
	unsigned char *data;
	struct stat st;
	FILE *f;
	size_t size;

	if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &st) == -1)
		err(1, "%s", path);
	size = (size_t)st.st_size;
	/* the input alone in its own allocation: ASan sees any overrun */
	if ((data = malloc(size > 0 ? size : 1)) == NULL)
		err(1, "%s", path);
	if (fread(data, 1, size, f) != size)
		errx(1, "%s: short read", path);
	fclose(f);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
}

static void
replay_file(const char *path)
{
	pid_t pid;
	int status;

	fflush(stdout);
	if ((pid = fork()) == -1)
		err(1, "fork");
	if (pid == 0) {
		run_file(path);
		exit(0);
	}
	if (waitpid(pid, &status, 0) == -1)
		err(1, "waitpid");
	count++;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		printf("ok %d - %s\n", count, path);
	else {
		failed++;
		printf("not ok %d - %s: %s %d\n", count, path,
		    WIFSIGNALED(status) ? "signal" : "exit",
		    WIFSIGNALED(status) ? WTERMSIG(status) :
		    WEXITSTATUS(status));
	}
}

static int
regular_name(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int
main(int argc, char *argv[])
{
	struct dirent **names;
	struct stat st;
	char path[4096];
	int i, j, n;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1)
			err(1, "%s", argv[i]);
		if (!S_ISDIR(st.st_mode)) {
			replay_file(argv[i]);
			continue;
		}
		if ((n = scandir(argv[i], &names, regular_name,
		    alphasort)) == -1)
			err(1, "%s", argv[i]);
		for (j = 0; j < n; j++) {
			if ((size_t)snprintf(path, sizeof(path), "%s/%s",
			    argv[i], names[j]->d_name) >= sizeof(path))
				errx(1, "%s/%s: path too long", argv[i],
				    names[j]->d_name);
			replay_file(path);
			free(names[j]);
		}
		free(names);
	}
	printf("1..%d\n", count);
	return count == 0 || failed > 0;
}
