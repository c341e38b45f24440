/* cli_keygen.c - `mailready keygen`: make a DKIM key pair, write the
 * private key safely, print the record and the signer configuration. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailready/cli.h"
#include "mailready/dns.h"
#include "mailready/gen.h"
#include "mailready/gen_dkim.h"
#include "mailready/gen_signer.h"
#include "mailready/i18n.h"
#include "mailready/util.h"

#define KEYGEN_TTL 3600

struct keygen_args {
    const char *domain, *selector, *type, *bits, *out;
};

static const struct cli_opt keygen_own[] = {
    {
        .name = "--domain", .arg = CLI_ARG_STR, .metavar = N_("DOMAIN"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct keygen_args, domain),
        .help = N_("the signing domain (d=)"),
    },
    {
        .name = "--selector", .arg = CLI_ARG_STR, .metavar = N_("NAME"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct keygen_args, selector),
        .help = N_("the selector (s=), e.g. the date as YYYYMM"),
    },
    {
        .name = "--type", .arg = CLI_ARG_STR, .metavar = "rsa|ed25519",
        .dest = CLI_DEST_CMD, .off = offsetof(struct keygen_args, type),
        .choices = "rsa|ed25519",
        .help = N_("key type (default rsa)"),
    },
    {
        .name = "--bits", .arg = CLI_ARG_STR, .metavar = "N",
        .dest = CLI_DEST_CMD, .off = offsetof(struct keygen_args, bits),
        .choices = "1024|2048|3072|4096",
        .help = N_("RSA size: 1024, 2048 (default), 3072, 4096"),
    },
    {
        .name = "--out", .arg = CLI_ARG_STR, .metavar = N_("DIR"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct keygen_args, out),
        .help = N_("directory for the private key"),
    },
};

static const struct cli_opt *const keygen_shared[] = {
    &cli_opt_lang,
};

static const struct cli_cmd keygen_cmd = {
    .name = "keygen",
    .usage = N_("Usage: mailready keygen --domain DOMAIN --selector "
                "SELECTOR [OPTION]...\n"
                "\n"
                "Makes a DKIM key pair, writes the private key and prints "
                "the DNS record to\n"
                "publish, with the lines for OpenDKIM and rspamd.\n"),
    .own = keygen_own,
    .nown = ARRAY_LEN(keygen_own),
    .shared = keygen_shared,
    .nshared = ARRAY_LEN(keygen_shared),
    .epilogue = N_("The private key goes to DIR/SELECTOR.private in PEM "
                   "(PKCS#8), mode 0600;\n"
                   "an existing file is never overwritten.  DIR is created "
                   "with mode 0700 if\n"
                   "missing; the default is "
                   "$XDG_DATA_HOME/mailready/keys/DOMAIN\n"
                   "(~/.local/share/mailready/keys/DOMAIN when "
                   "XDG_DATA_HOME is not set).\n"),
};

/* Characters that would break the KeyTable line or the rspamd string,
 * and anything str_visible() would escape (invalid UTF-8, C1): the path
 * goes raw into the configuration lines. */
static bool
path_config_safe(const char *path)
{
    char *vis = str_visible(path, strlen(path));
    bool same = strcmp(vis, path) == 0;

    free(vis);
    if (!same)
        return false;
    for (const char *p = path; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (c <= 0x20 || c == 0x7f || c == '"' || c == '\\' || c == ':' ||
            c == '\'' || c == '#' || c == ';')
            return false;
    }
    return true;
}

static void
print_record(const struct gen_dkim_key *k, const char *domain,
             const char *selector)
{
    struct gen_rr rr;
    char *line;

    rr.owner = gen_dkim_record_name(domain, selector);
    rr.type = DNS_T_TXT;
    rr.rdata = gen_dkim_record(k);
    rr.note = NULL;
    line = gen_rr_format(&rr, KEYGEN_TTL);
    printf(_("Publish this DNS record:\n"
             "  Name: %1$s\n"
             "  Type: %2$s\n"), rr.owner, "TXT");
    printf("\n%s\n", _("Zone file line (strings of at most 255 bytes):"));
    printf("%s\n", line);
    printf("\n%s\n", _("The value as one string, for web panels that split "
                       "it themselves:"));
    printf("%s\n", rr.rdata);
    free(line);
    free(rr.owner);
    free(rr.rdata);
}

/* A blank line, then a paragraph wrapped at 80 columns. */
static void
say(const char *text)
{
    putchar('\n');
    cli_print_wrapped(stdout, text, 0, 79);
}

/* The signer setup (gen_signer.h): each label a paragraph after a blank
 * line; a command's and settings' lines indented by two, the lines of a
 * table or block file as the file holds them. */
static void
print_signers(const char *domain, const char *selector, const char *path,
              enum gen_dkim_type type)
{
    struct gen_signer_guide g;

    gen_signer_guide_init(&g, domain, selector, path, type);
    for (size_t i = 0; i < g.n; i++) {
        const struct gen_signer_step *s = &g.v[i];
        const char *indent = s->kind == GEN_SIGNER_TABLE ? "" : "  ";

        say(_(s->label));
        for (size_t k = 0; k < s->n_lines; k++)
            printf("%s%s\n", indent, s->lines[k]);
    }
    gen_signer_guide_fini(&g);
}

/* The key directory, absolute; NULL after an error message. */
static char *
key_dir(const char *out, const char *domain)
{
    char *dir = NULL;
    char cwd[PATH_MAX];

    if (out == NULL) {
        if (gen_dkim_default_dir(domain, &dir) != RC_OK) {
            cli_errorf(_("mailready: neither XDG_DATA_HOME nor HOME "
                         "is set; name the key directory with "
                         "--out\n"));
            return NULL;
        }
        return dir;
    }
    if (out[0] == '/')
        return xstrdup(out);
    if (getcwd(cwd, sizeof(cwd)) == NULL) {
        cli_errorf(_("mailready: cannot find the current directory: "
                     "%s\n"), strerror(errno));
        return NULL;
    }
    return xasprintf("%s/%s", cwd, out);
}

static int
keygen_run(const char *domain_arg, const char *selector, const char *type_s,
           const char *bits_s, const char *out)
{
    enum gen_dkim_type type = GEN_DKIM_RSA;
    struct gen_dkim_key *k = NULL;
    char *alabel = NULL, *ulabel = NULL, *dir = NULL, *path = NULL;
    char *failed = NULL, *vpath = NULL;
    unsigned long bits = 0;
    int err = 0, ret = CLI_EXIT_ERROR;
    enum rc rc;

    if (!cli_domain(domain_arg, &alabel, &ulabel))
        goto out;
    if (!gen_dkim_selector_ok(selector)) {
        char *vis = str_visible(selector, strnlen(selector, 100));

        cli_errorf(_("mailready: '%s' is not a valid selector (letters, "
                     "digits and '-', in labels separated by dots)\n"),
                   vis);
        free(vis);
        goto out;
    }
    if (type_s != NULL && !gen_dkim_type_parse(type_s, &type)) {
        cli_errorf(_("mailready: --type takes rsa or ed25519\n"));
        goto out;
    }
    if (bits_s != NULL) {
        if (type != GEN_DKIM_RSA) {
            cli_errorf(_("mailready: --bits is for RSA keys only\n"));
            goto out;
        }
        if (!str_to_uint(bits_s, 0, 65536, &bits) ||
            !gen_dkim_bits_ok((unsigned)bits)) {
            cli_errorf(_("mailready: --bits takes 1024, 2048, 3072 or "
                         "4096\n"));
            goto out;
        }
    }
    dir = key_dir(out, alabel);
    if (dir == NULL)
        goto out;
    if (!path_config_safe(dir)) {
        char *vis = str_visible(dir, strlen(dir));

        cli_errorf(_("mailready: the key directory '%s' holds a space, "
                     "quote, backslash, ':', '#' or ';', which would "
                     "break the OpenDKIM and rspamd lines; choose "
                     "another with --out\n"), vis);
        free(vis);
        goto out;
    }
    path = gen_dkim_key_path(dir, selector);
    vpath = str_visible(path, strlen(path));
    /* Refuse early (the write still uses O_EXCL). */
    if (access(path, F_OK) == 0) {
        cli_errorf(_("mailready: %s already exists; it is never "
                     "overwritten. Choose another selector or "
                     "directory.\n"), vpath);
        goto out;
    }
    if (gen_dkim_mkdir(dir, &err, &failed) != RC_OK) {
        char *vfailed = str_visible(failed, strlen(failed));

        cli_errorf(_("mailready: cannot create the directory %1$s: "
                     "%2$s\n"), vfailed, strerror(err));
        free(vfailed);
        goto out;
    }
    rc = gen_dkim_keypair(type, (unsigned)bits, &k);
    if (rc != RC_OK) {
        cli_errorf(_("mailready: could not make the key: %s\n"),
                   _(rc_msgid(rc)));
        goto out;
    }
    rc = gen_dkim_write_key(k, path, &err);
    if (rc == RC_EXISTS) {
        cli_errorf(_("mailready: %s already exists; it is never "
                     "overwritten. Choose another selector or "
                     "directory.\n"), vpath);
        goto out;
    }
    if (rc != RC_OK) {
        cli_errorf(_("mailready: could not write the key to %1$s: "
                     "%2$s (nothing was left behind)\n"), vpath,
                   strerror(err));
        goto out;
    }
    printf(_("Private key written to %s (mode 0600).\n"
             "Keep it secret: only the program that signs your mail "
             "needs it.\n\n"),
           vpath);
    print_record(k, alabel, selector);
    print_signers(alabel, selector, path, type);
    if (type == GEN_DKIM_ED25519)
        say(_("Note: not every receiver verifies Ed25519 "
              "signatures yet (RFC 8463). Sign with an RSA key "
              "as well, under a second selector."));
    else if (k->bits < 2048)
        say(_("Note: 1024 bits is the minimum receivers accept "
              "(RFC 8301); 2048 bits is recommended."));
    ret = CLI_EXIT_OK;
out:
    gen_dkim_key_free(k);
    free(alabel);
    free(ulabel);
    free(dir);
    free(path);
    free(vpath);
    free(failed);
    return ret;
}

int
cli_keygen(int argc, char **argv)
{
    struct keygen_args ka = { NULL, NULL, NULL, NULL, NULL };
    struct cli_common common;
    struct cli_args pa = { .com = &common, .cmd = &ka };
    int r;

    cli_common_init(&common);
    r = cli_parse(&keygen_cmd, argc, argv, &pa);
    if (r != CLI_PARSE_RUN)
        return r;
    if (ka.domain == NULL || ka.selector == NULL) {
        cli_help(stderr, &keygen_cmd);
        return CLI_EXIT_ERROR;
    }
    return keygen_run(ka.domain, ka.selector, ka.type, ka.bits, ka.out);
}
