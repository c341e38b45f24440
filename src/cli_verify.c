/* cli_verify.c - `mailready verify [FILE|-]`: did this received message
 * pass?  DKIM, SPF and DMARC of one raw message (verify.h), with what the
 * receiver said beside it. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mailready/cli.h"
#include "mailready/i18n.h"
#include "mailready/present.h"
#include "mailready/present_verify.h"
#include "mailready/util.h"
#include "mailready/verify.h"

struct verify_args {
    const char *ip, *helo, *mail_from, *key;
};

static const struct cli_opt verify_own[] = {
    {
        .name = "--ip", .arg = CLI_ARG_STR, .metavar = "IP",
        .dest = CLI_DEST_CMD, .off = offsetof(struct verify_args, ip),
        .help = N_("the sending server's address (else from the Received\n"
                   "field)"),
    },
    {
        .name = "--helo", .arg = CLI_ARG_STR, .metavar = N_("NAME"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct verify_args, helo),
        .help = N_("the sending server's HELO name"),
    },
    {
        .name = "--mail-from", .arg = CLI_ARG_STR, .metavar = N_("ADDRESS"),
        .dest = CLI_DEST_CMD,
        .off = offsetof(struct verify_args, mail_from),
        .help = N_("the envelope sender (else from Return-Path)"),
    },
    {
        .name = "--dkim-key", .arg = CLI_ARG_STR, .metavar = N_("FILE"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct verify_args, key),
        .help = N_("verify every signature with this PEM key (private\n"
                   "or public) instead of the key in DNS"),
    },
};

static const struct cli_opt *const verify_shared[] = {
    &cli_opt_json, CLI_OPTS_DNS, &cli_opt_lang,
};

static const struct cli_cmd verify_cmd = {
    .name = "verify",
    .usage = N_("Usage: mailready verify [OPTION]... [FILE|-]\n"
                "Check a received message (its raw source, as \"Show "
                "original\" or \"View\n"
                "source\" gives it): every DKIM signature, SPF of the "
                "server that sent it,\n"
                "DMARC alignment, and what the receiver said.  Reads "
                "standard input\n"
                "without FILE or with -.\n"),
    .own = verify_own,
    .nown = ARRAY_LEN(verify_own),
    .shared = verify_shared,
    .nshared = ARRAY_LEN(verify_shared),
    .max_args = 1,
    .epilogue = N_("Exit status: 0 DMARC pass, 1 pass with warnings, 2 "
                   "fail, 3 could not check.\n"),
};

/* Read at most MSG_MAX_BYTES + 1 bytes of fp. */
static char *
read_all(FILE *fp, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = xmalloc(cap);

    for (;;) {
        size_t r;
        if (n == cap) {
            if (cap > MSG_MAX_BYTES)
                break;
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        r = fread(buf + n, 1, cap - n, fp);
        n += r;
        if (r == 0)
            break;
    }
    *len = n;
    return buf;
}

static json_t *
jstr(const char *s)
{
    char *v;
    json_t *j;

    if (s == NULL)
        return json_null();
    v = str_visible(s, strlen(s));
    j = json_string(v);
    free(v);
    return j;
}

/* A reason in English with its detail (JSON is for scripts). */
static json_t *
jreason(const struct verify_dkim *d)
{
    char *a, *t;
    json_t *j;

    if (d->reason == DKIM_R_NONE)
        return json_null();
    a = str_visible(d->detail != NULL ? d->detail : "",
                    d->detail != NULL ? strlen(d->detail) : 0);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
    t = xasprintf(dkim_reason_msgid(d->reason), a);
#pragma GCC diagnostic pop
    j = json_string(t);
    free(t);
    free(a);
    return j;
}

static void
print_json(const struct verify_result *r)
{
    json_t *o = json_object(), *arr = json_array(), *x;
    const char *st[] = { "pass", "warn", "fail", "temperror" };

    for (size_t k = 0; k < r->ndkim; k++) {
        const struct verify_dkim *d = &r->dkim[k];
        x = json_object();
        json_object_set_new(x, "domain", jstr(d->domain));
        json_object_set_new(x, "selector", jstr(d->selector));
        json_object_set_new(x, "algorithm", jstr(d->algorithm));
        json_object_set_new(x, "result",
                            json_string(dkim_res_name(d->result)));
        json_object_set_new(x, "reason", jreason(d));
        json_object_set_new(x, "aligned", json_boolean(d->aligned));
        json_object_set_new(x, "body_hash_ok", json_boolean(d->body_ok));
        if (d->algorithm != NULL && d->reason == DKIM_R_SHA1)
            json_object_set_new(x, "would_pass",
                                json_boolean(d->would_pass));
        if (d->key_bits > 0)
            json_object_set_new(x, "key_bits", json_integer(d->key_bits));
        json_array_append_new(arr, x);
    }
    json_object_set_new(o, "dkim", arr);
    x = json_object();
    json_object_set_new(x, "ip", jstr(r->spf.ip));
    json_object_set_new(x, "helo", jstr(r->spf.helo));
    json_object_set_new(x, "mail_from", jstr(r->spf.mail_from));
    json_object_set_new(x, "domain", jstr(r->spf.domain));
    json_object_set_new(x, "result",
                        r->spf.why != NULL ? json_null() :
                        json_string(spf_result_name(r->spf.result)));
    json_object_set_new(x, "aligned", json_boolean(r->spf.aligned));
    if (r->spf.why != NULL)
        json_object_set_new(x, "problem", json_string(r->spf.why));
    json_object_set_new(o, "spf", x);
    x = json_object();
    json_object_set_new(x, "from_domain", jstr(r->dmarc.from_domain));
    if (r->dmarc.from_problem != NULL)
        json_object_set_new(x, "problem",
                            json_string(r->dmarc.from_problem));
    json_object_set_new(x, "record_domain", jstr(r->dmarc.record_domain));
    json_object_set_new(x, "policy",
                        r->dmarc.record_domain != NULL ?
                        json_string(dmarc_policy_name(r->dmarc.policy)) :
                        json_null());
    json_object_set_new(x, "result", json_string(
        verify_dmarc_res_name(r->dmarc.result)));
    json_object_set_new(x, "aligned_by", r->dmarc.aligned_by != NULL ?
                        json_string(r->dmarc.aligned_by) : json_null());
    json_object_set_new(o, "dmarc", x);
    arr = json_array();
    for (size_t k = 0; k < r->nar; k++) {
        const struct verify_ar *a = &r->ar[k];
        x = json_object();
        json_object_set_new(x, "authserv_id", jstr(a->authserv));
        json_object_set_new(x, "method", jstr(a->method));
        json_object_set_new(x, "result", jstr(a->result));
        json_object_set_new(x, "properties", jstr(a->props));
        json_object_set_new(x, "difference", a->note != NULL ?
                            json_string(a->note) : json_null());
        json_array_append_new(arr, x);
    }
    json_object_set_new(o, "authentication_results", arr);
    json_object_set_new(o, "arc_fields", json_integer((json_int_t)r->n_arc));
    json_object_set_new(o, "arc_instances",
                        json_integer((json_int_t)r->arc_instances));
    json_object_set_new(o, "status", json_string(st[r->status]));
    json_dumpf(o, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(o);
}

int
cli_verify(int argc, char **argv)
{
    struct cli_common com;
    struct verify_args va = { NULL, NULL, NULL, NULL };
    struct cli_args pa = { .com = &com, .cmd = &va };
    struct verify_opts vo;
    struct rc_err err = { 0 };
    struct verify *v = NULL;
    struct dns *dns = NULL;
    EVP_PKEY *key = NULL;
    const char *path;
    char *buf = NULL, *msg, *text;
    size_t len = 0;
    FILE *fp;
    enum rc rc;
    int r, ret = CLI_EXIT_ERROR;

    cli_common_init(&com);
    r = cli_parse(&verify_cmd, argc, argv, &pa);
    if (r != CLI_PARSE_RUN)
        return r;
    path = pa.nargs > 0 ? pa.args[0] : "-";
    memset(&vo, 0, sizeof(vo));
    vo.ip = va.ip;
    vo.helo = va.helo;
    vo.mail_from = va.mail_from;
    if (va.ip != NULL) {
        struct ipaddr x;
        if (!net_parse(va.ip, &x)) {
            cli_errorf(_("mailready: '%s' is not an IPv4 or IPv6 "
                         "address\n"), va.ip);
            return CLI_EXIT_ERROR;
        }
    }
    if (va.key != NULL) {
        rc = verify_load_key(va.key, &key, &err);
        if (rc != RC_OK)
            goto err;
        vo.key = key;
    }
    if (strcmp(path, "-") == 0) {
        buf = read_all(stdin, &len);
    } else {
        fp = fopen(path, "rb");
        if (fp == NULL) {
            rc_err_set(&err, errno, N_("cannot read %s"), 1, path);
            rc = RC_IO;
            goto err;
        }
        buf = read_all(fp, &len);
        fclose(fp);
    }
    rc = verify_new(buf, len, &vo, &v, &err);
    if (rc != RC_OK)
        goto err;
    dns = cli_dns_new(&com);
    if (dns == NULL)
        goto out;
    verify_start(v, dns);
    dns_run(dns);
    verify_finish(v);
    if (com.json) {
        print_json(verify_result(v));
    } else {
        text = present_verify_text(verify_result(v));
        fputs(text, stdout);
        free(text);
    }
    ret = (int)verify_result(v)->status;
    goto out;
err:
    msg = present_err(rc, &err);
    cli_errorf("mailready: %s\n", msg);
    free(msg);
out:
    dns_free(dns);
    verify_free(v);
    EVP_PKEY_free(key);
    rc_err_fini(&err);
    free(buf);
    return ret;
}
