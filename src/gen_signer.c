/* gen_signer.c - the signer setup for a DKIM key, as labelled steps
 * (gen_signer.h): the one list behind `mailready keygen` and the
 * wizard's DKIM screen. */
#include <stdlib.h>
#include <string.h>

#include "mailready/gen_signer.h"
#include "mailready/i18n.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* A step with the lines of text (split at '\n'; a final '\n' ends the
 * last line, it does not add an empty one).  text may be NULL. */
static void
add_step(struct gen_signer_guide *g, enum gen_signer_kind kind,
         const char *label, const char *text)
{
    struct gen_signer_step *s;

    g->v = xreallocarray(g->v, g->n + 1, sizeof(*g->v));
    s = &g->v[g->n++];
    s->kind = kind;
    s->label = label;
    s->lines = NULL;
    s->n_lines = 0;
    for (const char *p = text; p != NULL && *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

        s->lines = xreallocarray(s->lines, s->n_lines + 1,
                                 sizeof(*s->lines));
        s->lines[s->n_lines++] = xstrndup(p, len);
        p = nl != NULL ? nl + 1 : p + len;
    }
}

static bool
shell_plain(const char *s)
{
    if (*s == '\0')
        return false;
    for (const char *p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || strchr("/._+-@,=%", c) != NULL))
            return false;
    }
    return true;
}

/* s as one shell word: as is when plain, else in single quotes (a quote
 * inside written '\''). */
static char *
shell_word(const char *s)
{
    struct strbuf sb = STRBUF_INIT;

    if (shell_plain(s))
        return xstrdup(s);
    strbuf_adds(&sb, "'");
    for (const char *p = s; *p != '\0'; p++) {
        if (*p == '\'')
            strbuf_adds(&sb, "'\\''");
        else
            strbuf_addc(&sb, *p);
    }
    strbuf_adds(&sb, "'");
    return strbuf_detach(&sb);
}

/* "install" of the key at src to dest for signer, one argument per line
 * so that it fits 80 columns whatever the paths. */
static char *
install_command(enum gen_dkim_signer signer, const char *src,
                const char *dest)
{
    const char *user = gen_dkim_signer_user(signer);
    char *word = shell_word(src);
    char *cmd = xasprintf("install -D -o %s -g %s -m 0600 \\\n"
                          "    %s \\\n"
                          "    %s\n", user, user, word, dest);

    free(word);
    return cmd;
}

/* The Postfix lines that hand mail to the milter listening at port. */
static char *
milter_settings(unsigned port)
{
    return xasprintf("smtpd_milters = inet:localhost:%u\n"
                     "non_smtpd_milters = $smtpd_milters\n"
                     "milter_default_action = accept\n", port);
}

void
gen_signer_guide_init(struct gen_signer_guide *g, const char *domain,
                      const char *selector, const char *key_path,
                      enum gen_dkim_type type)
{
    char *okey = gen_dkim_signer_key_path(GEN_DKIM_OPENDKIM, domain,
                                          selector);
    char *rkey = gen_dkim_signer_key_path(GEN_DKIM_RSPAMD, domain,
                                          selector);
    char *t;

    g->v = NULL;
    g->n = 0;
    add_step(g, GEN_SIGNER_NOTE,
             N_("Set up the signing on the mail server, with OpenDKIM "
                "or with rspamd (as root):"), NULL);

    t = install_command(GEN_DKIM_OPENDKIM, key_path, okey);
    add_step(g, GEN_SIGNER_COMMAND,
             N_("OpenDKIM, 1. Copy the key where only the opendkim "
                "user can read it:"), t);
    free(t);
    t = gen_dkim_opendkim_keytable(domain, selector, okey);
    add_step(g, GEN_SIGNER_TABLE,
             N_("OpenDKIM, 2. KeyTable line, in /etc/opendkim/key.table:"),
             t);
    free(t);
    t = gen_dkim_opendkim_signingtable(domain, selector);
    add_step(g, GEN_SIGNER_TABLE,
             N_("OpenDKIM, 3. SigningTable line, in "
                "/etc/opendkim/signing.table:"), t);
    free(t);
    add_step(g, GEN_SIGNER_SETTINGS, N_("OpenDKIM, 4. In /etc/opendkim.conf:"),
             "KeyTable      file:/etc/opendkim/key.table\n"
             "SigningTable  refile:/etc/opendkim/signing.table\n"
             "Socket        inet:8891@localhost\n");
    t = milter_settings(8891);
    add_step(g, GEN_SIGNER_SETTINGS,
             N_("OpenDKIM, 5. In /etc/postfix/main.cf, then "
                "\"systemctl restart opendkim postfix\":"), t);
    free(t);

    if (type == GEN_DKIM_ED25519) {
        /* rspamd reads Ed25519 keys in its own format, not PEM
         * (rspamd issue 4630), so a block naming this file would fail. */
        add_step(g, GEN_SIGNER_NOTE,
                 N_("rspamd cannot read an Ed25519 key in PEM "
                    "form: for rspamd, make the Ed25519 key with "
                    "\"rspamadm dkim_keygen -t ed25519\", or use an "
                    "RSA key."), NULL);
    } else {
        t = install_command(GEN_DKIM_RSPAMD, key_path, rkey);
        add_step(g, GEN_SIGNER_COMMAND,
                 N_("rspamd, 1. Copy the key where only the _rspamd "
                    "user can read it:"), t);
        free(t);
        t = gen_dkim_rspamd(domain, selector, rkey);
        add_step(g, GEN_SIGNER_TABLE,
                 N_("rspamd, 2. In "
                    "/etc/rspamd/local.d/dkim_signing.conf:"), t);
        free(t);
        t = milter_settings(11332);
        add_step(g, GEN_SIGNER_SETTINGS,
                 N_("rspamd, 3. In /etc/postfix/main.cf, then "
                    "\"systemctl restart rspamd postfix\":"), t);
        free(t);
    }
    add_step(g, GEN_SIGNER_NOTE,
             N_("In both cases, set myhostname in /etc/postfix/main.cf to "
                "the name in the PTR record of the server's address "
                "(mail.example.com, say): the server gives that name in "
                "its greeting (HELO)."), NULL);
    free(okey);
    free(rkey);
}

void
gen_signer_guide_fini(struct gen_signer_guide *g)
{
    for (size_t i = 0; i < g->n; i++) {
        for (size_t k = 0; k < g->v[i].n_lines; k++)
            free(g->v[i].lines[k]);
        free(g->v[i].lines);
    }
    free(g->v);
    g->v = NULL;
    g->n = 0;
}
