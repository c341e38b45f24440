/* test_gen_signer.c - the signer setup steps shared by keygen and the
 * wizard. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mailready/gen_signer.h"

/* The step whose label starts with prefix (msgids are English). */
static const struct gen_signer_step *
step(const struct gen_signer_guide *g, const char *prefix)
{
    for (size_t i = 0; i < g->n; i++)
        if (strncmp(g->v[i].label, prefix, strlen(prefix)) == 0)
            return &g->v[i];
    return NULL;
}

static void
gen_signer__rsa__every_step_in_order(void **state)
{
    struct gen_signer_guide g;
    const struct gen_signer_step *s;

    (void)state;
    gen_signer_guide_init(&g, "example.com", "s1", "/k/s1.private",
                          GEN_DKIM_RSA);
    assert_int_equal(g.n, 10);
    assert_int_equal(g.v[0].kind, GEN_SIGNER_NOTE);
    assert_int_equal(g.v[0].n_lines, 0);
    s = step(&g, "OpenDKIM, 1.");
    assert_non_null(s);
    assert_int_equal(s->kind, GEN_SIGNER_COMMAND);
    assert_int_equal(s->n_lines, 3);
    assert_string_equal(s->lines[0],
                        "install -D -o opendkim -g opendkim -m 0600 \\");
    assert_string_equal(s->lines[1], "    /k/s1.private \\");
    assert_string_equal(s->lines[2],
                        "    /etc/opendkim/keys/example.com/s1.private");
    s = step(&g, "OpenDKIM, 2.");
    assert_int_equal(s->kind, GEN_SIGNER_TABLE);
    assert_int_equal(s->n_lines, 1);
    assert_string_equal(s->lines[0], "s1._domainkey.example.com "
                        "example.com:s1:"
                        "/etc/opendkim/keys/example.com/s1.private");
    s = step(&g, "OpenDKIM, 3.");
    assert_string_equal(s->lines[0], "*@example.com s1._domainkey.example.com");
    s = step(&g, "OpenDKIM, 4.");
    assert_int_equal(s->n_lines, 3);
    assert_string_equal(s->lines[1],
                        "SigningTable  refile:/etc/opendkim/signing.table");
    s = step(&g, "OpenDKIM, 5.");
    assert_string_equal(s->lines[0], "smtpd_milters = inet:localhost:8891");
    s = step(&g, "rspamd, 2.");
    assert_non_null(s);
    assert_int_equal(s->n_lines, 6);
    assert_string_equal(s->lines[2],
        "    path = \"/var/lib/rspamd/dkim/example.com.s1.key\";");
    s = step(&g, "rspamd, 3.");
    assert_string_equal(s->lines[0], "smtpd_milters = inet:localhost:11332");
    assert_int_equal(g.v[g.n - 1].kind, GEN_SIGNER_NOTE);
    assert_non_null(strstr(g.v[g.n - 1].label, "myhostname"));
    gen_signer_guide_fini(&g);
    assert_null(g.v);
}

static void
gen_signer__ed25519__no_rspamd_block(void **state)
{
    struct gen_signer_guide g;

    (void)state;
    gen_signer_guide_init(&g, "example.com", "e1", "/k/e1.private",
                          GEN_DKIM_ED25519);
    assert_int_equal(g.n, 8);
    assert_null(step(&g, "rspamd, 1."));
    assert_null(step(&g, "rspamd, 2."));
    assert_non_null(step(&g, "rspamd cannot read an Ed25519 key"));
    gen_signer_guide_fini(&g);
}

static void
gen_signer__odd_key_path__single_quoted(void **state)
{
    struct gen_signer_guide g;
    const struct gen_signer_step *s;

    (void)state;
    gen_signer_guide_init(&g, "example.com", "s1",
                          "/home/Ana Ruiz/it's;$(x)/s1.private",
                          GEN_DKIM_RSA);
    s = step(&g, "OpenDKIM, 1.");
    assert_string_equal(s->lines[1],
                        "    '/home/Ana Ruiz/it'\\''s;$(x)/s1.private' \\");
    /* The tables name where the signer reads the key, never key_path. */
    for (size_t i = 0; i < g.n; i++)
        if (g.v[i].kind != GEN_SIGNER_COMMAND)
            for (size_t k = 0; k < g.v[i].n_lines; k++)
                assert_null(strstr(g.v[i].lines[k], "Ana"));
    gen_signer_guide_fini(&g);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gen_signer__rsa__every_step_in_order),
        cmocka_unit_test(gen_signer__ed25519__no_rspamd_block),
        cmocka_unit_test(gen_signer__odd_key_path__single_quoted),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
