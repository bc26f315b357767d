#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ere.h"

/*
 * The program at most, in instructions: {m,n} writes out m to n copies
 * of what it repeats, and a match's work for each byte grows with it
 * (at 4,096, a 64 KiB line takes a second at worst).
 */
#define PROG_MAX	4096
#define DEPTH_MAX	256		/* groups open at once */

/*
 * The program of a Thompson NFA.  Jumps are relative to the
 * instruction, so that a piece of program can be copied ({m,n}) or
 * moved to make room before it, as it is.
 */
enum op {
	OP_SET,		/* a byte of sets[x], then on */
	OP_JMP,		/* on at pc + x */
	OP_SPLIT,	/* on both at pc + x and at pc + y */
	OP_ASSERT,	/* on if the position is as x (enum at) says */
	OP_MATCH,
};

enum at { AT_BOL, AT_EOL, AT_EDGE, AT_NOT_EDGE, AT_WORD_START, AT_WORD_END };

struct inst {
	int	op, x, y;
};

typedef unsigned char byteset[32];	/* a bit for each byte */

/* The states a match is in at one position; cleared at once. */
struct states {
	int	*dense, *sparse;
	int	 n;
};

struct ere {
	struct inst	*prog;
	int		 n, cap;
	byteset		*sets;
	int		 nsets, setcap;
	/* ere_match's work space, for n instructions */
	struct states	 now, next;
	int		*stack;
};

/* A group being parsed, or the whole expression. */
struct frame {
	int	start;		/* its first instruction */
	int	branch;		/* the first of its branch being parsed */
	int	jump;		/* the jump after its last branch, or -1 */
};

struct parser {
	struct ere	*re;
	const char	*p;
	char		*why;
	struct frame	 open[DEPTH_MAX + 1];	/* [0]: the expression */
	int		 depth;
	int		 error;		/* errno for ere_compile's NULL */
};

static int
fail(struct parser *ps, const char *why)
{
	snprintf(ps->why, ERE_WHY_MAX, "%s", why);
	return -1;
}

static int
out_of_memory(struct parser *ps)
{
	ps->error = ENOMEM;
	return fail(ps, strerror(ENOMEM));
}

/* Room for more instructions, within PROG_MAX. */
static int
reserve(struct parser *ps, int more)
{
	struct ere *re = ps->re;
	struct inst *bigger;
	int cap;

	if (re->n + more <= re->cap)
		return 0;
	if (re->n + more > PROG_MAX)
		return fail(ps, "too big (counts written out)");
	cap = re->cap * 2 > re->n + more ? re->cap * 2 : re->n + more;
	if ((bigger = reallocarray(re->prog, (size_t)cap,
	    sizeof(*bigger))) == NULL)
		return out_of_memory(ps);
	re->prog = bigger;
	re->cap = cap;
	return 0;
}

static int
emit(struct parser *ps, int op, int x, int y)
{
	if (reserve(ps, 1) == -1)
		return -1;
	ps->re->prog[ps->re->n++] = (struct inst){ op, x, y };
	return 0;
}

/* Puts an instruction at pc, what was there and after it one later. */
static int
insert(struct parser *ps, int pc, int op, int x, int y)
{
	struct ere *re = ps->re;

	if (reserve(ps, 1) == -1)
		return -1;
	memmove(re->prog + pc + 1, re->prog + pc,
	    (size_t)(re->n - pc) * sizeof(*re->prog));
	re->prog[pc] = (struct inst){ op, x, y };
	re->n++;
	return 0;
}

static int
append(struct parser *ps, const struct inst *piece, int len)
{
	if (reserve(ps, len) == -1)
		return -1;
	memcpy(ps->re->prog + ps->re->n, piece, (size_t)len * sizeof(*piece));
	ps->re->n += len;
	return 0;
}

static int
emit_set(struct parser *ps, const byteset set)
{
	struct ere *re = ps->re;
	byteset *bigger;

	if (re->nsets == re->setcap) {
		re->setcap = re->setcap * 2 + 8;
		if ((bigger = reallocarray(re->sets, (size_t)re->setcap,
		    sizeof(*bigger))) == NULL)
			return out_of_memory(ps);
		re->sets = bigger;
	}
	memcpy(re->sets[re->nsets], set, sizeof(byteset));
	return emit(ps, OP_SET, re->nsets++, 0);
}

static void
set_add(byteset set, int lo, int hi)
{
	for (; lo <= hi; lo++)
		set[lo / 8] |= (unsigned char)(1U << (lo % 8));
}

static bool
set_has(const byteset set, unsigned char c)
{
	return set[c / 8] & (1U << (c % 8));
}

static void
set_complement(byteset set)
{
	size_t i;

	for (i = 0; i < sizeof(byteset); i++)
		set[i] = (unsigned char)~set[i];
}

static int
emit_byte(struct parser *ps, unsigned char c)
{
	byteset set = { 0 };

	set_add(set, c, c);
	return emit_set(ps, set);
}

static bool
is_word(int c)
{
	return c < 128 && (isalnum(c) || c == '_');
}

static const struct {
	const char	*name;
	int		(*is)(int);
} classes[] = {
	{ "alnum", isalnum }, { "alpha", isalpha }, { "blank", isblank },
	{ "cntrl", iscntrl }, { "digit", isdigit }, { "graph", isgraph },
	{ "lower", islower }, { "print", isprint }, { "punct", ispunct },
	{ "space", isspace }, { "upper", isupper }, { "xdigit", isxdigit },
};

/* Adds the class of name (len bytes) to set, in ASCII: -1 if none. */
static int
class_add(byteset set, const char *name, size_t len)
{
	size_t i;
	int c;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strlen(classes[i].name) == len &&
		    memcmp(classes[i].name, name, len) == 0) {
			for (c = 0; c < 128; c++)
				if (classes[i].is(c))
					set_add(set, c, c);
			return 0;
		}
	return -1;
}

/* "[:name:]" at p, in a bracket expression. */
static int
bracket_class(struct parser *ps, byteset set)
{
	const char *name = ps->p + 2, *end = strstr(name, ":]");

	if (end == NULL)
		return fail(ps, "unmatched [");
	if (class_add(set, name, (size_t)(end - name)) == -1)
		return fail(ps, "invalid character class");
	ps->p = end + 2;
	return 0;
}

/*
 * One byte of a bracket expression, or of a range's end: itself, or a
 * collating element or equivalence class of it ("[.-.]", "[=a=]").
 * Returns the byte, or -1.
 */
static int
bracket_byte(struct parser *ps)
{
	const char *p = ps->p;

	if (p[0] == '[' && (p[1] == '.' || p[1] == '=')) {
		if (p[2] == '\0' || p[3] != p[1] || p[4] != ']')
			return fail(ps, "invalid collating element");
		ps->p += 5;
		return (unsigned char)p[2];
	}
	if (p[0] == '[' && p[1] == ':')
		return fail(ps, "invalid range");
	ps->p++;
	return (unsigned char)p[0];
}

/* "[...]", after its "[". */
static int
bracket(struct parser *ps)
{
	byteset set = { 0 };
	bool negate = *ps->p == '^', first = true;
	int lo, hi;

	if (negate)
		ps->p++;
	for (; *ps->p != ']' || first; first = false) {
		if (*ps->p == '\0')
			return fail(ps, "unmatched [");
		if (ps->p[0] == '[' && ps->p[1] == ':') {
			if (bracket_class(ps, set) == -1)
				return -1;
			continue;
		}
		if ((lo = hi = bracket_byte(ps)) == -1)
			return -1;
		/* a "-" first or last is itself */
		if (ps->p[0] == '-' && ps->p[1] != ']' && ps->p[1] != '\0') {
			ps->p++;
			if ((hi = bracket_byte(ps)) == -1)
				return -1;
			if (hi < lo)
				return fail(ps, "invalid range");
		}
		set_add(set, lo, hi);
	}
	ps->p++;
	if (negate)
		set_complement(set);
	return emit_set(ps, set);
}

/* "\d", "\w", "\s", or with a capital letter their complement. */
static int
escape_set(struct parser *ps, unsigned char c)
{
	static const char *const names[] = { "digit", "alnum", "space" };
	const char *name = names[strchr("dws", c | 0x20) - "dws"];
	byteset set = { 0 };

	(void)class_add(set, name, strlen(name));
	if ((c | 0x20) == 'w')
		set_add(set, '_', '_');
	if (isupper(c))
		set_complement(set);
	return emit_set(ps, set);
}

/* What follows a "\". */
static int
escape(struct parser *ps)
{
	char why[ERE_WHY_MAX];
	unsigned char c = (unsigned char)*ps->p;

	if (c == '\0')
		return fail(ps, "trailing backslash");
	ps->p++;
	switch (c) {
	case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
		return escape_set(ps, c);
	case 'b':
		return emit(ps, OP_ASSERT, AT_EDGE, 0);
	case 'B':
		return emit(ps, OP_ASSERT, AT_NOT_EDGE, 0);
	case '<':
		return emit(ps, OP_ASSERT, AT_WORD_START, 0);
	case '>':
		return emit(ps, OP_ASSERT, AT_WORD_END, 0);
	default:
		if (c < 128 && isalnum(c)) {
			snprintf(why, sizeof(why), "unknown escape \\%c", c);
			return fail(ps, why);
		}
		return emit_byte(ps, c);
	}
}

static int
atom(struct parser *ps)
{
	unsigned char c = (unsigned char)*ps->p++;
	byteset any;

	switch (c) {
	case '*': case '+': case '?':
		return fail(ps, "nothing to repeat");
	case '[':
		return bracket(ps);
	case '.':
		memset(any, 0xff, sizeof(any));
		return emit_set(ps, any);
	case '^':
		return emit(ps, OP_ASSERT, AT_BOL, 0);
	case '$':
		return emit(ps, OP_ASSERT, AT_EOL, 0);
	case '\\':
		return escape(ps);
	default:
		return emit_byte(ps, c);
	}
}

static int
count(struct parser *ps)
{
	int n = 0;

	if (!isdigit((unsigned char)*ps->p))
		return fail(ps, "invalid count in {}");
	while (isdigit((unsigned char)*ps->p))
		if ((n = n * 10 + *ps->p++ - '0') > ERE_DUP_MAX)
			return fail(ps, "count in {} over 255");
	return n;
}

/*
 * The repetition at p, if one is: *min and *max (-1: no limit) set and
 * 1 returned; 0 if none is (a "{" without a digit after it is a byte).
 */
static int
repetition(struct parser *ps, int *min, int *max)
{
	switch (*ps->p) {
	case '*':
		*min = 0, *max = -1;
		break;
	case '+':
		*min = 1, *max = -1;
		break;
	case '?':
		*min = 0, *max = 1;
		break;
	case '{':
		if (!isdigit((unsigned char)ps->p[1]))
			return 0;
		ps->p++;
		if ((*min = *max = count(ps)) == -1)
			return -1;
		if (*ps->p == ',') {
			ps->p++;
			if (*ps->p == '}')
				*max = -1;
			else if (*ps->p != '\0' && (*max = count(ps)) == -1)
				return -1;
		}
		if (*ps->p != '}')
			return fail(ps, *ps->p == '\0' ? "unmatched {" :
			    "invalid count in {}");
		if (*max != -1 && *max < *min)
			return fail(ps, "invalid count in {}");
		break;
	default:
		return 0;
	}
	ps->p++;
	return 1;
}

/*
 * The piece of program from pc to the end, min to max times: written
 * out min times, then once starred, or max - min times optional.
 */
static int
repeat(struct parser *ps, int pc, int min, int max)
{
	struct ere *re = ps->re;
	int len = re->n - pc, i, at, rc = 0;
	struct inst *piece;

	/* one more: an empty group's piece is none */
	if ((piece = reallocarray(NULL, (size_t)len + 1,
	    sizeof(*piece))) == NULL)
		return out_of_memory(ps);
	memcpy(piece, re->prog + pc, (size_t)len * sizeof(*piece));
	re->n = pc;
	for (i = 0; i < min && rc == 0; i++)
		rc = append(ps, piece, len);
	if (max == -1 && min > 0 && rc == 0)
		rc = emit(ps, OP_SPLIT, -len, 1);		/* the last: + */
	else if (max == -1 && rc == 0) {
		at = re->n;
		if ((rc = append(ps, piece, len)) == 0 &&	/* * */
		    (rc = insert(ps, at, OP_SPLIT, 1, len + 2)) == 0)
			rc = emit(ps, OP_JMP, -(len + 1), 0);
	}
	for (i = min; i < max && rc == 0; i++) {
		at = re->n;
		if ((rc = append(ps, piece, len)) == 0)	/* ? */
			rc = insert(ps, at, OP_SPLIT, 1, len + 1);
	}
	free(piece);
	return rc;
}

/*
 * A "|": a split before the branch it ends, to it and to the next, and
 * a jump after it, which the next branch's end aims on to its own jump,
 * or to the group's end.
 */
static int
branch_end(struct parser *ps)
{
	struct frame *f = &ps->open[ps->depth];
	struct ere *re = ps->re;

	if (insert(ps, f->branch, OP_SPLIT, 1, 0) == -1)
		return -1;
	if (f->jump != -1)
		re->prog[f->jump].x = re->n - f->jump;
	f->jump = re->n;
	if (emit(ps, OP_JMP, 0, 0) == -1)
		return -1;
	re->prog[f->branch].y = re->n - f->branch;
	f->branch = re->n;
	return 0;
}

/* The end of a group, or of the expression: its first instruction. */
static int
group_end(struct parser *ps)
{
	struct frame *f = &ps->open[ps->depth];

	if (f->jump != -1)
		ps->re->prog[f->jump].x = ps->re->n - f->jump;
	return f->start;
}

/*
 * The expression, a piece at a time (an atom or a group, each with its
 * repetitions), without recursion: the groups open are on a stack.
 */
static int
parse(struct parser *ps)
{
	int piece, min, max, rc;

	ps->open[0] = (struct frame){ 0, 0, -1 };
	for (;;) {
		piece = ps->re->n;
		switch (*ps->p) {
		case '\0':
			if (ps->depth > 0)
				return fail(ps, "unmatched (");
			(void)group_end(ps);
			return 0;
		case '(':
			if (ps->depth == DEPTH_MAX)
				return fail(ps, "groups nested too deep");
			ps->p++;
			ps->open[++ps->depth] = (struct frame){ piece, piece, -1 };
			continue;
		case '|':
			ps->p++;
			if (branch_end(ps) == -1)
				return -1;
			continue;
		case ')':
			/* POSIX: special only when it closes a group */
			if (ps->depth == 0) {
				if (atom(ps) == -1)
					return -1;
				break;
			}
			ps->p++;
			piece = group_end(ps);
			ps->depth--;
			break;
		default:
			if (atom(ps) == -1)
				return -1;
		}
		while ((rc = repetition(ps, &min, &max)) == 1)
			if (repeat(ps, piece, min, max) == -1)
				return -1;
		if (rc == -1)
			return -1;
	}
}

static int
states_alloc(struct states *s, int n)
{
	s->dense = calloc((size_t)n, sizeof(int));
	s->sparse = calloc((size_t)n, sizeof(int));
	return s->dense != NULL && s->sparse != NULL ? 0 : -1;
}

struct ere *
ere_compile(const char *pattern, char why[ERE_WHY_MAX])
{
	struct parser ps = { .p = pattern, .why = why, .error = EINVAL };
	struct ere *re;

	if ((re = calloc(1, sizeof(*re))) == NULL) {
		(void)out_of_memory(&ps);
		goto fail;
	}
	ps.re = re;
	/* a program from the start: an empty group copies none of it */
	if (reserve(&ps, 16) == -1 || parse(&ps) == -1 ||
	    emit(&ps, OP_MATCH, 0, 0) == -1)
		goto fail;
	if (states_alloc(&re->now, re->n) == -1 ||
	    states_alloc(&re->next, re->n) == -1 ||
	    (re->stack = calloc((size_t)re->n, sizeof(int))) == NULL) {
		(void)out_of_memory(&ps);
		goto fail;
	}
	return re;
fail:
	ere_free(re);
	errno = ps.error;
	return NULL;
}

/* Adds pc to s, unless it is there; whether it was not. */
static bool
states_add(struct states *s, int pc)
{
	if (s->sparse[pc] < s->n && s->dense[s->sparse[pc]] == pc)
		return false;
	s->sparse[pc] = s->n;
	s->dense[s->n++] = pc;
	return true;
}

/* Whether position i of the len bytes at s is as at says. */
static bool
holds(int at, const unsigned char *s, size_t len, size_t i)
{
	bool before = i > 0 && is_word(s[i - 1]);
	bool after = i < len && is_word(s[i]);

	switch (at) {
	case AT_BOL:
		return i == 0;
	case AT_EOL:
		return i == len;
	case AT_EDGE:
		return before != after;
	case AT_NOT_EDGE:
		return before == after;
	case AT_WORD_START:
		return !before && after;
	default:
		return before && !after;
	}
}

/*
 * Adds to list, at position i, pc and the states it leads to without
 * a byte.  Returns whether the match is among them.
 */
static bool
follow(struct ere *re, struct states *list, int pc, const unsigned char *s,
    size_t len, size_t i)
{
	const struct inst *in;
	int top = 0;

	/* each state once a position: the stack holds at most n */
#define PUSH(to) do {							\
	if (states_add(list, (to)))					\
		re->stack[top++] = (to);				\
} while (0)
	PUSH(pc);
	while (top > 0) {
		in = &re->prog[pc = re->stack[--top]];
		switch (in->op) {
		case OP_MATCH:
			return true;
		case OP_SPLIT:
			PUSH(pc + in->x);
			PUSH(pc + in->y);
			break;
		case OP_JMP:
			PUSH(pc + in->x);
			break;
		case OP_ASSERT:
			if (holds(in->x, s, len, i))
				PUSH(pc + 1);
			break;
		default:
			break;		/* a set waits for the next byte */
		}
	}
#undef PUSH
	return false;
}

bool
ere_match(struct ere *re, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	struct states *now = &re->now, *next = &re->next, *swap;
	const struct inst *in;
	size_t i;
	int k;

	now->n = 0;
	for (i = 0;; i++) {
		/* a match may start at any position */
		if (follow(re, now, 0, s, len, i))
			return true;
		if (i == len)
			return false;
		next->n = 0;
		for (k = 0; k < now->n; k++) {
			in = &re->prog[now->dense[k]];
			if (in->op == OP_SET && set_has(re->sets[in->x], s[i]) &&
			    follow(re, next, now->dense[k] + 1, s, len, i + 1))
				return true;
		}
		swap = now, now = next, next = swap;
	}
}

void
ere_free(struct ere *re)
{
	if (re == NULL)
		return;
	free(re->prog);
	free(re->sets);
	free(re->now.dense);
	free(re->now.sparse);
	free(re->next.dense);
	free(re->next.sparse);
	free(re->stack);
	free(re);
}
