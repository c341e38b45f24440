/* fuzz_zone.c - libFuzzer harness: zone text in master-file format
 * (dns_load_zone_text), then a few queries answered from it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
on_answer(void *arg, const struct dns_answer *ans)
{
    size_t *sum = arg;

    *sum += ans->nrr + strlen(ans->canon);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint16_t types[] = {
        DNS_T_MX, DNS_T_TXT, DNS_T_A, DNS_T_AAAA, DNS_T_CNAME, DNS_T_PTR
    };
    static const char *const names[] = {
        "fuzz.test", "www.fuzz.test", "_dmarc.fuzz.test",
        "sel._domainkey.fuzz.test", "a.b.c.fuzz.test", "other.test"
    };
    struct dns_opts opts;
    struct dns *d = NULL;
    struct rc_err err = { 0 };
    char *text;
    size_t i, sum = 0;

    if (size > 65536)
        return 0;
    memset(&opts, 0, sizeof(opts));
    opts.offline = true;
    if (dns_new(&opts, &d, &err) != RC_OK) {
        rc_err_fini(&err);
        return 0;
    }
    text = xstrndup((const char *)data, size);
    if (dns_load_zone_text(d, text, "fuzz.test", &err) == RC_OK) {
        for (i = 0; i < ARRAY_LEN(names); i++)
            dns_query(d, names[i], types[i], on_answer, &sum);
        dns_run(d);
    }
    rc_err_fini(&err);
    free(text);
    dns_free(d);
    return 0;
}
