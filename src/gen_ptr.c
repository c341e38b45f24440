/* gen_ptr.c - the pieces of a PTR change request. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mailready/gen_ptr.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

enum rc
gen_ptr_request_new(const char *address, const char *hostname,
                    struct gen_ptr_request **out, const char **why)
{
    struct gen_ptr_request *r;
    struct ipaddr ip;
    char buf[80];
    size_t hl;

    *out = NULL;
    *why = NULL;
    if (!net_parse(address, &ip)) {
        *why = N_("\"%s\" is not an IPv4 or IPv6 address");
        return RC_INVALID;
    }
    net_unmap(&ip);
    if (!net_is_global(&ip, NULL)) {
        *why = N_("%s is not a public address; a PTR for it means nothing "
                  "to other mail servers");
        return RC_INVALID;
    }
    if (!name_is_hostname(hostname) || name_label_count(hostname) < 2) {
        *why = N_("\"%s\" is not a valid host name");
        return RC_INVALID;
    }
    r = xcalloc(1, sizeof(*r));
    r->ipv6 = ip.family == AF_INET6;
    r->address = xstrdup(net_format(&ip, buf, sizeof(buf)));
    r->reverse = xstrdup(net_reverse_name(&ip, buf, sizeof(buf)));
    r->hostname = xstrdup(hostname);
    hl = strlen(r->hostname);
    if (hl > 0 && r->hostname[hl - 1] == '.')
        r->hostname[hl - 1] = '\0';
    str_lower(r->hostname);
    *out = r;
    return RC_OK;
}

char *
gen_ptr_rname_to_email(const char *rname)
{
    struct strbuf sb = STRBUF_INIT;
    const char *p = rname;
    bool at = false;
    size_t len;

    for (; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            strbuf_addc(&sb, p[1]);
            p++;
            continue;
        }
        if (*p == '.' && !at) {
            strbuf_addc(&sb, '@');
            at = true;
            continue;
        }
        strbuf_addc(&sb, *p);
    }
    char *s = strbuf_detach(&sb);
    len = strlen(s);
    if (len > 0 && s[len - 1] == '.')
        s[--len] = '\0';
    char *a = strchr(s, '@');
    if (a == NULL || a == s || a[1] == '\0') {
        free(s);
        return NULL;
    }
    return s;
}

static char *
visible_dup(const char *s)
{
    return s != NULL ? str_visible(s, strnlen(s, 1025)) : NULL;
}

void
gen_ptr_request_set_soa(struct gen_ptr_request *r, const char *zone,
                        const char *mname, const char *rname)
{
    free(r->zone);
    free(r->nameserver);
    free(r->contact);
    r->zone = visible_dup(zone);
    r->nameserver = visible_dup(mname);
    r->contact = NULL;
    if (rname != NULL) {
        char *e = gen_ptr_rname_to_email(rname);

        if (e != NULL) {
            r->contact = str_visible(e, strlen(e));
            free(e);
        }
    }
}

void
gen_ptr_request_free(struct gen_ptr_request *r)
{
    if (r == NULL)
        return;
    free(r->address);
    free(r->reverse);
    free(r->hostname);
    free(r->zone);
    free(r->contact);
    free(r->nameserver);
    free(r);
}
