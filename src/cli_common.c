/* cli_common.c - options shared by the commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/cli.h"
#include "mailready/gen_dkim.h"
#include "mailready/i18n.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/util.h"

void
cli_common_init(struct cli_common *c)
{
    memset(c, 0, sizeof(*c));
    c->timeout_s = 5;
}

int
cli_opt_value(int argc, char **argv, int *i, const char *name,
              const char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(name);

    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, _("mailready: option %s needs a value\n"), name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

static int
add_to(const char **list, size_t *n, size_t max, const char *v,
       const char *name)
{
    if (*n >= max) {
        fprintf(stderr, _("mailready: too many %s options (at most %zu)\n"),
                name, max);
        return -1;
    }
    list[(*n)++] = v;
    return 1;
}

int
cli_common_opt(struct cli_common *c, int argc, char **argv, int *i)
{
    const char *v;
    int r;

    if (strcmp(argv[*i], "--trace") == 0) {
        c->trace = true;
        return 1;
    }
    if (strcmp(argv[*i], "--no-network") == 0) {
        c->offline = true;
        return 1;
    }
    if (strcmp(argv[*i], "--json") == 0) {
        c->json = true;
        return 1;
    }
    if ((r = cli_opt_value(argc, argv, i, "--resolver", &v)) != 0)
        return r < 0 ? r : add_to(c->resolvers, &c->n_resolvers,
                                  ARRAY_LEN(c->resolvers), v, "--resolver");
    if ((r = cli_opt_value(argc, argv, i, "--zone-file", &v)) != 0)
        return r < 0 ? r : add_to(c->zone_files, &c->n_zone_files,
                                  ARRAY_LEN(c->zone_files), v,
                                  "--zone-file");
    if ((r = cli_opt_value(argc, argv, i, "--timeout", &v)) != 0) {
        unsigned long t;

        if (r < 0)
            return r;
        if (!str_to_uint(v, 1, 600, &t)) {
            fprintf(stderr, _("mailready: --timeout takes a number of "
                              "seconds from 1 to 600, not '%s'\n"), v);
            return -1;
        }
        c->timeout_s = (unsigned)t;
        return 1;
    }
    if ((r = cli_opt_value(argc, argv, i, "--lang", &v)) != 0) {
        if (r < 0)
            return r;
        if (strcmp(v, "es") != 0 && strcmp(v, "en") != 0) {
            fprintf(stderr, _("mailready: --lang takes es or en, not "
                              "'%s'\n"), v);
            return -1;
        }
        c->lang = v;
        i18n_set_lang(v);
        return 1;
    }
    if ((r = cli_opt_value(argc, argv, i, "--state-dir", &v)) != 0) {
        if (r > 0)
            c->state_dir = v;
        return r;
    }
    return 0;
}

int
cli_target_opt(struct cli_target *t, int argc, char **argv, int *i)
{
    const char *v;
    int r;

    if ((r = cli_opt_value(argc, argv, i, "--server-ip", &v)) != 0) {
        struct ipaddr ip;

        if (r < 0)
            return r;
        if (!net_parse(v, &ip)) {
            fprintf(stderr, _("mailready: '%s' is not an IPv4 or IPv6 "
                              "address\n"), v);
            return -1;
        }
        return add_to(t->ips, &t->nips, ARRAY_LEN(t->ips), v,
                      "--server-ip");
    }
    if ((r = cli_opt_value(argc, argv, i, "--selector", &v)) != 0) {
        if (r < 0)
            return r;
        if (!gen_dkim_selector_ok(v)) {
            fprintf(stderr, _("mailready: '%s' is not a valid DKIM "
                              "selector\n"), v);
            return -1;
        }
        return add_to(t->sels, &t->nsels, ARRAY_LEN(t->sels), v,
                      "--selector");
    }
    if ((r = cli_opt_value(argc, argv, i, "--hostname", &v)) != 0) {
        if (r < 0)
            return r;
        if (!name_is_hostname(v)) {
            fprintf(stderr, _("mailready: '%s' is not a valid host "
                              "name\n"), v);
            return -1;
        }
        t->hostname = v;
        return 1;
    }
    if ((r = cli_opt_value(argc, argv, i, "--dkim-key", &v)) != 0) {
        if (r > 0)
            t->dkim_key = v;
        return r;
    }
    return 0;
}

struct dns *
cli_dns_new(const struct cli_common *c)
{
    struct dns_opts o;
    struct dns *d = NULL;
    char *err = NULL;

    memset(&o, 0, sizeof(o));
    o.resolvers = c->resolvers;
    o.n_resolvers = c->n_resolvers;
    o.zone_files = c->zone_files;
    o.n_zone_files = c->n_zone_files;
    o.timeout_ms = c->timeout_s * 1000;
    o.trace = c->trace ? stderr : NULL;
    o.offline = c->offline;
    if (dns_new(&o, &d, &err) != RC_OK) {
        fprintf(stderr, _("mailready: cannot set up DNS: %s\n"),
                err != NULL ? err : "?");
        free(err);
        return NULL;
    }
    return d;
}

bool
cli_domain(const char *arg, char **alabel, char **ulabel)
{
    const char *why = NULL;

    if (name_normalize(arg, false, false, alabel, ulabel, &why) == RC_OK)
        return true;
    char *vis = str_visible(arg, strnlen(arg, 300));
    fprintf(stderr, _("mailready: '%1$s' is not a valid domain name: "
                      "%2$s\n"), vis, _(why));
    free(vis);
    return false;
}
