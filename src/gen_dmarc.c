/* gen_dmarc.c - DMARC record builder. */
#include <stdlib.h>
#include <string.h>

#include "mailready/gen_dmarc.h"
#include "mailready/name.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

static const char *const policy_names[] = { "none", "quarantine", "reject" };

bool
gen_dmarc_policy_parse(const char *s, enum gen_dmarc_policy *out)
{
    for (size_t i = 0; i < ARRAY_LEN(policy_names); i++) {
        if (str_ieq(s, policy_names[i])) {
            *out = (enum gen_dmarc_policy)i;
            return true;
        }
    }
    return false;
}

const char *
gen_dmarc_policy_name(enum gen_dmarc_policy p)
{
    if (p < GEN_DMARC_NONE || p > GEN_DMARC_REJECT)
        return "none";
    return policy_names[p];
}

/* RFC 5321 atext plus '.', less what DMARC URIs reserve ('!' size
 * suffix, ',' list separator) and '%' (no percent-encoding here). */
static bool
local_ok(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9'))
        return true;
    return c != '\0' && strchr(".#$&'*+-/=?^_`{|}~", c) != NULL;
}

enum rc
gen_dmarc_uri(const char *in, char **uri, char **host, const char **why)
{
    const char *at, *addr = in;
    size_t len = strnlen(in, 321);

    *uri = NULL;
    *host = NULL;
    *why = NULL;
    if (len > 320) {
        *why = N_("the report address %s is too long");
        return RC_INVALID;
    }
    if (str_nieq(addr, "mailto:", 7))
        addr += 7;
    at = strrchr(addr, '@');
    if (at == NULL || at == addr || at[1] == '\0') {
        *why = N_("%s is not an email address (user@example.com)");
        return RC_INVALID;
    }
    for (const char *p = addr; p < at; p++) {
        if (!local_ok(*p)) {
            *why = N_("the report address %s has a character that a DMARC "
                      "record cannot carry (only letters, digits and "
                      ". - _ + = are safe)");
            return RC_INVALID;
        }
    }
    if (addr[0] == '.' || at[-1] == '.' || strstr(addr, "..") != NULL) {
        *why = N_("%s is not an email address (user@example.com)");
        return RC_INVALID;
    }
    char *h = xstrdup(at + 1);
    size_t hl = strlen(h);
    if (hl > 0 && h[hl - 1] == '.')
        h[hl - 1] = '\0';
    str_lower(h);
    if (!name_is_hostname(h) || name_label_count(h) < 2) {
        free(h);
        *why = N_("the domain of the report address %s is not a valid "
                  "host name");
        return RC_INVALID;
    }
    *uri = xasprintf("mailto:%.*s@%s", (int)(at - addr), addr, h);
    *host = h;
    return RC_OK;
}

static void
add_auth(struct gen_dmarc *d, const char *domain, const char *host)
{
    char *name;

    if (name_is_subdomain(host, domain) || name_is_subdomain(domain, host))
        return;
    name = xasprintf("%s._report._dmarc.%s", domain, host);
    for (size_t i = 0; i < d->n_auth; i++) {
        if (str_ieq(d->auth[i], name)) {
            free(name);
            return;
        }
    }
    d->auth = xreallocarray(d->auth, d->n_auth + 1, sizeof(*d->auth));
    d->auth[d->n_auth++] = name;
}

/* uri is one of the comma-separated URIs in list. */
static bool
uri_listed(const char *list, const char *uri)
{
    size_t n = strlen(uri);

    for (const char *p = list; *p != '\0';) {
        size_t k = strcspn(p, ",");

        if (k == n && strncmp(p, uri, n) == 0)
            return true;
        p += k;
        if (*p == ',')
            p++;
    }
    return false;
}

enum rc
gen_dmarc_build(const char *domain, const struct gen_dmarc_opts *o,
                struct gen_dmarc *out)
{
    struct strbuf sb = STRBUF_INIT;
    struct strbuf rua = STRBUF_INIT;

    memset(out, 0, sizeof(*out));
    if (o->p < GEN_DMARC_NONE || o->p > GEN_DMARC_REJECT ||
        o->sp < GEN_DMARC_INHERIT || o->sp > GEN_DMARC_REJECT) {
        out->why = N_("unknown DMARC policy %s");
        out->bad = xstrdup("?");
        return RC_INVALID;
    }
    for (size_t i = 0; i < o->n_rua; i++) {
        char *uri, *host;
        const char *why;

        if (gen_dmarc_uri(o->rua[i], &uri, &host, &why) != RC_OK) {
            strbuf_fini(&rua);
            gen_dmarc_fini(out);
            out->why = why;
            out->bad = str_visible(o->rua[i], strnlen(o->rua[i], 400));
            return RC_INVALID;
        }
        if (!uri_listed(strbuf_str(&rua), uri)) {
            if (rua.len > 0)
                strbuf_addc(&rua, ',');
            strbuf_adds(&rua, uri);
        }
        add_auth(out, domain, host);
        free(uri);
        free(host);
    }
    strbuf_addf(&sb, "v=DMARC1; p=%s", gen_dmarc_policy_name(o->p));
    if (o->sp != GEN_DMARC_INHERIT && o->sp != o->p)
        strbuf_addf(&sb, "; sp=%s", gen_dmarc_policy_name(o->sp));
    if (o->strict_dkim)
        strbuf_adds(&sb, "; adkim=s");
    if (o->strict_spf)
        strbuf_adds(&sb, "; aspf=s");
    if (rua.len > 0)
        strbuf_addf(&sb, "; rua=%s", strbuf_str(&rua));
    strbuf_fini(&rua);
    out->record = strbuf_detach(&sb);
    return RC_OK;
}

void
gen_dmarc_fini(struct gen_dmarc *d)
{
    free(d->record);
    for (size_t i = 0; i < d->n_auth; i++)
        free(d->auth[i]);
    free(d->auth);
    free(d->bad);
    memset(d, 0, sizeof(*d));
}
