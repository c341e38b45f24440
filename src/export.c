/* export.c - the master-file and DNS-panel forms of a record, for the
 * checklist (see export.h). */
#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/export.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

char *
export_relative_name(const char *owner, const char *domain)
{
    size_t lo = strlen(owner), ld = strlen(domain);

    if (str_ieq(owner, domain))
        return xstrdup("@");
    if (lo > ld + 1 && owner[lo - ld - 1] == '.' &&
        str_ieq(owner + lo - ld, domain))
        return xstrndup(owner, lo - ld - 1);
    return xasprintf("%s.", owner);
}

char *
export_zone_record(const struct gen_rr *rr, unsigned ttl, size_t chunk,
                   int indent)
{
    struct strbuf sb = STRBUF_INIT;
    size_t len;

    char *line = gen_rr_format(rr, ttl);

    if (chunk == 0 || chunk > GEN_TXT_CHUNK)
        chunk = GEN_TXT_CHUNK;
    if (rr->type != DNS_T_TXT || (strlen(line) <= EXPORT_ZONE_WIDTH &&
                                  strlen(rr->rdata) <= chunk))
        return line;
    free(line);
    strbuf_addf(&sb, "%s.", rr->owner);
    if (ttl != 0)
        strbuf_addf(&sb, " %u", ttl);
    strbuf_addf(&sb, " IN %s (", gen_type_name(rr->type));
    len = strlen(rr->rdata);
    for (size_t i = 0; i < len; i += chunk) {
        size_t n = len - i < chunk ? len - i : chunk;
        char *q = gen_txt_quote(rr->rdata + i, n);

        strbuf_addf(&sb, "\n%*s%s", indent, "", q);
        free(q);
    }
    strbuf_addf(&sb, " )");
    return strbuf_detach(&sb);
}

size_t
export_panel_split(const char *txt, char ***out)
{
    size_t len = strlen(txt), n = 0;

    *out = NULL;
    if (len <= GEN_TXT_CHUNK)
        return 0;
    *out = xcalloc(len / GEN_TXT_CHUNK + 1, sizeof(**out));
    for (size_t i = 0; i < len; i += GEN_TXT_CHUNK) {
        size_t k = len - i < GEN_TXT_CHUNK ? len - i : GEN_TXT_CHUNK;

        (*out)[n++] = gen_txt_quote(txt + i, k);
    }
    return n;
}

void
export_chunks_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
