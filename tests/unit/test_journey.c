/* test_journey.c - DMARC as a journey: the first-seen date, day
 * boundaries, a policy change resetting the date, and what the findings
 * become (ids, severities, msgids and arguments). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "mailready/check.h"
#include "mailready/journey.h"
#include "mailready/state.h"
#include "mailready/util.h"

#define DAY 86400LL
/* 2026-11-17T00:00:00Z */
#define T0 1794873600LL

struct fixture {
    struct check_opts co;
    struct check_ctx ctx;
};

/* A DMARC result as check_dmarc.c gives it: the record with its applied
 * policy, and the findings named in ids ("" for none). */
static void
dmarc_result(struct fixture *f, const char *policy, const char *ids)
{
    struct check_result *r;

    memset(&f->co, 0, sizeof(f->co));
    f->co.domain = "d.test";
    check_ctx_init(&f->ctx, NULL, &f->co);
    r = &f->ctx.res[STEP_DMARC];
    r->ran = true;
    json_array_append_new(r->records, json_pack(
        "{s:s, s:s, s:s}", "name", "_dmarc.d.test", "record",
        "v=DMARC1; p=x", "policy", policy));
    if (strstr(ids, "POLICY_NONE") != NULL)
        finding_add(&r->findings, SEV_WARN, "DMARC_POLICY_NONE",
                    "The DMARC policy for %1$s is none.", "d.test");
    if (strstr(ids, "NO_RUA") != NULL)
        finding_add(&r->findings, SEV_WARN, "DMARC_NO_RUA",
                    "No rua at %1$s.", "_dmarc.d.test");
    if (strstr(ids, "TIMEOUT") != NULL)
        finding_add(&r->findings, SEV_ERROR, "DNS_TIMEOUT",
                    "No answer for %1$s %2$s.", "_dmarc.d.test", "TXT");
}

static const struct finding *
only_finding(const struct fixture *f)
{
    const struct findings *fs = &f->ctx.res[STEP_DMARC].findings;

    assert_int_equal(fs->n, 1);
    return &fs->v[0];
}

static struct state *
seen(const char *policy, long long since)
{
    struct state *st = state_new("d.test");

    st->dmarc_seen_policy = xstrdup(policy);
    st->dmarc_seen_since = since;
    return st;
}

static void
journey__days__whole_days_only(void **unused)
{
    (void)unused;
    assert_int_equal(journey_days(T0, T0), 0);
    assert_int_equal(journey_days(T0, T0 + DAY - 1), 0);
    assert_int_equal(journey_days(T0, T0 + DAY), 1);
    assert_int_equal(journey_days(T0, T0 + 14 * DAY - 1), 13);
    assert_int_equal(journey_days(T0, T0 + 14 * DAY), 14);
    assert_int_equal(journey_days(T0, T0 - 5), 0);     /* clock went back */
    assert_int_equal(journey_days(0, T0), 0);
}

/* No state yet: first seen now, day 1, on track (info, status OK). */
static void
journey__none_with_rua__first_seen_now(void **unused)
{
    struct fixture f;
    struct journey_dmarc j;
    const struct finding *x;
    struct state *st = state_new("d.test");

    (void)unused;
    dmarc_result(&f, "none", "POLICY_NONE");
    journey_dmarc_apply(&f.ctx, NULL, 0, (time_t)T0, &j);
    assert_true(j.known);
    assert_int_equal(j.policy, STATE_POLICY_NONE);
    assert_int_equal(j.since, T0);
    x = only_finding(&f);
    assert_string_equal(x->id, "DMARC_MONITORING");
    assert_int_equal(x->sev, SEV_INFO);
    assert_int_equal(x->nargs, 3);
    assert_string_equal(x->args[0], "2026-11-17");
    assert_string_equal(x->args[1], "1");
    assert_string_equal(x->args[2], "14");
    assert_int_equal(findings_status(&f.ctx.res[STEP_DMARC].findings),
                     ST_OK);
    journey_dmarc_note(st, &j);
    assert_string_equal(st->dmarc_seen_policy, "none");
    assert_int_equal(st->dmarc_seen_since, T0);
    check_ctx_fini(&f.ctx);
    state_free(st);
}

/* The last second of the period is still on track; the next one is not. */
static void
journey__none_with_rua__period_boundary(void **unused)
{
    struct fixture f;
    struct journey_dmarc j;
    const struct finding *x;
    struct state *st = seen("none", T0);

    (void)unused;
    dmarc_result(&f, "none", "POLICY_NONE");
    journey_dmarc_apply(&f.ctx, st, 14, (time_t)(T0 + 14 * DAY - 1), &j);
    x = only_finding(&f);
    assert_string_equal(x->id, "DMARC_MONITORING");
    assert_string_equal(x->args[1], "14");
    assert_int_equal(j.since, T0);
    check_ctx_fini(&f.ctx);

    dmarc_result(&f, "none", "POLICY_NONE");
    journey_dmarc_apply(&f.ctx, st, 14, (time_t)(T0 + 14 * DAY), &j);
    x = only_finding(&f);
    assert_string_equal(x->id, "DMARC_POLICY_NONE");
    assert_int_equal(x->sev, SEV_WARN);
    assert_non_null(strstr(x->msgid, "p=quarantine"));
    assert_non_null(strstr(x->msgid, "aligned"));
    assert_string_equal(x->args[0], "2026-11-17");
    assert_string_equal(x->args[1], "14");
    check_ctx_fini(&f.ctx);

    /* A longer period given: on track again. */
    dmarc_result(&f, "none", "POLICY_NONE");
    journey_dmarc_apply(&f.ctx, st, 30, (time_t)(T0 + 15 * DAY), &j);
    x = only_finding(&f);
    assert_string_equal(x->id, "DMARC_MONITORING");
    assert_string_equal(x->args[1], "16");
    assert_string_equal(x->args[2], "30");
    check_ctx_fini(&f.ctx);
    state_free(st);
}

/* p=none without reports: no journey, the warning stays as it was. */
static void
journey__none_without_rua__still_warns(void **unused)
{
    struct fixture f;
    struct journey_dmarc j;
    struct state *st = seen("none", T0), *n = state_clone(st);
    const struct findings *fs;

    (void)unused;
    dmarc_result(&f, "none", "POLICY_NONE NO_RUA");
    journey_dmarc_apply(&f.ctx, st, 14, (time_t)(T0 + DAY), &j);
    fs = &f.ctx.res[STEP_DMARC].findings;
    assert_int_equal(fs->n, 2);
    assert_string_equal(fs->v[0].id, "DMARC_POLICY_NONE");
    assert_string_equal(fs->v[0].msgid,
                        "The DMARC policy for %1$s is none.");
    assert_int_equal(j.policy, STATE_POLICY_UNSET);
    /* ... and the date is forgotten: reports added later start anew. */
    journey_dmarc_note(n, &j);
    assert_null(n->dmarc_seen_policy);
    assert_int_equal(n->dmarc_seen_since, 0);
    check_ctx_fini(&f.ctx);
    state_free(st);
    state_free(n);
}

/* Moving to quarantine resets the date; after the period there, reject
 * is proposed (info: quarantine is no fault). */
static void
journey__policy_change__resets_date(void **unused)
{
    struct fixture f;
    struct journey_dmarc j;
    const struct finding *x;
    struct state *st = seen("none", T0);

    (void)unused;
    dmarc_result(&f, "quarantine", "");
    journey_dmarc_apply(&f.ctx, st, 14, (time_t)(T0 + 20 * DAY), &j);
    assert_int_equal(j.policy, STATE_POLICY_QUARANTINE);
    assert_int_equal(j.since, T0 + 20 * DAY);
    assert_int_equal(f.ctx.res[STEP_DMARC].findings.n, 0);
    journey_dmarc_note(st, &j);
    assert_string_equal(st->dmarc_seen_policy, "quarantine");
    check_ctx_fini(&f.ctx);

    dmarc_result(&f, "quarantine", "");
    journey_dmarc_apply(&f.ctx, st, 14, (time_t)(T0 + 34 * DAY), &j);
    x = only_finding(&f);
    assert_string_equal(x->id, "DMARC_MOVE_TO_REJECT");
    assert_int_equal(x->sev, SEV_INFO);
    assert_non_null(strstr(x->msgid, "p=reject"));
    assert_string_equal(x->args[0], "2026-12-07");
    assert_string_equal(x->args[1], "14");
    check_ctx_fini(&f.ctx);

    /* Back to none: a new date, on track again from day 1. */
    dmarc_result(&f, "none", "POLICY_NONE");
    journey_dmarc_apply(&f.ctx, st, 14, (time_t)(T0 + 40 * DAY), &j);
    assert_int_equal(j.since, T0 + 40 * DAY);
    assert_string_equal(only_finding(&f)->args[1], "1");
    check_ctx_fini(&f.ctx);

    /* At reject the journey is over. */
    dmarc_result(&f, "reject", "");
    journey_dmarc_apply(&f.ctx, st, 14, (time_t)(T0 + 41 * DAY), &j);
    assert_int_equal(j.policy, STATE_POLICY_UNSET);
    assert_int_equal(f.ctx.res[STEP_DMARC].findings.n, 0);
    check_ctx_fini(&f.ctx);
    state_free(st);
}

/* Could not check DMARC: nothing judged, the saved date kept. */
static void
journey__error__keeps_date(void **unused)
{
    struct fixture f;
    struct journey_dmarc j;
    struct state *st = seen("none", T0);

    (void)unused;
    dmarc_result(&f, "", "TIMEOUT");
    journey_dmarc_apply(&f.ctx, st, 14, (time_t)(T0 + 3 * DAY), &j);
    assert_false(j.known);
    assert_int_equal(f.ctx.res[STEP_DMARC].findings.n, 1);
    journey_dmarc_note(st, &j);
    assert_string_equal(st->dmarc_seen_policy, "none");
    assert_int_equal(st->dmarc_seen_since, T0);
    check_ctx_fini(&f.ctx);
    state_free(st);
}

/* The date round-trips through the state file's JSON. */
static void
journey__state__dmarc_seen_round_trips(void **unused)
{
    struct state *st = seen("quarantine", T0), *c = state_clone(st);
    json_t *j;

    (void)unused;
    assert_string_equal(c->dmarc_seen_policy, "quarantine");
    assert_int_equal(c->dmarc_seen_since, T0);
    j = state_to_json(st);
    json_object_set_new(json_object_get(j, "dmarc_seen"), "policy",
                        json_string("strict"));
    state_free(c);
    c = NULL;
    assert_int_equal(state_from_json(j, &c), RC_PARSE);
    json_decref(j);
    state_free(st);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(journey__days__whole_days_only),
        cmocka_unit_test(journey__none_with_rua__first_seen_now),
        cmocka_unit_test(journey__none_with_rua__period_boundary),
        cmocka_unit_test(journey__none_without_rua__still_warns),
        cmocka_unit_test(journey__policy_change__resets_date),
        cmocka_unit_test(journey__error__keeps_date),
        cmocka_unit_test(journey__state__dmarc_seen_round_trips),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
