/* test_cli_opt.c - the command line's option parser (cli_parse(), one
 * table per command) and the CLI word-wrap's column count
 * (present_width(), cli_print_wrapped()).  cli_common.c, cli_report.c and
 * present.c are front-end files without curses (not in libcore.a): they
 * are compiled in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/cli_common.c"
#include "../../src/cli_report.c"
#include "../../src/present.c"

/* ---- a command of the test's own ---------------------------------- */

struct t_args {
    bool flag;
    const char *str;
    const char *list[3];
    size_t nlist;
    unsigned num;
    const char *pick;
    const char *checked;
};

static bool
starts_with_x(const char *v)
{
    return v[0] == 'x';
}

static const struct cli_opt t_own[] = {
    { .name = "--flag", .arg = CLI_ARG_FLAG, .dest = CLI_DEST_CMD,
      .off = offsetof(struct t_args, flag), .help = "a flag" },
    { .name = "--str", .alias = "-s", .arg = CLI_ARG_STR, .metavar = "S",
      .dest = CLI_DEST_CMD, .off = offsetof(struct t_args, str),
      .help = "a string\non two lines" },
    { .name = "--list", .arg = CLI_ARG_LIST, .metavar = "L",
      .dest = CLI_DEST_CMD, .off = offsetof(struct t_args, list),
      .count_off = offsetof(struct t_args, nlist), .max = 3,
      .help = "a list (at most %s)" },
    { .name = "--num", .arg = CLI_ARG_UINT, .metavar = "N",
      .dest = CLI_DEST_CMD, .off = offsetof(struct t_args, num),
      .min = 2, .max = 20, .help = "a number" },
    { .name = "--pick", .arg = CLI_ARG_STR, .metavar = "a|b",
      .dest = CLI_DEST_CMD, .off = offsetof(struct t_args, pick),
      .choices = "a|b", .help = "a choice" },
    { .name = "--checked", .arg = CLI_ARG_STR, .metavar = "X",
      .dest = CLI_DEST_CMD, .off = offsetof(struct t_args, checked),
      .valid = starts_with_x, .help = "a checked value" },
};

static const struct cli_opt *const t_shared[] = {
    &cli_opt_timeout, &cli_opt_server_ip, &cli_opt_json,
};

static const struct cli_cmd t_cmd = {
    .name = "test",
    .usage = "Usage: test [OPTION]... [ARG]\n",
    .own = t_own,
    .nown = ARRAY_LEN(t_own),
    .shared = t_shared,
    .nshared = ARRAY_LEN(t_shared),
    .max_args = 1,
};

struct t_run {
    struct cli_common com;
    struct cli_target tg;
    struct t_args ta;
    struct cli_args pa;
    int rc;
};

/* Parse the NULL-terminated arguments (after argv[0] "test"). */
static void
run(struct t_run *r, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;

    argv[argc++] = (char *)"test";
    va_start(ap, r);
    for (char *a = va_arg(ap, char *); a != NULL; a = va_arg(ap, char *))
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;
    memset(r, 0, sizeof(*r));
    cli_common_init(&r->com);
    r->pa.com = &r->com;
    r->pa.tg = &r->tg;
    r->pa.cmd = &r->ta;
    r->rc = cli_parse(&t_cmd, argc, argv, &r->pa);
}

static void
parse__both_forms__same_values(void **state)
{
    struct t_run r;

    (void)state;
    run(&r, "--flag", "--str", "one", "--list=a", "--list", "b", "--num=7",
        "--pick", "B", "--checked=xy", "--timeout", "9", "--server-ip=::1",
        "--json", "arg", NULL);
    assert_int_equal(r.rc, CLI_PARSE_RUN);
    assert_true(r.ta.flag);
    assert_string_equal(r.ta.str, "one");
    assert_int_equal(r.ta.nlist, 2);
    assert_string_equal(r.ta.list[0], "a");
    assert_string_equal(r.ta.list[1], "b");
    assert_int_equal(r.ta.num, 7);
    assert_string_equal(r.ta.pick, "B");
    assert_string_equal(r.ta.checked, "xy");
    assert_int_equal(r.com.timeout_s, 9);
    assert_int_equal(r.tg.nips, 1);
    assert_string_equal(r.tg.ips[0], "::1");
    assert_true(r.com.json);
    assert_int_equal(r.pa.nargs, 1);
    assert_string_equal(r.pa.args[0], "arg");

    run(&r, "-s", "v", "--str=", "--", "--flag", NULL);
    assert_int_equal(r.rc, CLI_PARSE_RUN);
    assert_string_equal(r.ta.str, "");
    assert_false(r.ta.flag);
    assert_string_equal(r.pa.args[0], "--flag");
}

static void
parse__every_error__exit_3(void **state)
{
    struct t_run r;

    (void)state;
    run(&r, "--bogus", NULL);                  /* unknown */
    assert_int_equal(r.rc, CLI_EXIT_ERROR);
    run(&r, "--flagx", NULL);                  /* a prefix is no match */
    assert_int_equal(r.rc, CLI_EXIT_ERROR);
    run(&r, "--str", NULL);                    /* missing value */
    assert_int_equal(r.rc, CLI_EXIT_ERROR);
    run(&r, "--str", "--flag", NULL);          /* an option, not a value */
    assert_int_equal(r.rc, CLI_EXIT_ERROR);
    run(&r, "--flag=1", NULL);                 /* a flag takes none */
    assert_int_equal(r.rc, CLI_EXIT_ERROR);
    run(&r, "--num", "1", NULL);               /* below min */
    assert_int_equal(r.rc, CLI_EXIT_ERROR);
    run(&r, "--num", "21", NULL);              /* above max */
    assert_int_equal(r.rc, CLI_EXIT_ERROR);
    run(&r, "--num", "2x", NULL);
    assert_int_equal(r.rc, CLI_EXIT_ERROR);
    run(&r, "--pick", "c", NULL);              /* not a choice */
    assert_int_equal(r.rc, CLI_EXIT_ERROR);
    run(&r, "--checked", "y", NULL);           /* valid() refuses */
    assert_int_equal(r.rc, CLI_EXIT_ERROR);
    run(&r, "--server-ip", "1.2.3", NULL);
    assert_int_equal(r.rc, CLI_EXIT_ERROR);
    run(&r, "--list", "a", "--list", "b", "--list", "c", "--list", "d",
        NULL);                                 /* over the limit */
    assert_int_equal(r.rc, CLI_EXIT_ERROR);
    assert_int_equal(r.ta.nlist, 3);
    run(&r, "a", "b", NULL);                   /* one argument too many */
    assert_int_equal(r.rc, CLI_EXIT_ERROR);
}

/* What f wrote to a temporary file, as a string; closes f. */
static char *
slurp(FILE *f)
{
    long n;
    char *s;

    fflush(f);
    n = ftell(f);
    rewind(f);
    s = xmalloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

static void
help__from_the_table__limits_named(void **state)
{
    FILE *f = tmpfile();
    char *h;

    (void)state;
    assert_non_null(f);
    cli_help(f, &t_cmd);
    h = slurp(f);
    assert_non_null(strstr(h, "  --flag               a flag\n"));
    assert_non_null(strstr(h, "  -s, --str S          a string\n"
                              "                       on two lines\n"));
    assert_non_null(strstr(h, "  --list L             a list (at most 3)\n"));
    assert_non_null(strstr(h, "  --server-ip IP       "));
    assert_non_null(strstr(h, "(repeatable, at most 32)"));
    free(h);
}

static void
width__wide_combining_invalid(void **state)
{
    (void)state;
    assert_int_equal(present_width("abc", 3), 3);
    assert_int_equal(present_width("\xe4\xb8\xad\xe6\x96\x87", 6), 4);
    /* e + COMBINING ACUTE ACCENT */
    assert_int_equal(present_width("e\xcc\x81", 3), 1);
    /* a FULLWIDTH LATIN A, a Hangul syllable */
    assert_int_equal(present_width("\xef\xbc\xa1\xea\xb0\x80", 6), 4);
    /* a raw 0x9B and a cut sequence count a column a byte */
    assert_int_equal(present_width("\x9b", 1), 1);
    assert_int_equal(present_width("\xe4\xb8", 2), 2);
    /* a length shorter than the string */
    assert_int_equal(present_width("\xe4\xb8\xad\xe6\x96\x87", 3), 2);
}

/* Every line of s fits width columns by present_width(). */
static void
assert_lines_fit(const char *s, int width)
{
    while (*s != '\0') {
        size_t n = strcspn(s, "\n");

        if (present_width(s, n) > width)
            fail_msg("line over %d columns: %.*s", width, (int)n, s);
        s += n + (s[n] == '\n');
    }
}

static void
wrap__wide_characters__two_columns(void **state)
{
    /* 30 CJK characters in words of 5: 60 columns; at 40 columns they
     * must wrap, though they are only 30 characters. */
    const char *w = "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97\xe7\xac\xa6"
                    "\xe4\xb8\xb2";
    char text[512];
    FILE *f = tmpfile();
    char *out;

    (void)state;
    snprintf(text, sizeof(text), "%s %s %s %s %s %s", w, w, w, w, w, w);
    assert_int_equal(present_width(text, strlen(text)), 65);
    cli_print_wrapped(f, text, 2, 40);
    out = slurp(f);
    assert_lines_fit(out, 40);
    /* 2 + 10 + (1 + 10) * 2 = 34 columns: three words a line */
    assert_int_equal((int)(strchr(out, '\n') - out),
                     2 + 3 * 15 + 2);
    free(out);

    /* combining marks take no column: 39 columns fit on one line (by
     * bytes or characters they would not) */
    f = tmpfile();
#define EA "e\xcc\x81"
    cli_print_wrapped(f, EA EA EA EA EA EA EA EA " 1234567890 1234567890 "
                      "123456789", 0, 40);
#undef EA
    out = slurp(f);
    assert_non_null(strchr(out, '\n'));
    assert_string_equal(strchr(out, '\n'), "\n");
    free(out);
}

/* Issue 17, rule 9 (RFC 5890/5891): --hostname takes a U-label like the
 * domain argument does, and holds its A-label; an A-label and an ASCII
 * name are kept (lower case, no trailing dot); a bad name is refused. */
static void
parse__hostname__u_label_becomes_a_label(void **state)
{
    static const struct cli_opt *const h_shared[] = { &cli_opt_hostname };
    static const struct cli_cmd h_cmd = {
        .name = "test", .usage = "Usage: test\n",
        .shared = h_shared, .nshared = 1, .max_args = 0,
    };
    static const struct {
        const char *arg, *want;         /* want NULL: refused */
    } cases[] = {
        { "m\xc3\xa4il.b\xc3\xbc" "cher.test",
          "xn--mil-qla.xn--bcher-kva.test" },
        { "--hostname=MAIL.B\xc3\x9c" "CHER.test.",
          "mail.xn--bcher-kva.test" },
        { "xn--mil-qla.xn--bcher-kva.test",
          "xn--mil-qla.xn--bcher-kva.test" },
        { "Mail.Example.COM", "mail.example.com" },
        { "mail", "mail" },
        { "a b.test", NULL },
        { "mail..test", NULL },
        { "-mail.test", NULL },
        { "m\xc3\xa4il\x07.test", NULL },
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct t_run r;
        char *argv[4];
        int argc = 0;

        memset(&r, 0, sizeof(r));
        cli_common_init(&r.com);
        r.pa.com = &r.com;
        r.pa.tg = &r.tg;
        argv[argc++] = (char *)"test";
        if (strncmp(cases[i].arg, "--", 2) != 0)
            argv[argc++] = (char *)"--hostname";
        argv[argc++] = (char *)cases[i].arg;
        argv[argc] = NULL;
        r.rc = cli_parse(&h_cmd, argc, argv, &r.pa);
        if (cases[i].want == NULL) {
            assert_int_equal(r.rc, CLI_EXIT_ERROR);
            continue;
        }
        assert_int_equal(r.rc, CLI_PARSE_RUN);
        assert_string_equal(r.tg.hostname, cases[i].want);
    }
}

static int
setup_locale(void **state)
{
    (void)state;
    /* the C locale: present_width() must not depend on it */
    setlocale(LC_ALL, "C");
    return 0;
}

static int
setup_utf8(void **state)
{
    (void)state;
    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        setlocale(LC_ALL, "C.utf8");
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse__both_forms__same_values),
        cmocka_unit_test(parse__every_error__exit_3),
        cmocka_unit_test(parse__hostname__u_label_becomes_a_label),
        cmocka_unit_test(help__from_the_table__limits_named),
        cmocka_unit_test_setup(width__wide_combining_invalid, setup_locale),
        cmocka_unit_test_setup(width__wide_combining_invalid, setup_utf8),
        cmocka_unit_test_setup(wrap__wide_characters__two_columns,
                               setup_locale),
        cmocka_unit_test_setup(wrap__wide_characters__two_columns,
                               setup_utf8),
    };

    return cmocka_run_group_tests_name("cli_opt", tests, NULL, NULL);
}
