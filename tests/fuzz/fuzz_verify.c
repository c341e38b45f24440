/* fuzz_verify.c - libFuzzer harness: a received message through the
 * verifier (verify.h): msg_parse() and its limits, DKIM-Signature tag
 * validation, both canonicalizations, header selection, the signature
 * check against a fixed Ed25519 key, the From/Received/Return-Path and
 * Authentication-Results parsers, and a whole verify run over a resolver
 * that never reaches the network. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/dkim_verify.h"
#include "mailready/dns.h"
#include "mailready/msg.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"
#include "mailready/verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 8463 A.2 */
static const char key[] =
    "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

static void
each_header(const struct msg *m)
{
    struct strbuf sb = STRBUF_INIT;

    for (size_t k = 0; k < m->nh && k < 64; k++) {
        const struct msg_header *h = &m->h[k];
        char *t = msg_header_text(h), *a = NULL, *b = NULL;
        const char *why;
        struct verify_ar *ar = NULL;
        size_t nar = 0;

        dkim_canon_header(DKIM_CANON_RELAXED, h->raw, h->len, h->name_len,
                          &sb);
        dkim_canon_header(DKIM_CANON_SIMPLE, h->raw, h->len, h->name_len,
                          &sb);
        free(verify_from_domain(t, &why));
        if (verify_received(t, &a, &b)) {
            free(a);
            free(b);
        }
        verify_ar_parse(t, &ar, &nar, 8);
        for (size_t j = 0; j < nar; j++)
            verify_ar_fini(&ar[j]);
        free(ar);
        free(t);
        if (msg_header_is(h, "DKIM-Signature")) {
            struct dkim_sig sig;
            struct dkim_check c;
            char *detail = NULL;

            if (dkim_sig_parse(h, 1600000000, &sig, &detail) ==
                DKIM_R_NONE) {
                dkim_verify_sig(m, k, &sig, key, strlen(key), NULL, &c);
                dkim_check_fini(&c);
            }
            free(detail);
            dkim_sig_fini(&sig);
        }
        strbuf_reset(&sb);
    }
    dkim_canon_body(DKIM_CANON_RELAXED, m->body, m->body_len, &sb);
    dkim_canon_body(DKIM_CANON_SIMPLE, m->body, m->body_len, &sb);
    strbuf_fini(&sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct msg m;
    struct rc_err err = { 0 };
    struct verify *v = NULL;
    struct dns *dns = NULL;
    struct dns_opts o;
    struct verify_opts vo;

    if (msg_parse((const char *)data, size, &m, &err) == RC_OK) {
        each_header(&m);
        msg_fini(&m);
    }
    rc_err_fini(&err);

    memset(&o, 0, sizeof(o));
    o.offline = true;
    memset(&vo, 0, sizeof(vo));
    vo.now = 1600000000;
    if (verify_new((const char *)data, size, &vo, &v, &err) == RC_OK &&
        dns_new(&o, &dns, NULL) == RC_OK) {
        verify_start(v, dns);
        dns_run(dns);
        verify_finish(v);
        (void)verify_result(v);
    }
    dns_free(dns);
    verify_free(v);
    rc_err_fini(&err);
    return 0;
}
