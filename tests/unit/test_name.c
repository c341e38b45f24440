/* test_name.c - domain name normalisation (issue 2 §8). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/name.h"
#include "mailready/util.h"

static void
expect_ok(const char *in, const char *alabel, const char *ulabel)
{
    char *a = NULL, *u = NULL;
    const char *why = NULL;

    assert_int_equal(name_normalize(in, false, false, &a, &u, &why), RC_OK);
    assert_null(why);
    assert_string_equal(a, alabel);
    assert_string_equal(u, ulabel);
    free(a);
    free(u);
}

static void
expect_bad(const char *in)
{
    char *a = (char *)1, *u = (char *)1;
    const char *why = NULL;

    assert_int_equal(name_normalize(in, false, false, &a, &u, &why),
                     RC_INVALID);
    assert_null(a);
    assert_null(u);
    assert_non_null(why);
}

/* An A-label whose U-label would not show as it is (found by fuzz_name:
 * marks and joiners that str_visible() escapes) is shown as the A-label;
 * the name itself stays usable. */
static void
name__ulabel_not_visible__shown_as_alabel(void **state)
{
    const char *in = "xn--mMMMMMMMMMMMpAMAAxn--mMMMMMMMMMMMpAAAAMm";
    char *a = NULL, *u = NULL, *v;
    const char *why = NULL;

    (void)state;
    if (name_normalize(in, false, true, &a, &u, &why) != RC_OK)
        return;     /* refused: nothing is shown at all */
    v = str_visible(u, strlen(u));
    assert_string_equal(v, u);
    free(v);
    free(a);
    free(u);
}

static void
name__case_and_trailing_dot__normalised(void **state)
{
    (void)state;
    expect_ok("Example.COM.", "example.com", "example.com");
    expect_ok("  mail.example.org \n", "mail.example.org",
              "mail.example.org");
}

static void
name__unicode__converted_to_alabel(void **state)
{
    (void)state;
    expect_ok("españa.example", "xn--espaa-rta.example", "españa.example");
    expect_ok("ESPAÑA.example", "xn--espaa-rta.example", "españa.example");
    expect_ok("xn--espaa-rta.example", "xn--espaa-rta.example",
              "españa.example");
    /* Deviation characters are kept (non-transitional). */
    expect_ok("faß.de", "xn--fa-hia.de", "faß.de");
}

static void
name__invalid_idn__rejected_not_remapped(void **state)
{
    (void)state;
    /* A ZWJ or ZWNJ out of context (RFC 5892 CONTEXTJ) is an error, not
     * a different domain ("x.com", "ab.com"). */
    expect_bad("\xe2\x80\x8dx.com");
    expect_bad("a\xe2\x80\x8c" "b.com");
    expect_bad("\xcc\x80x.com");          /* leading combining mark */
    expect_bad("ex\xe2\x80\xae" "ample.com");    /* RLO */
    /* A-labels that decode to a C1 control, an RLO, an isolate. */
    expect_bad("xn--ab-ba.com");
    expect_bad("xn--ample-kz3b.com");
    expect_bad("xn--x-wln.com");
}

static void
name__bad_names__rejected(void **state)
{
    char label64[70], long254[300];

    (void)state;
    memset(label64, 'a', 64);
    strcpy(label64 + 64, ".com");
    for (int i = 0; i < 254; i += 2) {
        long254[i] = 'a';
        long254[i + 1] = '.';
    }
    strcpy(long254 + 254, "com");
    expect_bad("");
    expect_bad(".");
    expect_bad("example");
    expect_bad("exa mple.com");
    expect_bad("a..b.com");
    expect_bad(".example.com");
    expect_bad("-bad.example.com");
    expect_bad("bad-.example.com");
    expect_bad("under_score.example.com");
    expect_bad("example.com\x1b[31m");
    expect_bad(label64);
    expect_bad(long254);
    expect_bad("192.0.2.1");
    expect_bad("xn--zz.example");
}

static void
name__underscore__allowed_when_asked(void **state)
{
    char *a = NULL, *u = NULL;
    const char *why = NULL;

    (void)state;
    assert_int_equal(name_normalize("_dmarc.example.com", true, false, &a,
                                    &u, &why), RC_OK);
    assert_string_equal(a, "_dmarc.example.com");
    free(a);
    free(u);
    assert_int_equal(name_normalize("s1", true, true, &a, &u, &why), RC_OK);
    free(a);
    free(u);
    /* With an A-label: its U-label check does not trip on the '_'. */
    assert_int_equal(name_normalize("_dmarc.xn--espaa-rta.example", true,
                                    false, &a, &u, &why), RC_OK);
    assert_string_equal(u, "_dmarc.españa.example");
    free(a);
    free(u);
}

static void
name__helpers__labels_parent_eq(void **state)
{
    (void)state;
    assert_int_equal(name_label_count("a.b.c"), 3);
    assert_int_equal(name_label_count("a\\.b.c"), 2);
    assert_int_equal(name_label_count("com"), 1);
    assert_string_equal(name_parent("a.b.c"), "b.c");
    assert_null(name_parent("com"));
    assert_true(name_eq("Example.COM.", "example.com"));
    assert_false(name_eq("example.com", "example.co"));
    assert_true(name_is_subdomain("mail.example.com", "example.com"));
    assert_true(name_is_subdomain("example.com", "Example.com."));
    assert_false(name_is_subdomain("badexample.com", "example.com"));
    assert_true(name_is_hostname("mail.example.com"));
    assert_true(name_is_hostname("mail.example.com."));
    assert_false(name_is_hostname("mail_1.example.com"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(name__case_and_trailing_dot__normalised),
        cmocka_unit_test(name__ulabel_not_visible__shown_as_alabel),
        cmocka_unit_test(name__unicode__converted_to_alabel),
        cmocka_unit_test(name__invalid_idn__rejected_not_remapped),
        cmocka_unit_test(name__bad_names__rejected),
        cmocka_unit_test(name__underscore__allowed_when_asked),
        cmocka_unit_test(name__helpers__labels_parent_eq),
    };

    return cmocka_run_group_tests_name("name", tests, NULL, NULL);
}
