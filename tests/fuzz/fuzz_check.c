/* fuzz_check.c - libFuzzer harness: every check step over hostile zone
 * data.  The input is the zone text of fuzz.test, optionally followed by
 * a line "%%" and the zone text of 89.67.45.in-addr.arpa (the PTR of the
 * server 45.67.89.10).  The oracle: whatever DNS holds, every finding
 * argument and every string in the records is safe for a terminal (valid
 * UTF-8, no control character but a newline in a record's text, no bidi
 * override), as the frontends print them as they are. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "mailready/check.h"
#include "mailready/dns.h"
#include "mailready/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Length of the terminal-safe UTF-8 character at s, 0 if it is not. */
static size_t
safe_len(const unsigned char *s, size_t n, int allow_nl)
{
    size_t len, i;
    unsigned long cp;

    if (s[0] < 0x80) {
        if ((s[0] < 0x20 && !(allow_nl && s[0] == '\n')) || s[0] == 0x7f)
            return 0;
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
        (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
        (cp >= 0x2066 && cp <= 0x2069))
        return 0;
    return len;
}

static void
check_text(const char *s, int allow_nl)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, l;

    while (i < n) {
        l = safe_len(p + i, n - i, allow_nl);
        if (l == 0)
            abort();
        i += l;
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
    char *err = NULL, *text, *rev;
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
    co.n_selectors = 1;
    check_ctx_init(&ctx, d, &co);
    check_run_all(&ctx, CHECK_ALL_STEPS);
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
    free(err);
    free(text);
    dns_free(d);
    return 0;
}
