/* fuzz_dns_parse.c - libFuzzer harness: the DNS wire parser
 * (dns_parse.h) on arbitrary responses, and the name helpers on the same
 * bytes read as a presentation-form name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/dns_parse.h"
#include "mailready/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
walk(const struct dns_answer *a)
{
    size_t i, j, sum = 0;

    for (i = 0; i < a->nrr; i++) {
        const struct dns_rr *rr = &a->rr[i];

        sum += strlen(rr->owner);
        switch (rr->type) {
        case DNS_T_MX:
            sum += strlen(rr->u.mx.host);
            break;
        case DNS_T_CNAME:
        case DNS_T_NS:
        case DNS_T_PTR:
            sum += strlen(rr->u.name);
            break;
        case DNS_T_TXT:
        case DNS_T_SPF:
            for (j = 0; j < rr->u.txt.n; j++)
                sum += rr->u.txt.len[j];
            break;
        default:
            break;
        }
    }
    if (a->canon != NULL)
        sum += strlen(a->canon);
    (void)sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dns_answer *a;
    struct dns_rr rr;
    char name[DNS_NAME_BUF];
    unsigned char wire[DNS_WIRE_NAME_MAX];
    size_t off, wlen;
    char *s;

    a = dns_parse(data, size, NULL, 0);
    walk(a);
    dns_answer_free(a);
    a = dns_parse(data, size, "example.com", DNS_T_TXT);
    walk(a);
    dns_answer_free(a);

    off = 12;
    if (dns_name_read(data, size, &off, name, sizeof(name)))
        (void)dns_name_to_wire(name, wire, &wlen);
    off = 0;
    memset(&rr, 0, sizeof(rr));
    if (dns_rr_read(data, size, &off, &rr)) {
        struct dns_rr copy;

        dns_rr_copy(&copy, &rr);
        dns_rr_fini(&copy);
    }
    dns_rr_fini(&rr);

    s = xstrndup((const char *)data, size);
    if (dns_name_to_wire(s, wire, &wlen)) {
        unsigned char q[DNS_QUERY_MAX];
        size_t qlen;

        (void)dns_build_query(s, DNS_T_MX, 1232, q, &qlen);
    }
    if (dns_name_canon(s, true, name, sizeof(name)))
        (void)dns_name_eq(name, s);
    free(s);
    return 0;
}
