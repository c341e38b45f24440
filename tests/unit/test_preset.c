/* test_preset.c - provider presets: the shipped file loads, every value
 * in it names its source, and the loader refuses unsourced values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mailready/gen_mx.h"
#include "mailready/preset.h"
#include "mailready/util.h"

static const char *
shipped_path(void)
{
    const char *dir = getenv("MAILREADY_DATADIR");
    static char buf[1024];

    if (dir == NULL)
        dir = "data";
    snprintf(buf, sizeof(buf), "%s/providers.json", dir);
    return buf;
}

static void
preset__shipped_file__loads_every_provider(void **state)
{
    static const char *const ids[] = {
        "google", "microsoft365", "zoho", "ses", "sendgrid", "mailgun",
        "mandrill", "postmark", "ovh", "ionos", "own",
    };
    struct preset_list *l = NULL;
    struct rc_err err = { 0 };

    (void)state;
    assert_int_equal(preset_load(shipped_path(), &l, &err), RC_OK);
    assert_null(err.msgid);
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        assert_non_null(preset_find(l, ids[i]));
    const struct preset *g = preset_find(l, "GOOGLE");
    assert_non_null(g);
    assert_int_equal(g->kind, PRESET_MAILBOX);
    assert_string_equal(g->spf_include, "_spf.google.com");
    assert_true(g->spf_at_apex);
    assert_true(g->n_mx >= 1);
    const struct preset *ms = preset_find(l, "microsoft365");
    assert_true(ms->mx_tenant_specific);
    assert_true(ms->dkim_cname);
    const struct preset *own = preset_find(l, "own");
    assert_int_equal(own->kind, PRESET_OWN);
    assert_int_equal(own->n_mx, 0);
    assert_true(own->n_notes > 0);
    const struct preset *md = preset_find(l, "mandrill");
    assert_int_equal(md->n_dkim_cnames, 2);
    assert_string_equal(md->dkim_cnames[0].target, "dkim1.mandrillapp.com");
    assert_null(preset_find(l, "nosuch"));
    preset_list_free(l);
}

/* Walk the raw JSON: every object holding a "value" also holds an https
 * source and a checked date (the loader checks the keys it knows; this
 * catches any other sourced value added later). */
static void
check_sourced(json_t *j, int *count)
{
    const char *key;
    json_t *v;
    size_t i;

    if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            check_sourced(v, count);
        return;
    }
    if (!json_is_object(j))
        return;
    if (json_object_get(j, "value") != NULL) {
        json_t *src = json_object_get(j, "source");
        json_t *chk = json_object_get(j, "checked");

        assert_true(json_is_string(src));
        assert_int_equal(strncmp(json_string_value(src), "https://", 8), 0);
        assert_true(json_is_string(chk));
        assert_int_equal(json_string_length(chk), 10);
        (*count)++;
    }
    json_object_foreach(j, key, v)
        check_sourced(v, count);
}

static void
preset__shipped_file__every_value_sourced(void **state)
{
    json_error_t je;
    json_t *root = json_load_file(shipped_path(), 0, &je);
    int count = 0;

    (void)state;
    assert_non_null(root);
    check_sourced(root, &count);
    assert_true(count >= 20);
    json_decref(root);
}

static void
preset__unsourced_value__refused(void **state)
{
    struct preset_list *l = NULL;
    struct rc_err err = { 0 };

    (void)state;
    assert_int_equal(preset_load_text(
        "{\"providers\":[{\"id\":\"x\",\"name\":\"X\",\"kind\":\"mailbox\","
        "\"mx\":{\"value\":[{\"pref\":10,\"host\":\"mx.example.net\"}],"
        "\"checked\":\"2026-11-28\"}}]}", &l, &err), RC_PARSE);
    assert_null(l);
    assert_non_null(strstr(err.args[1], "x: mx: no source"));
    rc_err_fini(&err);
    assert_int_equal(preset_load_text(
        "{\"providers\":[{\"id\":\"x\",\"name\":\"X\",\"kind\":\"mailbox\","
        "\"spf\":{\"value\":{\"include\":\"_spf.example.net\"},"
        "\"source\":\"https://example.net/spf\"}}]}", &l, &err), RC_PARSE);
    assert_non_null(strstr(err.args[1], "no checked date"));
    rc_err_fini(&err);
}

static void
preset__bad_values__refused(void **state)
{
    static const char *const bad[] = {
        "{\"providers\":[{\"id\":\"x\",\"name\":\"X\",\"kind\":\"mailbox\","
        "\"mx\":{\"value\":[{\"pref\":10,\"host\":\"bad host\"}],"
        "\"source\":\"https://e.net\",\"checked\":\"2026-11-28\"}}]}",
        "{\"providers\":[{\"id\":\"x\",\"name\":\"X\",\"kind\":\"mailbox\","
        "\"mx\":{\"value\":[{\"pref\":70000,\"host\":\"mx.e.net\"}],"
        "\"source\":\"https://e.net\",\"checked\":\"2026-11-28\"}}]}",
        "{\"providers\":[{\"id\":\"x\",\"name\":\"X\",\"kind\":\"weird\"}]}",
        "{\"providers\":[{\"id\":\"X Y\",\"name\":\"X\",\"kind\":\"own\"}]}",
        "{\"providers\":[{\"id\":\"x\",\"name\":\"X\",\"kind\":\"own\"},"
        "{\"id\":\"x\",\"name\":\"Y\",\"kind\":\"own\"}]}",
        "{\"providers\":[{\"id\":\"x\",\"name\":\"X\",\"kind\":\"sending\","
        "\"spf\":{\"value\":{\"include\":\"a b\"},"
        "\"source\":\"https://e.net\",\"checked\":\"2026-11-28\"}}]}",
        "{\"providers\": 3}",
        "not json",
    };
    struct preset_list *l = NULL;
    struct rc_err err = { 0 };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(preset_load_text(bad[i], &l, &err), RC_PARSE);
        assert_null(l);
        assert_non_null(err.msgid);
        rc_err_fini(&err);
        rc_err_fini(&err);
    }
}

static void
preset__templates__expand_for_a_domain(void **state)
{
    struct preset_list *l = NULL;
    struct rc_err err = { 0 };
    char *host = NULL;

    (void)state;
    assert_int_equal(preset_load(shipped_path(), &l, &err), RC_OK);
    const struct preset *ms = preset_find(l, "microsoft365");
    assert_int_equal(gen_mx_expand(ms->mx[0].host, "contoso.com", &host),
                     RC_OK);
    assert_string_equal(host, "contoso-com.mail.protection.outlook.com");
    free(host);
    preset_list_free(l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(preset__shipped_file__loads_every_provider),
        cmocka_unit_test(preset__shipped_file__every_value_sourced),
        cmocka_unit_test(preset__unsourced_value__refused),
        cmocka_unit_test(preset__bad_values__refused),
        cmocka_unit_test(preset__templates__expand_for_a_domain),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
