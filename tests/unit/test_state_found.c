/* test_state_found.c - what a step found, normalised from the checks'
 * records, and the wording of what changed between two runs (ids,
 * msgids and arguments; the front ends translate), and how state_diff()
 * uses it (records changed, outages). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/check.h"
#include "mailready/state.h"
#include "mailready/state_found.h"
#include "mailready/util.h"

/* ---- helpers ----------------------------------------------------------- */

static json_t *
mx_rec(int pref, const char *host)
{
    return json_pack("{s:s, s:i, s:s, s:[]}", "type", "MX", "preference",
                     pref, "host", host, "addresses");
}

static json_t *
spf_rec(const char *text)
{
    return json_pack("{s:s, s:s, s:[]}", "domain", "d.test", "record", text,
                     "children");
}

static json_t *
dkim_rec(const char *sel, const char *text)
{
    return json_pack("{s:s, s:s, s:s}", "selector", sel, "record", text,
                     "key", "RSA 2048");
}

static json_t *
dmarc_rec(const char *text)
{
    return json_pack("{s:s, s:s}", "name", "_dmarc.d.test", "record", text);
}

/* The found form of step from the records given (the array is taken). */
static json_t *
found(enum check_step step, json_t *records)
{
    json_t *f = state_found_from_records(step, records);

    json_decref(records);
    return f;
}

/* The changes from a to b (both taken). */
static void
diff(enum check_step step, json_t *a, json_t *b, struct state_notes *out)
{
    memset(out, 0, sizeof(*out));
    state_found_diff(step, a, b, out);
    json_decref(a);
    json_decref(b);
}

static void
expect_change(const struct state_notes *fs, size_t i, const char *id,
              const char *msgid, int nargs, ...)
{
    va_list ap;

    assert_true(i < fs->n);
    assert_string_equal(fs->v[i].id, id);
    assert_string_equal(fs->v[i].msgid, msgid);
    assert_int_equal(fs->v[i].nargs, nargs);
    va_start(ap, nargs);
    for (int k = 0; k < nargs; k++)
        assert_string_equal(fs->v[i].args[k], va_arg(ap, const char *));
    va_end(ap);
}

/* ---- the normalised form ----------------------------------------------- */

static void
found__mx__sorted_lower_case_no_dot(void **unused)
{
    json_t *f = found(STEP_MX, json_pack("[o, o, s]",
                                         mx_rec(20, "MX2.D.test."),
                                         mx_rec(10, "mx1.d.test"),
                                         "not an object"));
    json_t *want = json_pack("{s:[{s:s, s:i}, {s:s, s:i}]}", "mx",
                             "host", "mx1.d.test", "preference", 10,
                             "host", "mx2.d.test", "preference", 20);

    (void)unused;
    assert_true(json_equal(f, want));
    assert_true(state_found_ok(STEP_MX, f));
    json_decref(f);
    json_decref(want);
}

static void
found__spf_dkim_dmarc__records(void **unused)
{
    json_t *f;

    (void)unused;
    /* SPF: the root of the include tree; per-server results are not
     * records. */
    f = found(STEP_SPF, json_pack("[o, {s:s, s:s}]",
                                  spf_rec("v=spf1 mx -all"),
                                  "server_ip", "192.0.2.1",
                                  "result", "pass"));
    assert_string_equal(json_string_value(json_array_get(
        json_object_get(f, "spf"), 0)), "v=spf1 mx -all");
    assert_int_equal(json_array_size(json_object_get(f, "spf")), 1);
    json_decref(f);

    f = found(STEP_DKIM, json_pack("[o, o]", dkim_rec("s2", "v=DKIM1; p=B"),
                                   dkim_rec("s1", "v=DKIM1; p=A")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(
        json_object_get(f, "dkim"), 0), "selector")), "s1");
    assert_true(state_found_ok(STEP_DKIM, f));
    json_decref(f);

    f = found(STEP_DMARC, json_pack("[o]", dmarc_rec("v=DMARC1; p=none")));
    assert_string_equal(json_string_value(json_array_get(
        json_object_get(f, "dmarc"), 0)), "v=DMARC1; p=none");
    json_decref(f);

    /* Not an array at all: nothing found, still the right form. */
    f = state_found_from_records(STEP_DMARC, NULL);
    assert_int_equal(json_array_size(json_object_get(f, "dmarc")), 0);
    assert_true(state_found_ok(STEP_DMARC, f));
    json_decref(f);
}

static void
found__ptr__address_from_reverse_name(void **unused)
{
    json_t *f = found(STEP_PTR, json_pack(
        "[s, s, s, s]",
        "34.12.7.81.in-addr.arpa PTR Mail.d.test. -> 81.7.12.34",
        "34.12.7.81.in-addr.arpa PTR smtp.d.test -> 81.7.12.34",
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"
        ".ip6.arpa PTR mx6.d.test -> 2001:db8::1",
        "999.12.7.81.in-addr.arpa PTR bad.d.test -> ?"));
    json_t *want = json_pack(
        "{s:[{s:s, s:[s]}, {s:s, s:[s, s]}]}", "ptr",
        "address", "2001:db8::1", "names", "mx6.d.test",
        "address", "81.7.12.34", "names", "mail.d.test", "smtp.d.test");

    (void)unused;
    assert_true(json_equal(f, want));
    assert_true(state_found_ok(STEP_PTR, f));
    json_decref(f);
    json_decref(want);
}

static void
found__ok__refuses_bad_forms(void **unused)
{
    json_t *j;

    (void)unused;
    j = json_pack("{s:[{s:s, s:i}]}", "mx", "host",
                  "mx\033[2J.d.test", "preference", 10);
    assert_false(state_found_ok(STEP_MX, j));
    json_decref(j);
    j = json_pack("{s:[{s:s, s:i}]}", "mx", "host", "mx.d.test",
                  "preference", 70000);
    assert_false(state_found_ok(STEP_MX, j));
    json_decref(j);
    j = json_pack("{s:[i]}", "spf", 3);
    assert_false(state_found_ok(STEP_SPF, j));
    json_decref(j);
    j = json_object();
    json_object_set_new(j, "spf", json_array());
    json_object_set_new(j, "mx", json_array());
    assert_false(state_found_ok(STEP_SPF, j));
    json_decref(j);
    j = json_array();
    for (int i = 0; i <= STATE_FOUND_MAX; i++)
        json_array_append_new(j, json_string("v=DMARC1; p=none"));
    j = json_pack("{s:o}", "dmarc", j);
    assert_false(state_found_ok(STEP_DMARC, j));
    json_decref(j);
    j = json_pack("{s:[{s:s, s:[s]}]}", "ptr", "address", "192.0.2.1",
                  "names", "");
    assert_false(state_found_ok(STEP_PTR, j));
    json_decref(j);
}

/* ---- the wording ------------------------------------------------------- */

static void
diff__mx__replaced_added_removed_preference(void **unused)
{
    struct state_notes fs;

    (void)unused;
    diff(STEP_MX,
         found(STEP_MX, json_pack("[o]", mx_rec(10, "mail.d.test"))),
         found(STEP_MX, json_pack("[o]", mx_rec(10, "mx.other.example"))),
         &fs);
    assert_int_equal(fs.n, 1);
    expect_change(&fs, 0, "CHANGE_MX_REPLACED",
                  "The MX now points to %1$s instead of %2$s.", 2,
                  "mx.other.example", "mail.d.test");
    state_notes_fini(&fs);

    diff(STEP_MX, found(STEP_MX, json_pack("[o, o]", mx_rec(10, "a.d.test"),
                                           mx_rec(20, "b.d.test"))),
         found(STEP_MX, json_pack("[o, o, o]", mx_rec(5, "a.d.test"),
                                  mx_rec(30, "c.d.test"),
                                  mx_rec(40, "e.d.test"))), &fs);
    assert_int_equal(fs.n, 4);
    expect_change(&fs, 0, "CHANGE_MX_ADDED",
                  "The MX now also points to %1$s (preference %2$s).", 2,
                  "c.d.test", "30");
    expect_change(&fs, 1, "CHANGE_MX_ADDED",
                  "The MX now also points to %1$s (preference %2$s).", 2,
                  "e.d.test", "40");
    expect_change(&fs, 2, "CHANGE_MX_REMOVED",
                  "The MX no longer points to %s.", 1, "b.d.test");
    expect_change(&fs, 3, "CHANGE_MX_PREFERENCE",
                  "The preference of the MX %1$s went from %2$s to %3$s.",
                  3, "a.d.test", "10", "5");
    state_notes_fini(&fs);

    /* The same hosts, written otherwise: no change. */
    diff(STEP_MX, found(STEP_MX, json_pack("[o]", mx_rec(10, "A.d.test."))),
         found(STEP_MX, json_pack("[o]", mx_rec(10, "a.d.test"))), &fs);
    assert_int_equal(fs.n, 0);
    state_notes_fini(&fs);
}

static void
diff__spf__terms_gained_lost_and_all(void **unused)
{
    struct state_notes fs;

    (void)unused;
    diff(STEP_SPF,
         found(STEP_SPF, json_pack("[o]", spf_rec("v=spf1 mx "
                                                  "include:_spf.p.example "
                                                  "-all"))),
         found(STEP_SPF, json_pack("[o]", spf_rec("v=spf1 MX "
                                                  "ip4:81.7.12.99 ~all"))),
         &fs);
    assert_int_equal(fs.n, 3);
    expect_change(&fs, 0, "CHANGE_SPF_GAINED", "SPF gained %s.", 1,
                  "ip4:81.7.12.99");
    expect_change(&fs, 1, "CHANGE_SPF_LOST", "SPF lost %s.", 1,
                  "include:_spf.p.example");
    expect_change(&fs, 2, "CHANGE_SPF_ALL",
                  "The SPF record now ends in %1$s instead of %2$s.", 2,
                  "~all", "-all");
    state_notes_fini(&fs);

    /* From none to one record, and from one to two. */
    diff(STEP_SPF, found(STEP_SPF, json_array()),
         found(STEP_SPF, json_pack("[o]", spf_rec("v=spf1 -all"))), &fs);
    assert_int_equal(fs.n, 1);
    expect_change(&fs, 0, "CHANGE_SPF_ADDED",
                  "An SPF record is now published: %s", 1, "v=spf1 -all");
    state_notes_fini(&fs);
    diff(STEP_SPF, found(STEP_SPF, json_pack("[s]", "v=spf1 a -all")),
         found(STEP_SPF, json_pack("[s, s]", "v=spf1 a -all",
                                   "v=spf1 mx -all")), &fs);
    assert_int_equal(fs.n, 1);
    expect_change(&fs, 0, "CHANGE_SPF_ADDED",
                  "An SPF record is now published: %s", 1,
                  "v=spf1 mx -all");
    state_notes_fini(&fs);
    diff(STEP_SPF, found(STEP_SPF, json_pack("[s]", "v=spf1 a -all")),
         found(STEP_SPF, json_array()), &fs);
    expect_change(&fs, 0, "CHANGE_SPF_REMOVED",
                  "This SPF record is no longer published: %s", 1,
                  "v=spf1 a -all");
    state_notes_fini(&fs);
    /* Changed into a record the check cannot use: not "gone". */
    json_t *bad = found(STEP_SPF, json_pack("[{s:s, s:s, s:[]}]",
                                            "domain", "d.test", "status",
                                            "syntax", "children"));
    assert_true(state_found_ok(STEP_SPF, bad));
    diff(STEP_SPF, found(STEP_SPF, json_pack("[s]", "v=spf1 a -all")),
         json_incref(bad), &fs);
    assert_int_equal(fs.n, 1);
    expect_change(&fs, 0, "CHANGE_SPF_UNUSABLE",
                  "The SPF record changed into one that cannot be used "
                  "(see below); it was: %s", 1, "v=spf1 a -all");
    state_notes_fini(&fs);
    diff(STEP_SPF, bad, found(STEP_SPF, json_pack("[s]", "v=spf1 a -all")),
         &fs);
    expect_change(&fs, 0, "CHANGE_SPF_USABLE",
                  "The SPF record can be used again: %s", 1,
                  "v=spf1 a -all");
    state_notes_fini(&fs);
}

static void
diff__dkim__selectors_and_keys(void **unused)
{
    struct state_notes fs;

    (void)unused;
    diff(STEP_DKIM,
         found(STEP_DKIM, json_pack("[o, o]", dkim_rec("s1", "v=DKIM1; p=A"),
                                    dkim_rec("s2", "v=DKIM1; p=B"))),
         found(STEP_DKIM, json_pack("[o, o]",
                                    dkim_rec("s2", "v=DKIM1;  p=C"),
                                    dkim_rec("s3", "v=DKIM1; p=D"))),
         &fs);
    assert_int_equal(fs.n, 3);
    expect_change(&fs, 0, "CHANGE_DKIM_KEY",
                  "The DKIM key at selector %s changed.", 1, "s2");
    expect_change(&fs, 1, "CHANGE_DKIM_ADDED",
                  "DKIM selector %s was added.", 1, "s3");
    expect_change(&fs, 2, "CHANGE_DKIM_REMOVED",
                  "DKIM selector %s was removed.", 1, "s1");
    state_notes_fini(&fs);
    /* Spacing alone is no new key. */
    diff(STEP_DKIM,
         found(STEP_DKIM, json_pack("[o]", dkim_rec("s1", "v=DKIM1; p=A"))),
         found(STEP_DKIM, json_pack("[o]", dkim_rec("s1", "v=DKIM1;p=A"))),
         &fs);
    assert_int_equal(fs.n, 0);
    state_notes_fini(&fs);
}

static void
diff__dmarc__policy_and_tags(void **unused)
{
    struct state_notes fs;

    (void)unused;
    diff(STEP_DMARC,
         found(STEP_DMARC, json_pack("[o]", dmarc_rec(
             "v=DMARC1; p=none; rua=mailto:d@d.test; pct=50"))),
         found(STEP_DMARC, json_pack("[o]", dmarc_rec(
             "v=DMARC1;p=quarantine; rua=mailto:r@d.test; adkim=s"))),
         &fs);
    assert_int_equal(fs.n, 4);
    expect_change(&fs, 0, "CHANGE_DMARC_POLICY",
                  "The DMARC policy went from %1$s to %2$s.", 2,
                  "none", "quarantine");
    expect_change(&fs, 1, "CHANGE_DMARC_TAG",
                  "The DMARC tag %1$s went from %2$s to %3$s.", 3,
                  "rua", "mailto:d@d.test", "mailto:r@d.test");
    expect_change(&fs, 2, "CHANGE_DMARC_GAINED",
                  "The DMARC record gained %s.", 1, "adkim=s");
    expect_change(&fs, 3, "CHANGE_DMARC_LOST",
                  "The DMARC record lost %s.", 1, "pct=50");
    state_notes_fini(&fs);

    diff(STEP_DMARC,
         found(STEP_DMARC, json_pack("[o]", dmarc_rec("v=DMARC1; p=none"))),
         found(STEP_DMARC, json_array()), &fs);
    assert_int_equal(fs.n, 1);
    expect_change(&fs, 0, "CHANGE_DMARC_REMOVED",
                  "This DMARC record is no longer published: %s", 1,
                  "v=DMARC1; p=none");
    state_notes_fini(&fs);
    diff(STEP_DMARC, found(STEP_DMARC, json_array()),
         found(STEP_DMARC, json_pack("[o]", dmarc_rec("v=DMARC1; p=none"))),
         &fs);
    expect_change(&fs, 0, "CHANGE_DMARC_ADDED",
                  "A DMARC record is now published: %s", 1,
                  "v=DMARC1; p=none");
    state_notes_fini(&fs);
}

static void
diff__ptr__names_per_address(void **unused)
{
    struct state_notes fs;

    (void)unused;
    diff(STEP_PTR,
         found(STEP_PTR, json_pack("[s, s]",
             "34.12.7.81.in-addr.arpa PTR mail.d.test -> 81.7.12.34",
             "35.12.7.81.in-addr.arpa PTR old.d.test -> 81.7.12.35")),
         found(STEP_PTR, json_pack("[s, s]",
             "34.12.7.81.in-addr.arpa PTR host-34.isp.example -> x",
             "36.12.7.81.in-addr.arpa PTR new.d.test -> 81.7.12.36")),
         &fs);
    assert_int_equal(fs.n, 3);
    expect_change(&fs, 0, "CHANGE_PTR_NAME",
                  "The PTR record of %1$s now names %2$s instead of %3$s.",
                  3, "81.7.12.34", "host-34.isp.example", "mail.d.test");
    expect_change(&fs, 1, "CHANGE_PTR_ADDED",
                  "The address %1$s now has a PTR record naming %2$s.", 2,
                  "81.7.12.36", "new.d.test");
    expect_change(&fs, 2, "CHANGE_PTR_REMOVED",
                  "No PTR record naming %2$s is found for %1$s any more.",
                  2, "81.7.12.35", "old.d.test");
    state_notes_fini(&fs);
}

/* ---- state_diff() with the content ------------------------------------- */

static void
set_found_step(struct state *s, enum check_step k, enum check_status st,
               json_t *records, long long at)
{
    struct state_step *p = &s->steps[k];

    p->present = true;
    p->status = st;
    p->last_known = st;
    p->checked_at = at;
    json_decref(p->records);
    p->records = records;
    json_decref(p->found);
    p->found = state_found_from_records(k, records);
}

static void
state_diff__records_changed_and_outage(void **unused)
{
    struct state *a = state_new("d.test"), *b;
    struct state_diff d;

    (void)unused;
    set_found_step(a, STEP_MX, ST_OK,
                   json_pack("[o]", mx_rec(10, "mail.d.test")), 1000);
    /* Same status, no finding, another host: records_changed. */
    b = state_clone(a);
    set_found_step(b, STEP_MX, ST_OK,
                   json_pack("[o]", mx_rec(10, "mx.other.example")), 2000);
    state_diff(a, b, &d);
    assert_int_equal(d.step[STEP_MX].change, STATE_CH_RECORDS);
    assert_string_equal(state_change_name(STATE_CH_RECORDS),
                        "records_changed");
    assert_int_equal(d.n_changed, 1);
    assert_int_equal(d.step[STEP_MX].content.n, 1);
    assert_string_equal(d.step[STEP_MX].content.v[0].id,
                        "CHANGE_MX_REPLACED");
    state_diff_fini(&d);
    state_free(b);

    /* This run could not check MX: the saved step is the last checked
     * one, marked unchecked: could not check, no content change. */
    b = state_clone(a);
    b->steps[STEP_MX].unchecked_at = 3000;
    state_diff(a, b, &d);
    assert_int_equal(d.step[STEP_MX].change, STATE_CH_NOCHECK);
    assert_int_equal(d.step[STEP_MX].after, ST_ERROR);
    assert_int_equal(d.step[STEP_MX].content.n, 0);
    state_diff_fini(&d);
    /* In the same second as the last checked run (CI found it): still
     * could not check. */
    b->steps[STEP_MX].unchecked_at = b->steps[STEP_MX].checked_at;
    state_diff(a, b, &d);
    assert_int_equal(d.step[STEP_MX].change, STATE_CH_NOCHECK);
    state_diff_fini(&d);

    /* The next good run, same records: compared with the last checked
     * result, nothing to say. */
    struct state *c = state_clone(b);
    set_found_step(c, STEP_MX, ST_OK,
                   json_pack("[o]", mx_rec(10, "mail.d.test")), 4000);
    c->steps[STEP_MX].unchecked_at = 0;
    state_diff(b, c, &d);
    assert_int_equal(d.step[STEP_MX].change, STATE_CH_UNCHANGED);
    assert_int_equal(d.n_changed, 0);
    state_diff_fini(&d);
    state_free(a);
    state_free(b);
    state_free(c);
}

/* A format 2 file (no "found") gets it from its records; "found" and
 * "unchecked_at" round-trip. */
static void
state_json__v2_found_from_records(void **unused)
{
    json_t *j = json_pack(
        "{s:s, s:i, s:s, s:{}, s:{s:{s:s, s:[], s:[o]}}}",
        "format", "mailready-state", "version", 2, "domain", "d.test",
        "answers", "steps", "mx", "status", "ok", "findings", "records",
        mx_rec(10, "mail.d.test"));
    struct state *s = NULL, *c;
    json_t *out;

    (void)unused;
    assert_int_equal(state_from_json(j, &s), RC_OK);
    assert_string_equal(json_string_value(json_object_get(json_array_get(
        json_object_get(s->steps[STEP_MX].found, "mx"), 0), "host")),
        "mail.d.test");
    s->steps[STEP_MX].unchecked_at = 1764368000;
    out = state_to_json(s);
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 3);
    assert_int_equal(state_from_json(out, &c), RC_OK);
    assert_int_equal(c->steps[STEP_MX].unchecked_at, 1764368000);
    assert_true(json_equal(c->steps[STEP_MX].found,
                           s->steps[STEP_MX].found));
    /* A "found" that is not the step's form: the file is refused. */
    json_object_set_new(json_object_get(json_object_get(out, "steps"), "mx"),
                        "found", json_pack("{s:[s]}", "mx", "x"));
    state_free(c);
    c = NULL;
    assert_int_equal(state_from_json(out, &c), RC_PARSE);
    assert_null(c);
    json_decref(out);
    json_decref(j);
    state_free(s);
}

/* Records a state file may hold that the form may not: left out, so
 * that what is written is read again (fuzz_state's rule). */
static void
found__hostile_records__left_out(void **unused)
{
    json_t *f;

    (void)unused;
    f = found(STEP_MX, json_pack("[o, o, o]", mx_rec(70000, "a.d.test"),
                                 mx_rec(-1, "b.d.test"),
                                 mx_rec(10, "two\nlines.d.test")));
    assert_int_equal(json_array_size(json_object_get(f, "mx")), 0);
    assert_true(state_found_ok(STEP_MX, f));
    json_decref(f);
    f = found(STEP_DKIM, json_pack("[o]", dkim_rec("s1", "v=DKIM1;\tp=A")));
    assert_int_equal(json_array_size(json_object_get(f, "dkim")), 0);
    json_decref(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(found__mx__sorted_lower_case_no_dot),
        cmocka_unit_test(found__spf_dkim_dmarc__records),
        cmocka_unit_test(found__ptr__address_from_reverse_name),
        cmocka_unit_test(found__ok__refuses_bad_forms),
        cmocka_unit_test(found__hostile_records__left_out),
        cmocka_unit_test(diff__mx__replaced_added_removed_preference),
        cmocka_unit_test(diff__spf__terms_gained_lost_and_all),
        cmocka_unit_test(diff__dkim__selectors_and_keys),
        cmocka_unit_test(diff__dmarc__policy_and_tags),
        cmocka_unit_test(diff__ptr__names_per_address),
        cmocka_unit_test(state_diff__records_changed_and_outage),
        cmocka_unit_test(state_json__v2_found_from_records),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
