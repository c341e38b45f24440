/* fuzz_check.c - libFuzzer harness: every check step over hostile zone
 * data.  The input is the zone text of fuzz.test, optionally followed by
 * a line "%%" and the zone text of 89.67.45.in-addr.arpa (the PTR of the
 * server 45.67.89.10).  The DKIM step checks the selector "sel", or when
 * the input starts with ";d" (a zone comment) discovers selectors (the
 * dated ones: no data directory), as `mailready check` without
 * --selector does: the path of issue 19's wildcard CNAME crash.  The
 * oracle (oracle_text.h, independent of util.c): whatever DNS holds,
 * every finding argument and every string in the records is safe for a
 * terminal (valid UTF-8; no control character but a newline in a
 * record's text; no bidi, format or invisible character; no run of more
 * than 4 zero-width characters), as the frontends print them as they
 * are. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "mailready/check.h"
#include "mailready/dns.h"
#include "mailready/util.h"
#include "oracle_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *s, int allow_nl)
{
    const char *why = oracle_text_problem(s, strlen(s), allow_nl);

    if (why != NULL) {
        fprintf(stderr, "fuzz_check: %s in \"%s\"\n", why, s);
        abort();
    }
}

static void
check_json(const json_t *j)
{
    const char *key;
    json_t *v;
    size_t i;

    if (json_is_string(j)) {
        check_text(json_string_value(j), 1);
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            check_json(v);
    } else if (json_is_object(j)) {
        json_object_foreach((json_t *)j, key, v) {
            check_text(key, 0);
            check_json(v);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const ips[] = { "45.67.89.10" };
    static const char *const sels[] = { "sel" };
    struct dns_opts o;
    struct dns *d = NULL;
    struct check_opts co;
    struct check_ctx ctx;
    struct rc_err err = { 0 };
    char *text, *rev;
    int step;

    if (size > 16384)
        return 0;
    text = xstrndup((const char *)data, size);
    rev = strstr(text, "\n%%\n");
    if (rev != NULL) {
        *rev = '\0';
        rev += 4;
    }
    memset(&o, 0, sizeof(o));
    o.offline = true;
    if (dns_new(&o, &d, &err) != RC_OK)
        goto out;
    if (dns_load_zone_text(d, text, "fuzz.test", &err) != RC_OK)
        goto out;
    if (rev != NULL &&
        dns_load_zone_text(d, rev, "89.67.45.in-addr.arpa", &err) != RC_OK)
        goto out;
    memset(&co, 0, sizeof(co));
    co.domain = "fuzz.test";
    co.server_ips = ips;
    co.n_server_ips = 1;
    co.selectors = sels;
    co.n_selectors = size >= 2 && data[0] == ';' && data[1] == 'd' ? 0 : 1;
    check_ctx_init(&ctx, d, &co);
    /* The DNS steps: the delivery step connects to the addresses it finds
     * (network I/O, not DNS data). */
    check_run_all(&ctx, CHECK_DEFAULT_STEPS);
    for (step = 0; step < STEP_COUNT; step++) {
        const struct check_result *r = &ctx.res[step];
        size_t i;

        for (i = 0; i < r->findings.n; i++)
            for (int k = 0; k < r->findings.v[i].nargs; k++)
                check_text(r->findings.v[i].args[k], 0);
        check_json(r->records);
    }
    check_ctx_fini(&ctx);
out:
    rc_err_fini(&err);
    free(text);
    dns_free(d);
    return 0;
}
