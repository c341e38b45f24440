/* present_verify.c - the verify report in words (present_verify.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/i18n.h"
#include "mailready/present_verify.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

static char *
vis(const char *s)
{
    return str_visible(s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

/* A translated msgid with at most one %s argument (made visible). */
static void
add_msg(struct strbuf *sb, const char *indent, const char *msgid,
        const char *arg)
{
    char *a = vis(arg);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
    char *t = xasprintf(_(msgid), a);
#pragma GCC diagnostic pop
    strbuf_addf(sb, "%s%s\n", indent, t);
    free(t);
    free(a);
}

const char *
present_verify_verdict(enum verify_status st)
{
    switch (st) {
    case VERIFY_ST_PASS:
        return _("The message passes DMARC: receivers see it as really "
                 "from its From domain.");
    case VERIFY_ST_WARN:
        return _("The message passes DMARC, with warnings (see above).");
    case VERIFY_ST_FAIL:
        return _("The message does not pass DMARC: receivers may reject "
                 "it or file it as spam.");
    case VERIFY_ST_ERROR:
        return _("Some results could not be checked (DNS error): try "
                 "again later.");
    }
    return "";
}

static void
dkim_part(struct strbuf *sb, const struct verify_result *r)
{
    strbuf_addf(sb, "%s\n", _("DKIM signatures"));
    if (r->ndkim == 0)
        strbuf_addf(sb, "  %s\n", _("The message has no DKIM signature: "
                                    "the server does not sign it."));
    for (size_t k = 0; k < r->ndkim; k++) {
        const struct verify_dkim *d = &r->dkim[k];
        char *dom = vis(d->domain), *sel = vis(d->selector);
        char *alg = vis(d->algorithm);
        char n[24];

        snprintf(n, sizeof(n), "%zu", k + 1);
        strbuf_addf(sb, _("  %1$s. d=%2$s s=%3$s a=%4$s: %5$s"), n, dom,
                    sel, alg, dkim_res_name(d->result));
        if (d->result == DKIM_RES_PASS)
            strbuf_addf(sb, " %s", d->aligned ?
                        _("(aligned with From)") :
                        _("(not aligned with From)"));
        strbuf_addc(sb, '\n');
        if (d->reason != DKIM_R_NONE)
            add_msg(sb, "     ", dkim_reason_msgid(d->reason), d->detail);
        if (d->reason == DKIM_R_SHA1)
            strbuf_addf(sb, "     %s\n", d->would_pass ?
                        _("With rsa-sha256 it would have verified: sign "
                          "with rsa-sha256.") :
                        _("It would not have verified either."));
        if (d->reason == DKIM_R_SIGNATURE && d->body_ok)
            strbuf_addf(sb, "     %s\n", _("The body is intact: what "
                                           "changed is in the signed "
                                           "header fields."));
        if (d->result == DKIM_RES_PASS && d->algorithm != NULL &&
            strncmp(d->algorithm, "rsa-", 4) == 0 && d->key_bits < 2048) {
            snprintf(n, sizeof(n), "%u", d->key_bits);
            add_msg(sb, "     ", N_("The key has only %s bits: use 2048 "
                                    "(mailready keygen)."), n);
        }
        if (d->testing)
            strbuf_addf(sb, "     %s\n", _("The key is marked as testing "
                                           "(t=y)."));
        free(dom);
        free(sel);
        free(alg);
    }
    if (r->dkim_skipped > 0) {
        char n[24];
        snprintf(n, sizeof(n), "%zu", r->dkim_skipped);
        add_msg(sb, "  ", N_("Signatures over the limit, not checked: "
                             "%s."), n);
    }
}

static void
spf_part(struct strbuf *sb, const struct verify_result *r)
{
    const struct verify_spf *s = &r->spf;

    strbuf_addf(sb, "%s\n", _("SPF"));
    if (s->why != NULL && (!s->have_ip || s->domain == NULL ||
                           s->mail_from == NULL)) {
        add_msg(sb, "  ", s->why, NULL);
        return;
    }
    {
        char *ip = vis(s->ip), *helo = vis(s->helo);
        char *mf = vis(s->mail_from), *dom = vis(s->domain);
        strbuf_addf(sb, _("  Sent from %1$s (HELO %2$s), envelope sender "
                          "<%3$s>\n"), ip, helo, mf);
        if (s->why != NULL)
            add_msg(sb, "  ", s->why, NULL);
        else
            strbuf_addf(sb, _("  SPF for %1$s: %2$s%3$s\n"), dom,
                        spf_result_name(s->result),
                        s->aligned ? _(" (aligned with From)") : "");
        free(ip);
        free(helo);
        free(mf);
        free(dom);
    }
}

static void
dmarc_part(struct strbuf *sb, const struct verify_result *r)
{
    const struct verify_dmarc *d = &r->dmarc;
    char *from = vis(d->from_domain), *rec = vis(d->record_domain);

    strbuf_addf(sb, "%s\n", _("DMARC"));
    if (d->from_domain == NULL) {
        add_msg(sb, "  ", d->from_problem, NULL);
        goto out;
    }
    if (d->record_domain != NULL)
        strbuf_addf(sb, _("  From domain %1$s, policy p=%2$s (record at "
                          "_dmarc.%3$s)\n"), from,
                    dmarc_policy_name(d->policy), rec);
    else
        strbuf_addf(sb, _("  From domain %s: no DMARC policy found\n"),
                    from);
    switch (d->result) {
    case VERIFY_DMARC_PASS:
        strbuf_addf(sb, _("  DMARC: pass (aligned by %s)\n"), d->aligned_by);
        break;
    case VERIFY_DMARC_FAIL:
        strbuf_addf(sb, "  %s\n", _("DMARC: fail (neither a DKIM "
                                    "signature nor SPF passed aligned "
                                    "with From)"));
        break;
    case VERIFY_DMARC_NONE:
        strbuf_addf(sb, "  %s\n", _("DMARC: none (publish a DMARC "
                                    "record)"));
        break;
    case VERIFY_DMARC_TEMPERROR:
        strbuf_addf(sb, "  %s\n", _("DMARC: temperror (a DNS error; not "
                                    "your fault, try again)"));
        break;
    }
out:
    free(from);
    free(rec);
}

static void
ar_part(struct strbuf *sb, const struct verify_result *r)
{
    strbuf_addf(sb, "%s\n", _("What the receiver said "
                              "(Authentication-Results)"));
    if (r->nar == 0)
        strbuf_addf(sb, "  %s\n", _("None in the message."));
    for (size_t k = 0; k < r->nar; k++) {
        const struct verify_ar *a = &r->ar[k];
        char *s = vis(a->authserv), *m = vis(a->method);
        char *res = vis(a->result), *p = vis(a->props);

        strbuf_addf(sb, "  %s: %s=%s %s\n", s, m, res, p);
        if (a->note != NULL)
            add_msg(sb, "     ", a->note, NULL);
        free(s);
        free(m);
        free(res);
        free(p);
    }
    if (r->n_arc > 0) {
        char n[24];
        snprintf(n, sizeof(n), "%zu", r->n_arc);
        add_msg(sb, "  ", N_("ARC header fields (listed, not evaluated): "
                             "%s."), n);
    }
}

char *
present_verify_text(const struct verify_result *r)
{
    struct strbuf sb = STRBUF_INIT;

    dkim_part(&sb, r);
    spf_part(&sb, r);
    dmarc_part(&sb, r);
    ar_part(&sb, r);
    if (r->lf_only)
        strbuf_addf(&sb, "%s\n", _("(The file had LF line ends; read as "
                                   "CRLF, as it was sent.)"));
    strbuf_addf(&sb, "%s\n", present_verify_verdict(r->status));
    return strbuf_detach(&sb);
}
