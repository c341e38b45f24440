/* check_intent.c - live records against the admin's declared setup (see
 * check_intent.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mailready/check_intent.h"
#include "mailready/gen_mx.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

const struct finding_info check_intent_findings[] = {
    { "MX_NOT_DECLARED_SERVER", "mx",
      N_("The MX records do not lead to the server you declared"),
      N_("Mail for the domain goes where the MX records point.  If they "
         "name another server than the one you use, your mail goes there: "
         "after a move, by mistake, or because someone changed them."),
      N_("Make the MX records point to your server or provider, or update "
         "your answers if you moved.") },
    { "SPF_DECLARED_SENDER_NOT_AUTHORIZED", "spf",
      N_("The SPF record does not name a provider that sends for you"),
      N_("Receivers check mail from your provider's servers against your "
         "SPF record; without the provider's include it fails SPF, and "
         "DMARC may reject it unless DKIM passes."),
      N_("Add the provider's include to your one SPF record, keeping every "
         "term it has.") },
    { "SERVER_IP_NOT_PUBLIC", "spf",
      N_("A server address you gave is not a public address"),
      N_("Other servers see your server by its public address.  An "
         "address from a private, shared (100.64.0.0/10) or documentation "
         "range is the one inside your network, behind NAT: records with "
         "it help nobody on the Internet."),
      N_("Use the public address: the one your hosting provider's panel "
         "shows for the server, or your router's Internet address.  On "
         "the server, a web page that shows \"your IP\" gives it too.") },
    { NULL, NULL, NULL, NULL, NULL }
};

static void
add_str(char ***v, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (str_ieq((*v)[i], s))
            return;
    *v = xreallocarray(*v, *n + 1, sizeof(char *));
    (*v)[(*n)++] = xstrdup(s);
}

static void
free_strs(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void
check_intent_build(struct check_intent *ci, const char *domain,
                   const struct state_answers *a,
                   const struct preset_list *presets)
{
    bool own = false;
    struct strbuf sb;

    memset(ci, 0, sizeof(*ci));
    strbuf_init(&sb);
    for (size_t i = 0; i < a->providers.n; i++) {
        const struct preset *p = presets != NULL ?
            preset_find(presets, a->providers.v[i]) : NULL;

        if (p == NULL)
            continue;
        if (p->kind == PRESET_OWN) {
            own = true;
            continue;
        }
        if (p->spf_include != NULL && p->spf_at_apex) {
            add_str(&ci->includes, &ci->n_includes, p->spf_include);
            ci->include_names = xreallocarray(ci->include_names,
                                              ci->n_includes,
                                              sizeof(char *));
            ci->include_names[ci->n_includes - 1] = xstrdup(p->name);
        }
        if (p->kind != PRESET_MAILBOX)
            continue;
        for (size_t k = 0; k < p->n_mx; k++) {
            char *host = NULL;
            const char *brace = strrchr(p->mx[k].host, '}');

            if (gen_mx_expand(p->mx[k].host, domain, &host) == RC_OK) {
                add_str(&ci->mx_hosts, &ci->n_mx_hosts, host);
                free(host);
            } else if (brace != NULL && brace[1] == '.') {
                add_str(&ci->mx_suffixes, &ci->n_mx_suffixes, brace + 1);
            }
        }
        if (p->n_mx > 0) {
            strbuf_addf(&sb, "%s%s", sb.len > 0 ? ", " : "", p->name);
            if (p->mx_tenant_specific && p->n_mx > 0 &&
                strrchr(p->mx[0].host, '}') != NULL)
                add_str(&ci->mx_suffixes, &ci->n_mx_suffixes,
                        strrchr(p->mx[0].host, '}') + 1);
        }
    }
    for (size_t i = 0; i < a->server_ips.n; i++)
        add_str(&ci->ips, &ci->n_ips, a->server_ips.v[i]);
    /* One's own server receives unless it only sends. */
    if ((own || a->mx_host != NULL) &&
        !a->own_send_only && !a->no_mail) {
        const char *host = a->mx_host != NULL ? a->mx_host : a->hostname;

        if (host != NULL) {
            add_str(&ci->mx_hosts, &ci->n_mx_hosts, host);
            strbuf_addf(&sb, "%s%s", sb.len > 0 ? ", " : "", host);
        }
        for (size_t i = 0; i < a->server_ips.n; i++) {
            add_str(&ci->mx_ips, &ci->n_mx_ips, a->server_ips.v[i]);
            if (host == NULL)
                strbuf_addf(&sb, "%s%s", sb.len > 0 ? ", " : "",
                            a->server_ips.v[i]);
        }
    }
    ci->declared = strbuf_detach(&sb);
}

void
check_intent_fini(struct check_intent *ci)
{
    free_strs(ci->mx_hosts, ci->n_mx_hosts);
    free_strs(ci->mx_suffixes, ci->n_mx_suffixes);
    free_strs(ci->mx_ips, ci->n_mx_ips);
    free_strs(ci->includes, ci->n_includes);
    free_strs(ci->include_names, ci->n_includes);
    free_strs(ci->ips, ci->n_ips);
    free(ci->declared);
    memset(ci, 0, sizeof(*ci));
}

static bool
same_ip(const char *a, const char *b)
{
    struct ipaddr x, y;

    return net_parse(a, &x) && net_parse(b, &y) && x.family == y.family &&
           net_match(&x, &y, x.family == AF_INET ? 32 : 128);
}

/* Does one MX record lead to the declared side? */
static bool
mx_declared(const struct check_intent *ci, const json_t *rec)
{
    const char *host = json_string_value(json_object_get(rec, "host"));
    const json_t *addrs = json_object_get(rec, "addresses");

    if (host == NULL)
        return false;
    for (size_t i = 0; i < ci->n_mx_hosts; i++)
        if (name_eq(host, ci->mx_hosts[i]))
            return true;
    for (size_t i = 0; i < ci->n_mx_suffixes; i++)
        if (str_iendswith(host, ci->mx_suffixes[i]))
            return true;
    for (size_t k = 0; k < json_array_size(addrs); k++) {
        const char *a = json_string_value(json_array_get(addrs, k));
        for (size_t i = 0; a != NULL && i < ci->n_mx_ips; i++)
            if (same_ip(a, ci->mx_ips[i]))
                return true;
    }
    return false;
}

static void
apply_mx(struct check_result *res, const struct check_intent *ci)
{
    struct strbuf hosts;
    size_t n_mx = 0;

    if (!res->ran || findings_status(&res->findings) == ST_ERROR ||
        (ci->n_mx_hosts == 0 && ci->n_mx_suffixes == 0 &&
         ci->n_mx_ips == 0))
        return;
    strbuf_init(&hosts);
    for (size_t i = 0; i < json_array_size(res->records); i++) {
        const json_t *r = json_array_get(res->records, i);
        const char *host = json_string_value(json_object_get(r, "host"));

        if (!json_is_object(r) || host == NULL || host[0] == '\0')
            continue;
        if (mx_declared(ci, r)) {
            strbuf_fini(&hosts);
            return;
        }
        strbuf_addf(&hosts, "%s%s", n_mx++ > 0 ? ", " : "", host);
    }
    if (n_mx > 0)
        finding_add(&res->findings, SEV_WARN, "MX_NOT_DECLARED_SERVER",
                    N_("The MX records send mail for this domain to %1$s, "
                       "not to the server you declared (%2$s)."),
                    strbuf_str(&hosts), ci->declared);
    strbuf_fini(&hosts);
}

static bool
tree_has(const json_t *node, const char *domain, int depth)
{
    const char *d = json_string_value(json_object_get(node, "domain"));
    const json_t *kids = json_object_get(node, "children");

    if (d != NULL && name_eq(d, domain))
        return true;
    for (size_t i = 0; depth < 16 && i < json_array_size(kids); i++)
        if (tree_has(json_array_get(kids, i), domain, depth + 1))
            return true;
    return false;
}

static void
apply_spf(struct check_result *res, const char *domain,
          const struct check_intent *ci)
{
    const json_t *root = NULL;

    if (!res->ran)
        return;
    for (size_t i = 0; i < ci->n_ips; i++) {
        struct ipaddr ip;
        const char *why = NULL;

        if (!net_parse(ci->ips[i], &ip) || net_is_global(&ip, &why) ||
            why == NULL)
            continue;
        finding_add(&res->findings, SEV_WARN, "SERVER_IP_NOT_PUBLIC",
                    N_("The server address %1$s you gave is %2$s: other "
                       "servers on the Internet cannot see it. Behind NAT, "
                       "give the public address instead."), ci->ips[i], why);
        findings_msgid_arg(&res->findings, 1);
    }
    for (size_t i = 0; i < json_array_size(res->records); i++) {
        const json_t *r = json_array_get(res->records, i);
        if (json_is_object(r) && json_object_get(r, "children") != NULL) {
            root = r;
            break;
        }
    }
    /* Only over a record that could be read and is the only one. */
    if (root == NULL || !json_is_string(json_object_get(root, "status")) ||
        strcmp(json_string_value(json_object_get(root, "status")), "ok") !=
        0)
        return;
    for (size_t i = 0; i < ci->n_includes; i++)
        if (!tree_has(root, ci->includes[i], 0))
            finding_add(&res->findings, SEV_FAIL,
                        "SPF_DECLARED_SENDER_NOT_AUTHORIZED",
                        N_("The SPF record of %1$s does not include %2$s, "
                           "so mail sent through %3$s fails SPF."), domain,
                        ci->includes[i], ci->include_names[i]);
}

void
check_intent_apply(struct check_ctx *ctx, const struct check_intent *ci)
{
    apply_mx(&ctx->res[STEP_MX], ci);
    apply_spf(&ctx->res[STEP_SPF], ctx->opts->domain, ci);
}
