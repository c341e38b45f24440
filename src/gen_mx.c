/* gen_mx.c - MX record builder. */
#include <stdlib.h>
#include <string.h>

#include "mailready/gen_mx.h"
#include "mailready/name.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

enum rc
gen_mx_expand(const char *tmpl, const char *domain, char **out)
{
    struct strbuf sb = STRBUF_INIT;
    const char *p = tmpl;

    *out = NULL;
    while (*p != '\0') {
        if (strncmp(p, "{domain}", 8) == 0) {
            strbuf_adds(&sb, domain);
            p += 8;
        } else if (strncmp(p, "{domain_dashes}", 15) == 0) {
            if (strchr(domain, '-') != NULL) {
                strbuf_fini(&sb);
                return RC_UNSUPPORTED;
            }
            for (const char *d = domain; *d != '\0'; d++)
                strbuf_addc(&sb, *d == '.' ? '-' : *d);
            p += 15;
        } else if (*p == '{' || *p == '}') {
            strbuf_fini(&sb);
            return RC_INVALID;
        } else {
            strbuf_addc(&sb, *p++);
        }
    }
    char *s = strbuf_detach(&sb);
    str_lower(s);
    if (!name_is_hostname(s) || name_label_count(s) < 2) {
        free(s);
        return RC_INVALID;
    }
    *out = s;
    return RC_OK;
}

enum rc
gen_mx_rdata(unsigned pref, const char *host, char **out)
{
    size_t len = strlen(host);

    *out = NULL;
    if (pref > 65535 || !name_is_hostname(host) ||
        name_label_count(host) < 2)
        return RC_INVALID;
    if (host[len - 1] == '.')
        *out = xasprintf("%u %s", pref, host);
    else
        *out = xasprintf("%u %s.", pref, host);
    str_lower(*out);
    return RC_OK;
}
