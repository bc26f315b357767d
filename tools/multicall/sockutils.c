/*
 * sockutils: every tool in one file, as in a static build for containers.
 * Runs the tool it is called by (a link named resolve, tcp-send, ...), or
 * the one named by its first operand: sockutils TOOL [ARG ...].
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cli.h"
#include "multicall-tools.h"
#include "relro.h"

/* each tool's main, renamed by the build (tools/meson.build) */
#define TOOL(function, name) int function(int, char *[]);
MULTICALL_TOOLS
#undef TOOL

/* the name in the table, not pointed to: a relocation fewer each */
struct tool {
	char name[16];
	int (*main)(int, char *[]);
};

/* each name and its NUL fit */
#define TOOL(function, tool_name) _Static_assert(sizeof(tool_name) <= \
    sizeof(((struct tool *)NULL)->name), "tool name too long: " tool_name);
MULTICALL_TOOLS
#undef TOOL

#define TOOL(function, name) { name, function },
static const struct tool tools[] = { MULTICALL_TOOLS };
#undef TOOL

#define TOOL(function, name) "  " name "\n"
static const struct cli_text text = {
	"sockutils TOOL [ARG ...]",
	"Run TOOL, or the tool named by the link this file is called by.",
	"tools:\n" MULTICALL_TOOLS "\n",
};
#undef TOOL

/* The tool called name, or NULL. */
static const struct tool *
find_tool(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (strcmp(tools[i].name, name) == 0)
			return &tools[i];
	return NULL;
}

int
main(int argc, char *argv[])
{
	const char *called = strrchr(argv[0], '/');
	const struct tool *tool;

	/* what a dynamic linker would have done, before any tool runs */
	if (relro_protect() == -1)
		err(EX_OSERR, "read-only after relocation");
	called = called != NULL ? called + 1 : argv[0];
	if ((tool = find_tool(called)) != NULL)
		return tool->main(argc, argv);

	cli_init(&text);
	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)
		cli_help();
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)
		cli_version();
	if ((tool = find_tool(argv[1])) != NULL) {
		/* messages name the tool, as when it is called by its name */
		setprogname(tool->name);
		return tool->main(argc - 1, argv + 1);
	}
	cli_usage("no tool named %s", argv[1]);
}
