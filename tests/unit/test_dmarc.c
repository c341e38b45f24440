/* test_dmarc.c - DMARC record parsing and the RFC 9989 DNS Tree Walk,
 * checked on the examples of RFC 9989 §4.10 and Appendix B.4. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailready/dmarc.h"
#include "mailready/util.h"

static struct dmarc_record *
parse(const char *s)
{
    struct dmarc_record *r = NULL;

    assert_int_equal(dmarc_record_parse(s, strlen(s), &r), RC_OK);
    assert_non_null(r);
    return r;
}

static bool
has_note(const struct dmarc_record *r, enum dmarc_note_kind k,
         const char *tag)
{
    for (size_t i = 0; i < r->n_notes; i++)
        if (r->notes[i].kind == k && str_ieq(r->notes[i].tag, tag))
            return true;
    return false;
}

static void
record__full__parsed(void **state)
{
    struct dmarc_record *r = parse(
        "v=DMARC1; p=quarantine; sp=reject; np=reject; adkim=s; aspf=r; "
        "t=y; psd=n; fo=0:d:s; "
        "rua=mailto:dmarc@example.com!10m, mailto:x%2By@reports.example.net;"
        " ruf=mailto:f@example.com");

    (void)state;
    assert_int_equal(r->p, DMARC_P_QUARANTINE);
    assert_int_equal(r->sp, DMARC_P_REJECT);
    assert_int_equal(r->np, DMARC_P_REJECT);
    assert_int_equal(r->adkim, 's');
    assert_int_equal(r->aspf, 'r');
    assert_true(r->testing);
    assert_int_equal(r->psd, 'n');
    assert_string_equal(r->fo, "0:d:s");
    assert_int_equal(r->n_rua, 2);
    assert_null(r->rua[0].problem);
    assert_string_equal(r->rua[0].addr, "dmarc@example.com");
    assert_string_equal(r->rua[0].host, "example.com");
    assert_string_equal(r->rua[0].size, "!10m");
    assert_null(r->rua[1].problem);
    assert_string_equal(r->rua[1].addr, "x+y@reports.example.net");
    assert_string_equal(r->rua[1].host, "reports.example.net");
    assert_int_equal(r->n_ruf, 1);
    assert_int_equal(r->n_notes, 0);
    assert_true(dmarc_has_usable_rua(r));
    dmarc_record_free(r);
}

static void
record__version_first_only(void **state)
{
    struct dmarc_record *r = NULL;

    (void)state;
    assert_true(dmarc_is_record("v=DMARC1", 8));
    assert_true(dmarc_is_record("v = DMARC1 ;p=none", 18));
    assert_false(dmarc_is_record("p=none; v=DMARC1", 16));
    assert_false(dmarc_is_record("v=dmarc1; p=none", 16));
    assert_false(dmarc_is_record("v=DMARC10; p=none", 17));
    assert_false(dmarc_is_record("v=spf1 -all", 11));
    assert_int_equal(dmarc_record_parse("p=none; v=DMARC1", 16, &r),
                     RC_PARSE);
    assert_null(r);
    assert_true(dmarc_looks_like_broken_record("p=none; v=DMARC1", 16));
    assert_true(dmarc_looks_like_broken_record("v=dmarc1; p=none", 16));
    assert_false(dmarc_looks_like_broken_record("v=spf1 -all", 11));
}

static void
record__removed_unknown_bad_duplicate__noted(void **state)
{
    struct dmarc_record *r = parse(
        "v=DMARC1; p=rejected; pct=50; rf=afrf; ri=86400; foo=bar; "
        "sp=none; sp=reject; adkim=x; fo=0:1; garbage");

    (void)state;
    assert_true(has_note(r, DMARC_NOTE_BAD_VALUE, "p"));
    assert_true(has_note(r, DMARC_NOTE_REMOVED_TAG, "pct"));
    assert_true(has_note(r, DMARC_NOTE_REMOVED_TAG, "rf"));
    assert_true(has_note(r, DMARC_NOTE_REMOVED_TAG, "ri"));
    assert_true(has_note(r, DMARC_NOTE_UNKNOWN_TAG, "foo"));
    assert_true(has_note(r, DMARC_NOTE_DUPLICATE, "sp"));
    assert_true(has_note(r, DMARC_NOTE_BAD_VALUE, "adkim"));
    assert_true(has_note(r, DMARC_NOTE_BAD_VALUE, "fo"));
    assert_true(has_note(r, DMARC_NOTE_BAD_TAG, "garbage"));
    assert_int_equal(r->p, DMARC_P_INVALID);
    assert_int_equal(r->sp, DMARC_P_NONE);
    /* No valid p and no rua: no DMARC processing (§4.10.1). */
    assert_int_equal(dmarc_applied_policy(r, false, true), DMARC_P_ABSENT);
    dmarc_record_free(r);
}

static void
record__report_uris__problems(void **state)
{
    struct dmarc_record *r = parse(
        "v=DMARC1; p=none; rua=dmarc@example.com, https://r.example/x, "
        "mailto:a@b, mailto:r@example.com!big, mailto:ok@Example.COM.");

    (void)state;
    assert_int_equal(r->n_rua, 5);
    assert_non_null(strstr(r->rua[0].problem, "mailto:"));
    assert_non_null(strstr(r->rua[1].problem, "not a mailto"));
    assert_non_null(strstr(r->rua[2].problem, "valid domain"));
    assert_non_null(strstr(r->rua[3].problem, "size"));
    assert_null(r->rua[4].problem);
    assert_string_equal(r->rua[4].host, "example.com");
    dmarc_record_free(r);
}

static void
applied_policy__sp_np_and_fallbacks(void **state)
{
    struct dmarc_record *r = parse("v=DMARC1; p=reject; sp=quarantine; "
                                   "np=none");
    struct dmarc_record *r2 = parse("v=DMARC1; rua=mailto:d@example.com");
    struct dmarc_record *r3 = parse("v=DMARC1; p=reject; sp=bogus; "
                                    "rua=mailto:d@example.com");

    (void)state;
    assert_int_equal(dmarc_applied_policy(r, false, true), DMARC_P_REJECT);
    assert_int_equal(dmarc_applied_policy(r, true, true),
                     DMARC_P_QUARANTINE);
    assert_int_equal(dmarc_applied_policy(r, true, false), DMARC_P_NONE);
    /* No p but a usable rua: as if p=none. */
    assert_int_equal(dmarc_applied_policy(r2, false, true), DMARC_P_NONE);
    /* An invalid sp with a usable rua: as if p=none. */
    assert_int_equal(dmarc_applied_policy(r3, false, true), DMARC_P_NONE);
    assert_string_equal(dmarc_policy_name(DMARC_P_QUARANTINE),
                        "quarantine");
    dmarc_record_free(r);
    dmarc_record_free(r2);
    dmarc_record_free(r3);
}

static void
walk_names__short_and_long(void **state)
{
    const char *n[DMARC_WALK_MAX];
    static const char *const want[] = {
        "a.b.c.d.e.f.g.h.i.j.mail.example.com",
        "g.h.i.j.mail.example.com", "h.i.j.mail.example.com",
        "i.j.mail.example.com", "j.mail.example.com", "mail.example.com",
        "example.com", "com"
    };

    (void)state;
    assert_int_equal(dmarc_walk_names("a.mail.example.com", n), 4);
    assert_string_equal(n[0], "a.mail.example.com");
    assert_string_equal(n[1], "mail.example.com");
    assert_string_equal(n[3], "com");
    /* §4.10: the eight queries for a twelve-label name. */
    assert_int_equal(dmarc_walk_names(want[0], n), 8);
    for (size_t i = 0; i < 8; i++)
        assert_string_equal(n[i], want[i]);
    /* Exactly eight labels: every parent, eight queries. */
    assert_int_equal(dmarc_walk_names("a.b.c.d.e.f.g.h", n), 8);
    assert_string_equal(n[1], "b.c.d.e.f.g.h");
    assert_string_equal(n[7], "h");
    assert_int_equal(dmarc_walk_names("", n), 0);
}

/* Build walk entries for domain: recs is "name:psd,name:psd" of the
 * names that hold one valid record ("u" for no psd tag). */
static size_t
entries(const char *domain, const char *const *rec_names,
        const char *psds, struct dmarc_walk_entry e[DMARC_WALK_MAX])
{
    const char *n[DMARC_WALK_MAX];
    size_t cnt = dmarc_walk_names(domain, n);

    for (size_t i = 0; i < cnt; i++) {
        e[i].name = n[i];
        e[i].state = DMARC_WALK_NONE;
        e[i].psd = 'u';
        for (size_t k = 0; rec_names[k] != NULL; k++) {
            if (strcmp(rec_names[k], n[i]) == 0) {
                e[i].state = DMARC_WALK_RECORD;
                e[i].psd = psds[k];
            }
        }
    }
    return cnt;
}

static void
walk__b41_simple(void **state)
{
    static const char *const recs[] = { "example.com",
                                        "signing.example.com", NULL };
    struct dmarc_walk_entry e[DMARC_WALK_MAX];
    struct dmarc_walk_result r;
    size_t n;

    (void)state;
    n = entries("example.com", recs, "uu", e);
    dmarc_walk_eval("example.com", e, n, &r);
    assert_int_equal(r.policy, 0);
    assert_string_equal(r.org, "example.com");
    assert_false(r.uncertain);
    /* The DKIM identifier: fewest labels wins, not the nearest. */
    n = entries("signing.example.com", recs, "uu", e);
    dmarc_walk_eval("signing.example.com", e, n, &r);
    assert_string_equal(r.org, "example.com");
    assert_int_equal(r.policy, 0);
}

static void
walk__b42_deep(void **state)
{
    static const char dom[] = "a.b.c.d.e.f.g.h.i.j.k.example.com";
    static const char *const recs[] = { "example.com",
                                        "signing.example.com", NULL };
    struct dmarc_walk_entry e[DMARC_WALK_MAX];
    struct dmarc_walk_result r;
    size_t n = entries(dom, recs, "uu", e);

    (void)state;
    assert_int_equal(n, 8);
    assert_string_equal(e[1].name, "g.h.i.j.k.example.com");
    dmarc_walk_eval(dom, e, n, &r);
    assert_string_equal(r.org, "example.com");
    assert_int_equal(r.policy, 6);
    assert_string_equal(e[r.policy].name, "example.com");
    assert_false(r.from_psd);
}

static void
walk__b43_psd(void **state)
{
    static const char *const recs[] = { "giant.bank.example",
                                        "bank.example", NULL };
    struct dmarc_walk_entry e[DMARC_WALK_MAX];
    struct dmarc_walk_result r;
    size_t n;

    (void)state;
    n = entries("giant.bank.example", recs, "uy", e);
    dmarc_walk_eval("giant.bank.example", e, n, &r);
    assert_int_equal(r.stop, 1);
    assert_string_equal(r.org, "giant.bank.example");
    assert_int_equal(r.policy, 0);

    n = entries("mail.giant.bank.example", recs, "uy", e);
    dmarc_walk_eval("mail.giant.bank.example", e, n, &r);
    assert_string_equal(r.org, "giant.bank.example");
    assert_int_equal(r.policy, 1);
    assert_false(r.from_psd);

    n = entries("mail.mega.bank.example", recs, "uy", e);
    dmarc_walk_eval("mail.mega.bank.example", e, n, &r);
    assert_string_equal(r.org, "mega.bank.example");
    assert_int_equal(r.policy, 2);
    assert_true(r.from_psd);
}

static void
walk__4102_examples(void **state)
{
    static const char dom[] = "a.mail.example.com";
    static const char *const two[] = { "mail.example.com", "example.com",
                                       NULL };
    static const char *const com[] = { "com", NULL };
    struct dmarc_walk_entry e[DMARC_WALK_MAX];
    struct dmarc_walk_result r;
    size_t n;

    (void)state;
    /* Records at mail.example.com and example.com: the walk goes on past
     * the first; the one with fewest labels is the org domain and its
     * record applies, not mail.example.com's. */
    n = entries(dom, two, "uu", e);
    dmarc_walk_eval(dom, e, n, &r);
    assert_string_equal(r.org, "example.com");
    assert_int_equal(r.policy, 2);
    /* psd=n at mail.example.com stops the walk there. */
    n = entries(dom, two, "nu", e);
    dmarc_walk_eval(dom, e, n, &r);
    assert_int_equal(r.stop, 1);
    assert_string_equal(r.org, "mail.example.com");
    assert_int_equal(r.policy, 1);
    /* Only _dmarc.com with psd=y: org is example.com, no record there,
     * the PSD's policy applies. */
    n = entries(dom, com, "y", e);
    dmarc_walk_eval(dom, e, n, &r);
    assert_string_equal(r.org, "example.com");
    assert_int_equal(r.policy, 3);
    assert_true(r.from_psd);
}

static void
walk__none_multiple_error(void **state)
{
    static const char *const none[] = { NULL };
    static const char *const own[] = { "x.example.com", NULL };
    struct dmarc_walk_entry e[DMARC_WALK_MAX];
    struct dmarc_walk_result r;
    size_t n;

    (void)state;
    n = entries("x.example.com", none, "", e);
    dmarc_walk_eval("x.example.com", e, n, &r);
    assert_int_equal(r.policy, -1);
    assert_string_equal(r.org, "x.example.com");
    /* Multiple records at the domain are all discarded. */
    n = entries("x.example.com", own, "u", e);
    e[0].state = DMARC_WALK_MULTIPLE;
    dmarc_walk_eval("x.example.com", e, n, &r);
    assert_int_equal(r.policy, -1);
    /* A parent that could not be checked makes the answer uncertain. */
    n = entries("x.example.com", own, "u", e);
    e[1].state = DMARC_WALK_ERROR;
    dmarc_walk_eval("x.example.com", e, n, &r);
    assert_int_equal(r.policy, 0);
    assert_true(r.uncertain);
    /* ...but not past a psd=n stop. */
    n = entries("x.example.com", own, "n", e);
    e[1].state = DMARC_WALK_ERROR;
    dmarc_walk_eval("x.example.com", e, n, &r);
    assert_false(r.uncertain);
}

/* RFC 9989 §4.8 with RFC 3986 §2 / RFC 6068 §2: a byte a URI cannot hold
 * makes the URI invalid; the percent-encoded form is offered when it is
 * a usable address. */
static void
uri__bad_chars__invalid_with_fix(void **state)
{
    static const struct {
        const char *uri;
        const char *fixed;      /* NULL: no fix offered */
    } cases[] = {
        { "mailto:\"agg\"@example.com", "mailto:%22agg%22@example.com" },
        { "mailto:a b@example.com", "mailto:a%20b@example.com" },
        { "mailto:a<b>@example.com", "mailto:a%3Cb%3E@example.com" },
        { "mailto:a{b}|c@example.com", "mailto:a%7Bb%7D%7Cc@example.com" },
        { "mailto:a\\b@example.com", "mailto:a%5Cb@example.com" },
        { "mailto:a^b`c@example.com", "mailto:a%5Eb%60c@example.com" },
        { "mailto:100%@example.com", "mailto:100%25@example.com" },
        { "mailto:a%2@example.com", "mailto:a%252@example.com" },
        /* the host becomes no domain name: no obvious fix */
        { "mailto:a@exa mple.com", NULL },
        { "mailto:a@ex\"ample.com", NULL },
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char *rec = xasprintf("v=DMARC1; p=reject; rua=%s", cases[i].uri);
        struct dmarc_record *r = parse(rec);

        assert_int_equal(r->n_rua, 1);
        assert_non_null(r->rua[0].problem);
        assert_string_equal(r->rua[0].text, cases[i].uri);
        if (cases[i].fixed == NULL)
            assert_null(r->rua[0].fixed);
        else
            assert_string_equal(r->rua[0].fixed, cases[i].fixed);
        assert_false(dmarc_has_usable_rua(r));
        dmarc_record_free(r);
        free(rec);
    }
}

/* The neighbours stay valid: encoded forms, and every character RFC 3986
 * allows as it is. */
static void
uri__allowed_chars__valid(void **state)
{
    static const char *const ok[] = {
        "mailto:a%20b@example.com",
        "mailto:a%22b@example.com",
        "mailto:a.b-c_d~e+f@example.com",
        "mailto:a'b*c$d&e=f@example.com",
        "mailto:agg@example.com?subject=dmarc",
        "mailto:agg@example.com!10m",
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(ok); i++) {
        char *rec = xasprintf("v=DMARC1; p=reject; rua=%s", ok[i]);
        struct dmarc_record *r = parse(rec);

        assert_int_equal(r->n_rua, 1);
        assert_null(r->rua[0].problem);
        assert_null(r->rua[0].fixed);
        dmarc_record_free(r);
        free(rec);
    }
}

static struct dmarc_record *
parse_n(const char *s, size_t len)
{
    struct dmarc_record *r = NULL;

    assert_int_equal(dmarc_record_parse(s, len, &r), RC_OK);
    assert_non_null(r);
    return r;
}

/* RFC 9989 §4.5, §4.8: the record is a byte string.  A NUL inside a
 * value makes that value invalid (dmarc-value is %x20-3A / %x3C-7E) and
 * the tag falls back to its default; the tags after it still apply. */
static void
record__nul_byte__full_length_parsed(void **state)
{
    static const char a[] = "v=DMARC1; rua=mailto:x@e.com\0z; p=reject; "
                            "sp=none";
    static const char b[] = "v=DMARC1; p=reject\0; np=quarantine";
    static const char c[] = "v=DMARC1; p=none;\0; sp=reject";
    static const char d[] = "v=DMARC1\0; p=reject";
    struct dmarc_record *r;

    (void)state;
    r = parse_n(a, sizeof(a) - 1);
    assert_int_equal(r->p, DMARC_P_REJECT);
    assert_int_equal(r->sp, DMARC_P_NONE);
    assert_false(r->has_rua);
    assert_true(has_note(r, DMARC_NOTE_BAD_VALUE, "rua"));
    for (size_t i = 0; i < r->n_notes; i++)
        if (str_ieq(r->notes[i].tag, "rua"))
            assert_non_null(strstr(r->notes[i].value, "x@e.com\\x00z"));
    dmarc_record_free(r);

    r = parse_n(b, sizeof(b) - 1);
    assert_int_equal(r->p, DMARC_P_ABSENT);     /* bad p: default */
    assert_int_equal(r->np, DMARC_P_QUARANTINE);
    assert_true(has_note(r, DMARC_NOTE_BAD_VALUE, "p"));
    dmarc_record_free(r);

    r = parse_n(c, sizeof(c) - 1);
    assert_int_equal(r->p, DMARC_P_NONE);
    assert_int_equal(r->sp, DMARC_P_REJECT);
    assert_int_equal(r->n_notes, 1);
    assert_int_equal(r->notes[0].kind, DMARC_NOTE_BAD_TAG);
    dmarc_record_free(r);

    /* a NUL right after the version: no DMARC record at all */
    assert_false(dmarc_is_record(d, sizeof(d) - 1));
}

/* RFC 9989 §4.10.1: np for a domain that does not exist, else sp, else
 * p; never for the domain itself. */
static void
applied__np_for_nonexistent(void **state)
{
    struct dmarc_record *r;

    (void)state;
    r = parse("v=DMARC1; p=none; sp=quarantine; np=reject");
    assert_int_equal(dmarc_applied_policy(r, true, false), DMARC_P_REJECT);
    assert_int_equal(dmarc_applied_policy(r, true, true),
                     DMARC_P_QUARANTINE);
    assert_int_equal(dmarc_applied_policy(r, false, false), DMARC_P_NONE);
    dmarc_record_free(r);
    r = parse("v=DMARC1; p=none; sp=quarantine");
    assert_int_equal(dmarc_applied_policy(r, true, false),
                     DMARC_P_QUARANTINE);
    dmarc_record_free(r);
    r = parse("v=DMARC1; p=reject");
    assert_int_equal(dmarc_applied_policy(r, true, false), DMARC_P_REJECT);
    dmarc_record_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(record__full__parsed),
        cmocka_unit_test(record__version_first_only),
        cmocka_unit_test(record__removed_unknown_bad_duplicate__noted),
        cmocka_unit_test(record__report_uris__problems),
        cmocka_unit_test(applied_policy__sp_np_and_fallbacks),
        cmocka_unit_test(walk_names__short_and_long),
        cmocka_unit_test(walk__b41_simple),
        cmocka_unit_test(walk__b42_deep),
        cmocka_unit_test(walk__b43_psd),
        cmocka_unit_test(walk__4102_examples),
        cmocka_unit_test(walk__none_multiple_error),
        cmocka_unit_test(uri__bad_chars__invalid_with_fix),
        cmocka_unit_test(uri__allowed_chars__valid),
        cmocka_unit_test(record__nul_byte__full_length_parsed),
        cmocka_unit_test(applied__np_for_nonexistent),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
