/* fuzz_spf.c - libFuzzer harness: the SPF record parser and macro
 * expansion (spf.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mailready/spf.h"
#include "mailready/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
expand_all(const char *s, const struct spf_macro_env *env)
{
    char *out = NULL;

    if (spf_macro_expand(s, env, false, &out) == RC_OK)
        free(out);
    out = NULL;
    if (spf_macro_expand(s, env, true, &out) == RC_OK)
        free(out);
    out = NULL;
    if (spf_expand_domain(s, env, &out) == RC_OK) {
        (void)spf_name_queryable(out);
        (void)spf_domain_valid(out);
        free(out);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct spf_record *r = NULL;
    struct spf_error err;
    struct spf_macro_env env;
    char *s, *esc, *local, *domain;
    size_t i;

    memset(&env, 0, sizeof(env));
    env.sender = "strong-bad@email.example.com";
    env.domain = "email.example.com";
    env.helo = "mx.example.org";
    env.ip.family = AF_INET;
    env.ip.a[0] = 192;
    env.ip.a[1] = 0;
    env.ip.a[2] = 2;
    env.ip.a[3] = 3;
    env.now = 1700000000;

    (void)spf_is_record((const char *)data, size);
    spf_error_init(&err);
    if (spf_record_parse((const char *)data, size, &r, &err) == RC_OK) {
        (void)spf_record_lookup_terms(r);
        for (i = 0; i < r->nterms; i++) {
            const struct spf_term *t = &r->terms[i];

            if (t->spec == NULL)
                continue;
            expand_all(t->spec, &env);
            env.ip.family = AF_INET6;
            env.validated = "mx.example.org";
            expand_all(t->spec, &env);
            env.ip.family = AF_INET;
            env.validated = NULL;
        }
        spf_record_free(r);
    }
    spf_error_fini(&err);

    s = xstrndup((const char *)data, size);
    (void)spf_macro_string_valid(s, strlen(s), false);
    (void)spf_macro_string_valid(s, strlen(s), true);
    (void)spf_domain_spec_valid(s, strlen(s));
    (void)spf_macro_uses(s, 'i');
    (void)spf_has_macro(s);
    expand_all(s, &env);
    esc = spf_name_escape(s);
    free(esc);
    spf_sender_split(s, &local, &domain);
    free(local);
    free(domain);
    env.sender = s;
    env.helo = s;
    expand_all("%{s}.%{l}.%{o}.%{h}.%{d2r}.%{ir}.%{v}._spf.%{d}", &env);
    free(s);
    return 0;
}
