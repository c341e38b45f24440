/* main.c - command dispatch, --help, --version, --demo. */
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/cli.h"
#include "mailready/i18n.h"
#include "mailready/util.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;        /* N_() */
};

/* One line per command; keep in step with --help and the man page. */
static const struct command commands[] = {
    { "wizard", cli_wizard,
      N_("walk through the checks and fixes on screen (the default)") },
    { "check", cli_check,
      N_("check a domain's mail DNS records, no screen") },
    { "spf", cli_spf,
      N_("may this server send for this domain? (SPF check_host)") },
    { "explain", cli_explain,
      N_("explain a finding: why it matters, how to fix it") },
    { "records", cli_records,
      N_("print every record a domain needs, ready to publish") },
    { "plan", cli_plan,
      N_("what to change in the zone, never weaker than what works") },
    { "keygen", cli_keygen,
      N_("make a DKIM key pair and print its DNS record") },
    { "verify", cli_verify,
      N_("did a received message pass DKIM, SPF and DMARC?") },
    { "export", cli_export,
      N_("write a printable checklist with the records to publish") },
};

static void
usage(FILE *fp)
{
    fprintf(fp, _("Usage: mailready [wizard] [DOMAIN] [OPTION]...\n"
                  "       mailready COMMAND [ARGUMENT]... [OPTION]...\n"
                  "\n"
                  "Checks and fixes the DNS records that decide whether a "
                  "domain's mail is\n"
                  "delivered: MX, SPF, DKIM, DMARC and PTR.\n"
                  "\n"
                  "Commands:\n"));
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        fprintf(fp, "  %-10s %s\n", commands[i].name,
                _(commands[i].summary));
    fprintf(fp, _("\n"
                  "  --demo     try it on a bundled demo domain (no "
                  "network needed)\n"
                  "  --help     show this help; COMMAND --help for a "
                  "command's options\n"
                  "  --version  show the version\n"
                  "\n"
                  "Exit status: 0 all good, 1 warnings, 2 failures, 3 could "
                  "not check.\n"
                  "See mailready(1) for more.\n"));
}

/* The bundled demo: the zones under the data directory's demo/, no live
 * DNS.  Runs the wizard when it is built in, else the check report. */
static int
run_demo(int argc, char **argv)
{
    char *pattern = xasprintf("%s/demo/*.zone", i18n_datadir());
    const struct command *wiz = NULL;
    char *args[64];
    int n = 0, r;
    glob_t g;

    if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
        cli_errorf(_("mailready: the demo zones are missing (%s)\n"),
                   pattern);
        free(pattern);
        return CLI_EXIT_ERROR;
    }
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        if (strcmp(commands[i].name, "wizard") == 0)
            wiz = &commands[i];
    args[n++] = (char *)(wiz != NULL ? "wizard" : "check");
    args[n++] = (char *)"demo.example";
    args[n++] = (char *)"--no-network";
    args[n++] = (char *)"--server-ip";
    args[n++] = (char *)"45.67.89.10";
    for (size_t i = 0; i < g.gl_pathc && n < 40; i++) {
        args[n++] = (char *)"--zone-file";
        args[n++] = g.gl_pathv[i];
    }
    for (int i = 1; i < argc && n < (int)ARRAY_LEN(args) - 1; i++)
        if (strcmp(argv[i], "--demo") != 0)
            args[n++] = argv[i];
    args[n] = NULL;
    r = wiz != NULL ? wiz->run(n, args) : cli_check(n, args);
    globfree(&g);
    free(pattern);
    return r;
}

/* Longest argument: a path (PATH_MAX) is the longest anything needs. */
#define ARG_MAX_BYTES 4096

/* The code point of the UTF-8 sequence at p in *cp and its length;
 * 0 when it is not valid UTF-8 (a stray continuation byte such as a raw
 * 0x9B, a truncated or overlong sequence, a surrogate, above U+10FFFF). */
static size_t
utf8_decode(const unsigned char *p, unsigned long *cp)
{
    size_t n;
    unsigned long c, min;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        n = 2;
        c = p[0] & 0x1f;
        min = 0x80;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        n = 3;
        c = p[0] & 0x0f;
        min = 0x800;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        n = 4;
        c = p[0] & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xc0) != 0x80)
            return 0;       /* also stops at the terminating NUL */
        c = (c << 6) | (p[k] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

/* No argument may hold a control character: many messages quote the
 * arguments, and a terminal must never get one raw.  Every argument is
 * valid UTF-8 (a raw C1 byte such as 0x9B, the 8-bit CSI, is refused as
 * invalid UTF-8).  Nor may one be longer than ARG_MAX_BYTES, so that
 * messages stay short. */
static bool
args_printable(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const unsigned char *p = (const unsigned char *)argv[i];

        if (strnlen(argv[i], ARG_MAX_BYTES + 1) > ARG_MAX_BYTES) {
            cli_errorf(_("mailready: an argument is too long (more "
                         "than 4096 bytes)\n"));
            return false;
        }

        while (*p != '\0') {
            unsigned long c;
            size_t n = utf8_decode(p, &c);
            bool bad;

            if (n == 0) {
                char *vis = str_visible(argv[i], strnlen(argv[i], 300));

                cli_errorf(_("mailready: an argument is not valid "
                             "UTF-8: '%s'\n"), vis);
                free(vis);
                return false;
            }
            /* C0, DEL, C1 (U+0080..U+009F); the bidi embeddings,
             * overrides (U+202A..E) and isolates (U+2066..9), which
             * reorder what is shown after them. */
            bad = c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
                  (c >= 0x202a && c <= 0x202e) ||
                  (c >= 0x2066 && c <= 0x2069);
            if (bad) {
                char *vis = str_visible(argv[i], strnlen(argv[i], 300));

                cli_errorf(_("mailready: an argument holds a control "
                             "character: '%s'\n"), vis);
                free(vis);
                return false;
            }
            p += n;
        }
    }
    return true;
}

int
main(int argc, char **argv)
{
    const char *lang = NULL;

    /* --lang anywhere takes effect before any message is printed. */
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--lang=", 7) == 0)
            lang = argv[i] + 7;
        else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
            lang = argv[i + 1];
    }
    i18n_init(lang);
    if (!args_printable(argc, argv))
        return CLI_EXIT_ERROR;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--demo") == 0)
            return run_demo(argc, argv);
    }
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
                      strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0 ||
                      strcmp(argv[1], "-V") == 0)) {
        printf("mailready %s\n", VERSION);
        return CLI_EXIT_OK;
    }
    /* The command, after any --lang (applied above for all). */
    for (int k = 1; k < argc; k++) {
        if (strcmp(argv[k], "--lang") == 0) {
            k++;
            continue;
        }
        if (strncmp(argv[k], "--lang=", 7) == 0)
            continue;
        for (size_t i = 0; i < ARRAY_LEN(commands); i++)
            if (strcmp(argv[k], commands[i].name) == 0)
                return commands[i].run(argc - k, argv + k);
        break;
    }
    /* `mailready`, `mailready DOMAIN [OPTION]...` and `mailready OPTION...`
     * are the wizard (the usage line's first form); its parser names an
     * unknown option. */
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        if (strcmp(commands[i].name, "wizard") == 0)
            return commands[i].run(argc, argv);
    usage(stderr);
    return CLI_EXIT_ERROR;
}
