/* gen.c - generated records and their master-file form. */
#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/gen.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

void
gen_rrs_init(struct gen_rrs *l)
{
    l->v = NULL;
    l->n = 0;
    l->cap = 0;
}

void
gen_rrs_fini(struct gen_rrs *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].owner);
        free(l->v[i].rdata);
    }
    free(l->v);
    gen_rrs_init(l);
}

void
gen_rrs_add(struct gen_rrs *l, const char *owner, uint16_t type,
            const char *rdata, const char *note)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
    }
    l->v[l->n].owner = xstrdup(owner);
    l->v[l->n].type = type;
    l->v[l->n].rdata = xstrdup(rdata);
    l->v[l->n].note = note;
    l->n++;
}

char *
gen_txt_quote(const char *text, size_t len)
{
    struct strbuf sb = STRBUF_INIT;
    size_t i = 0;

    if (len == 0)
        return xstrdup("\"\"");
    while (i < len) {
        size_t end = len - i > GEN_TXT_CHUNK ? i + GEN_TXT_CHUNK : len;

        if (i > 0)
            strbuf_addc(&sb, ' ');
        strbuf_addc(&sb, '"');
        for (; i < end; i++) {
            unsigned char c = (unsigned char)text[i];

            if (c == '"' || c == '\\') {
                strbuf_addc(&sb, '\\');
                strbuf_addc(&sb, (char)c);
            } else if (c < 0x20 || c >= 0x7f) {
                strbuf_addf(&sb, "\\%03u", c);
            } else {
                strbuf_addc(&sb, (char)c);
            }
        }
        strbuf_addc(&sb, '"');
    }
    return strbuf_detach(&sb);
}

const char *
gen_type_name(uint16_t type)
{
    switch (type) {
    case DNS_T_A:
        return "A";
    case DNS_T_AAAA:
        return "AAAA";
    case DNS_T_CNAME:
        return "CNAME";
    case DNS_T_MX:
        return "MX";
    case DNS_T_TXT:
        return "TXT";
    case DNS_T_PTR:
        return "PTR";
    default:
        return "TYPE0";
    }
}

char *
gen_rr_format(const struct gen_rr *rr, unsigned ttl)
{
    struct strbuf sb = STRBUF_INIT;

    strbuf_addf(&sb, "%s.", rr->owner);
    if (ttl != 0)
        strbuf_addf(&sb, " %u", ttl);
    strbuf_addf(&sb, " IN %s ", gen_type_name(rr->type));
    if (rr->type == DNS_T_TXT) {
        char *q = gen_txt_quote(rr->rdata, strlen(rr->rdata));

        strbuf_adds(&sb, q);
        free(q);
    } else {
        strbuf_adds(&sb, rr->rdata);
    }
    return strbuf_detach(&sb);
}

bool
gen_name_ok(const char *s)
{
    size_t len = strnlen(s, 254), lab = 0;

    if (len == 0 || len > 253)
        return false;
    for (size_t i = 0; i <= len; i++) {
        char c = s[i];

        if (c == '.' || c == '\0') {
            if (lab == 0 || lab > 63 || s[i - 1] == '-' ||
                s[i - lab] == '-')
                return false;
            lab = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
        lab++;
    }
    return true;
}
