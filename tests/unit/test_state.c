/* test_state.c - the state file: round trip, atomic save, files that
 * cannot be read set aside, update from a run, and the diff classes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailready/check.h"
#include "mailready/state.h"
#include "mailready/util.h"

static char tmpdir[] = "/tmp/mr-state-XXXXXX";

static int
setup(void **unused)
{
    (void)unused;
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    return 0;
}

static int
teardown(void **unused)
{
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);

    (void)unused;
    if (system(cmd) != 0)
        return -1;
    free(cmd);
    return 0;
}

/* A fresh directory under tmpdir for one test. */
static char *
test_dir(const char *name)
{
    return xasprintf("%s/%s", tmpdir, name);
}

static void
write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
}

static char *
read_text(const char *path)
{
    FILE *fp = fopen(path, "r");
    char buf[4096];
    size_t n;

    assert_non_null(fp);
    n = fread(buf, 1, sizeof(buf) - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return xstrdup(buf);
}

/* Number of entries in dir whose name starts with prefix. */
static int
count_prefix(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            n++;
    closedir(d);
    return n;
}

static void
add_finding(struct state_step *s, enum sev sev, const char *id,
            const char *msgid, const char *arg)
{
    struct state_finding *f;

    s->findings = xreallocarray(s->findings, s->n_findings + 1,
                                sizeof(*s->findings));
    f = &s->findings[s->n_findings++];
    memset(f, 0, sizeof(*f));
    f->id = xstrdup(id);
    f->sev = sev;
    f->msgid = xstrdup(msgid);
    if (arg != NULL)
        f->args[f->nargs++] = xstrdup(arg);
}

/* Make step present with status st and one finding per id in ids
 * (space-separated) of the severity that gives st. */
static void
set_step(struct state *s, enum check_step step, enum check_status st,
         const char *ids)
{
    struct state_step *p = &s->steps[step];
    enum sev sev = st == ST_FAIL ? SEV_FAIL : st == ST_WARN ? SEV_WARN :
        st == ST_ERROR ? SEV_ERROR : SEV_INFO;
    char *copy = xstrdup(ids), *save = NULL;

    p->present = true;
    p->status = st;
    p->last_known = st;
    p->checked_at = 1700000000;
    for (char *t = strtok_r(copy, " ", &save); t != NULL;
         t = strtok_r(NULL, " ", &save))
        add_finding(p, sev, t, "Something about %1$s.", "x");
    free(copy);
}

/* Every field of struct state_answers, each with a value that is not
 * its default, through JSON and back. */
static void
answers__every_field__round_trips(void **unused)
{
    struct state *s = state_new("every.example"), *r = NULL;
    struct state_answers *a = &s->answers, *b;
    json_t *j;

    (void)unused;
    a->answered = true;
    state_strs_add(&a->providers, "google");
    state_strs_add(&a->providers, "own");
    state_strs_add(&a->server_ips, "45.67.89.10");
    state_strs_add(&a->includes, "_spf.example.net");
    a->hostname = xstrdup("mail.every.example");
    a->mx_host = xstrdup("mx.every.example");
    a->own_send_only = true;
    a->no_mail = true;
    a->spf_hard_fail = true;
    state_answers_selector_add(a, "found");
    state_answers_set_key(a, "s1", "/k/s1.private", "ed25519",
                          "v=DKIM1; k=ed25519; p=AAAA");
    a->dmarc_policy = STATE_POLICY_QUARANTINE;
    a->dmarc_sp = STATE_POLICY_REJECT;
    a->dmarc_strict = true;
    state_strs_add(&a->dmarc_rua, "mailto:agg@every.example");
    state_strs_add(&a->dmarc_ruf, "mailto:ruf@every.example");
    a->mta_sts = xstrdup("testing");
    a->tls_rua = xstrdup("tls@every.example");
    a->lang = xstrdup("es");

    j = state_to_json(s);
    assert_int_equal(state_from_json(j, &r), RC_OK);
    b = &r->answers;
    assert_true(b->answered);
    assert_int_equal(b->providers.n, 2);
    assert_string_equal(b->providers.v[1], "own");
    assert_string_equal(b->server_ips.v[0], "45.67.89.10");
    assert_string_equal(b->includes.v[0], "_spf.example.net");
    assert_string_equal(b->hostname, "mail.every.example");
    assert_string_equal(b->mx_host, "mx.every.example");
    assert_true(b->own_send_only);
    assert_true(b->no_mail);
    assert_true(b->spf_hard_fail);
    assert_int_equal(b->n_selectors, 2);
    /* The key made last comes first. */
    assert_string_equal(b->selectors[0].name, "s1");
    assert_string_equal(b->selectors[0].key_path, "/k/s1.private");
    assert_string_equal(b->selectors[0].key_type, "ed25519");
    assert_string_equal(b->selectors[0].record,
                        "v=DKIM1; k=ed25519; p=AAAA");
    assert_string_equal(b->selectors[1].name, "found");
    assert_null(b->selectors[1].key_path);
    assert_ptr_equal(state_answers_key(b), &b->selectors[0]);
    assert_int_equal(b->dmarc_policy, STATE_POLICY_QUARANTINE);
    assert_int_equal(b->dmarc_sp, STATE_POLICY_REJECT);
    assert_true(b->dmarc_strict);
    assert_string_equal(b->dmarc_rua.v[0], "mailto:agg@every.example");
    assert_string_equal(b->dmarc_ruf.v[0], "mailto:ruf@every.example");
    assert_string_equal(b->mta_sts, "testing");
    assert_string_equal(b->tls_rua, "tls@every.example");
    assert_string_equal(b->lang, "es");
    /* One JSON key per field, nothing untyped. */
    assert_null(json_object_get(json_object_get(j, "answers"), "extras"));
    assert_int_equal(json_object_size(json_object_get(j, "answers")), 18);
    /* A mode that is not one of RFC 8461's is refused. */
    json_object_set_new(json_object_get(j, "answers"), "mta_sts",
                        json_string("strict"));
    state_free(r);
    r = NULL;
    assert_int_not_equal(state_from_json(j, &r), RC_OK);
    json_decref(j);
    state_free(r);
    state_free(s);
}

/* A state file of format 1 (answers partly in "extras") loads into the
 * typed fields. */
static void
answers__format1__migrated(void **unused)
{
    const char *v1 =
        "{\"format\": \"mailready-state\", \"version\": 1,"
        " \"domain\": \"old.example\", \"checked_at\": null,"
        " \"answers\": {\"providers\": [\"own\"],"
        "  \"server_ips\": [\"45.67.89.10\"], \"includes\": [],"
        "  \"hostname\": \"mail.old.example\","
        "  \"selectors\": [\"w1\", \"found\"],"
        "  \"dkim_keys\": [\"/k/w1.private\", \"\"],"
        "  \"dmarc_policy\": \"reject\","
        "  \"dmarc_rua\": [\"mailto:d@old.example\"], \"dmarc_ruf\": [],"
        "  \"extras\": {\"wizard\": {\"dmarc_sp\": 2,"
        "    \"dmarc_strict\": true, \"dkim_type\": \"rsa\","
        "    \"dkim_record\": \"v=DKIM1; k=rsa; p=MIIB\","
        "    \"answered\": true},"
        "   \"own_send_only\": true, \"spf_hard_fail\": true,"
        "   \"mx_host\": \"mx.old.example\", \"unknown\": 1}},"
        " \"steps\": {}}";
    json_t *j = json_loads(v1, 0, NULL);
    struct state *r = NULL;
    const struct state_answers *b;

    (void)unused;
    assert_non_null(j);
    assert_int_equal(state_from_json(j, &r), RC_OK);
    b = &r->answers;
    assert_true(b->answered);
    assert_string_equal(b->providers.v[0], "own");
    assert_string_equal(b->hostname, "mail.old.example");
    assert_string_equal(b->mx_host, "mx.old.example");
    assert_true(b->own_send_only);
    assert_true(b->spf_hard_fail);
    assert_int_equal(b->n_selectors, 2);
    assert_string_equal(b->selectors[0].name, "w1");
    assert_string_equal(b->selectors[0].key_path, "/k/w1.private");
    assert_string_equal(b->selectors[0].key_type, "rsa");
    assert_string_equal(b->selectors[0].record, "v=DKIM1; k=rsa; p=MIIB");
    assert_null(b->selectors[1].key_path);
    assert_int_equal(b->dmarc_policy, STATE_POLICY_REJECT);
    assert_int_equal(b->dmarc_sp, STATE_POLICY_QUARANTINE);
    assert_true(b->dmarc_strict);
    assert_string_equal(b->dmarc_rua.v[0], "mailto:d@old.example");
    json_decref(j);
    /* Written again, it is the current format. */
    j = state_to_json(r);
    assert_int_equal(json_integer_value(json_object_get(j, "version")),
                     STATE_FORMAT_VERSION);
    json_decref(j);
    state_free(r);
}

/* What the command line gives wins over the saved answers; what it
 * does not give stays as saved. */
static void
answers__overlay__command_line_wins(void **unused)
{
    struct state_answers saved, given;

    (void)unused;
    memset(&saved, 0, sizeof(saved));
    memset(&given, 0, sizeof(given));
    state_strs_add(&saved.server_ips, "45.67.89.10");
    saved.hostname = xstrdup("old.example");
    state_answers_set_key(&saved, "w1", "/k/w1", "rsa", NULL);
    saved.spf_hard_fail = true;
    state_strs_add(&given.server_ips, "45.67.89.11");
    state_answers_selector_add(&given, "s2");
    state_answers_overlay(&saved, &given);
    assert_int_equal(saved.server_ips.n, 1);
    assert_string_equal(saved.server_ips.v[0], "45.67.89.11");
    assert_string_equal(saved.hostname, "old.example");
    assert_int_equal(saved.n_selectors, 2);
    assert_string_equal(state_answers_key(&saved)->name, "w1");
    assert_true(saved.spf_hard_fail);
    state_answers_copy(&given, &saved);
    assert_string_equal(given.selectors[1].name, "s2");
    assert_string_equal(given.selectors[0].key_path, "/k/w1");
    state_answers_fini(&saved);
    state_answers_fini(&given);
}

/* A state whose records would make a file the loader refuses is saved
 * without the largest records, and loads again (issue 19: an SPF include
 * fan-out once made a 17 MB file that was set aside on every run). */
static void
state__too_large__records_dropped_and_loads(void **unused)
{
    char *dir = test_dir("large"), *blob = xmalloc(100001);
    struct state *s = state_new("big.test"), *r = NULL;
    struct rc_err err = { 0 };
    char *path = NULL;
    struct stat sb;

    (void)unused;
    memset(blob, 'x', 100000);
    blob[100000] = '\0';
    state_strs_add(&s->answers.server_ips, "45.67.89.10");
    set_step(s, STEP_SPF, ST_FAIL, "SPF_TOO_MANY_LOOKUPS");
    for (int i = 0; i < 120; i++)       /* about 12 MB */
        json_array_append_new(s->steps[STEP_SPF].records,
                              json_string(blob));
    set_step(s, STEP_MX, ST_OK, "");
    json_array_append_new(s->steps[STEP_MX].records,
                          json_string("10 mx.big.test."));
    assert_int_equal(state_save(dir, s, &err), RC_OK);
    assert_int_equal(state_path(dir, "big.test", &path), RC_OK);
    assert_int_equal(stat(path, &sb), 0);
    assert_true((size_t)sb.st_size <= STATE_MAX_BYTES);
    assert_int_equal(state_load(dir, "big.test", &r, NULL, NULL), RC_OK);
    /* The answers, the findings and the small records are kept. */
    assert_string_equal(r->answers.server_ips.v[0], "45.67.89.10");
    assert_int_equal(r->steps[STEP_SPF].n_findings, 1);
    assert_int_equal(json_array_size(r->steps[STEP_SPF].records), 0);
    assert_int_equal(json_array_size(r->steps[STEP_MX].records), 1);
    state_free(r);
    state_free(s);
    free(path);
    free(blob);
    free(dir);
}

/* A FIFO where the state file should be: never waited on, never read or
 * replaced; the reason is given. */
static void
state__fifo__refused_without_blocking(void **unused)
{
    char *dir = test_dir("fifo"), *path = NULL;
    struct state *r = NULL;
    struct rc_err err = { 0 };
    struct stat sb;

    (void)unused;
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(state_path(dir, "f.test", &path), RC_OK);
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(state_load(dir, "f.test", &r, NULL, &err), RC_IO);
    assert_null(r);
    assert_non_null(err.msgid);
    assert_non_null(strstr(err.msgid, "not a regular file"));
    assert_int_equal(stat(path, &sb), 0);
    assert_true(S_ISFIFO(sb.st_mode));
    rc_err_fini(&err);
    free(path);
    free(dir);
}

/* Files set aside as corrupt: the five newest are kept. */
static void
state__corrupt_often__aside_capped(void **unused)
{
    char *dir = test_dir("capped"), *path = NULL;
    struct state *r = NULL;

    (void)unused;
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(state_path(dir, "c.test", &path), RC_OK);
    for (int i = 0; i < 8; i++) {
        char *aside = NULL;

        write_file(path, "{ not json");
        assert_int_equal(state_load(dir, "c.test", &r, &aside, NULL),
                         RC_PARSE);
        assert_non_null(aside);
        free(aside);
    }
    assert_int_equal(count_prefix(dir, "c.test.json.corrupt-"), 5);
    free(path);
    free(dir);
}

static void
state__round_trip__keeps_everything(void **unused)
{
    char *dir = test_dir("rt/nested/deeper"), *path, *aside = NULL;
    struct state *s = state_new("example.com"), *r = NULL;
    struct stat sb;
    struct rc_err err = { 0 };

    (void)unused;
    state_strs_add(&s->answers.providers, "google");
    state_strs_add(&s->answers.server_ips, "45.67.89.10");
    state_strs_add(&s->answers.server_ips, "2a01:4f8::25");
    s->answers.hostname = xstrdup("mail.example.com");
    state_answers_set_key(&s->answers, "s2026", "/home/a/s2026.private",
                          "rsa", "v=DKIM1; k=rsa; p=MIIB");
    state_answers_selector_add(&s->answers, "google");
    s->answers.dmarc_policy = STATE_POLICY_NONE;
    state_strs_add(&s->answers.dmarc_rua, "mailto:dmarc@example.com");
    s->checked_at = 1764368000;
    set_step(s, STEP_MX, ST_OK, "");
    s->steps[STEP_MX].first_passed_at = 1764300000;
    json_array_append_new(s->steps[STEP_MX].records,
                          json_string("10 mx.example.com."));
    set_step(s, STEP_SPF, ST_FAIL, "SPF_MISSING");
    json_array_append_new(s->steps[STEP_SPF].records,
                          json_pack("{s:s}", "display",
                                    "line one\nline two"));
    /* A plural finding. */
    struct state_step *dk = &s->steps[STEP_DKIM];
    dk->present = true;
    dk->status = ST_WARN;
    dk->last_known = ST_WARN;
    dk->checked_at = 1764368000;
    add_finding(dk, SEV_WARN, "DKIM_X", "%1$s key", "sel");
    dk->findings[0].msgid_plural = xstrdup("%1$s keys");
    dk->findings[0].n = 3;
    json_object_set_new(s->other_steps, "mta-sts",
                        json_pack("{s:s}", "status", "ok"));

    assert_int_equal(state_save(dir, s, &err), RC_OK);
    assert_null(err.msgid);
    assert_int_equal(state_path(dir, "example.com", &path), RC_OK);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(stat(dir, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    /* No temporary file left behind. */
    assert_int_equal(count_prefix(dir, "."), 2);

    assert_int_equal(state_load(dir, "example.com", &r, &aside, NULL),
                     RC_OK);
    assert_null(aside);
    assert_non_null(r);
    assert_string_equal(r->domain, "example.com");
    assert_int_equal(r->checked_at, 1764368000);
    assert_int_equal(r->answers.providers.n, 1);
    assert_string_equal(r->answers.providers.v[0], "google");
    assert_int_equal(r->answers.server_ips.n, 2);
    assert_string_equal(r->answers.server_ips.v[1], "2a01:4f8::25");
    assert_string_equal(r->answers.hostname, "mail.example.com");
    assert_int_equal(r->answers.n_selectors, 2);
    assert_string_equal(r->answers.selectors[0].name, "s2026");
    assert_string_equal(r->answers.selectors[0].key_path,
                        "/home/a/s2026.private");
    assert_string_equal(r->answers.selectors[1].name, "google");
    assert_null(r->answers.selectors[1].key_path);
    assert_int_equal(r->answers.dmarc_policy, STATE_POLICY_NONE);
    assert_string_equal(r->answers.dmarc_rua.v[0],
                        "mailto:dmarc@example.com");
    assert_true(r->steps[STEP_MX].present);
    assert_int_equal(r->steps[STEP_MX].status, ST_OK);
    assert_int_equal(r->steps[STEP_MX].first_passed_at, 1764300000);
    assert_int_equal(r->steps[STEP_MX].checked_at, 1700000000);
    assert_string_equal(json_string_value(json_array_get(
        r->steps[STEP_MX].records, 0)), "10 mx.example.com.");
    assert_int_equal(r->steps[STEP_SPF].status, ST_FAIL);
    assert_int_equal(r->steps[STEP_SPF].n_findings, 1);
    assert_string_equal(r->steps[STEP_SPF].findings[0].id, "SPF_MISSING");
    assert_int_equal(r->steps[STEP_SPF].findings[0].sev, SEV_FAIL);
    assert_string_equal(r->steps[STEP_SPF].findings[0].msgid,
                        "Something about %1$s.");
    assert_string_equal(r->steps[STEP_SPF].findings[0].args[0], "x");
    assert_string_equal(json_string_value(json_object_get(json_array_get(
        r->steps[STEP_SPF].records, 0), "display")), "line one\nline two");
    assert_string_equal(r->steps[STEP_DKIM].findings[0].msgid_plural,
                        "%1$s keys");
    assert_int_equal(r->steps[STEP_DKIM].findings[0].n, 3);
    assert_false(r->steps[STEP_DMARC].present);
    assert_false(r->steps[STEP_PTR].present);
    assert_non_null(json_object_get(r->other_steps, "mta-sts"));

    /* Saving what was loaded gives the same file. */
    char *first = read_text(path);
    assert_int_equal(state_save(dir, r, NULL), RC_OK);
    char *second = read_text(path);
    assert_string_equal(first, second);

    free(first);
    free(second);
    state_free(r);
    state_free(s);
    free(path);
    free(dir);
}

static void
state__save__removes_stale_temporary_files(void **unused)
{
    char *dir = test_dir("stale");
    char *old = xasprintf("%s/.s.test.json.AbC123", dir);
    char *fresh = xasprintf("%s/.s.test.json.XyZ789", dir);
    char *other = xasprintf("%s/.o.test.json.AbC123", dir);
    struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
    struct state *s = state_new("s.test");

    (void)unused;
    assert_int_equal(mkdir(dir, 0700), 0);
    write_file(old, "half a sa");
    write_file(fresh, "being written");
    write_file(other, "another domain");
    assert_int_equal(utimensat(AT_FDCWD, old, ts, 0), 0);
    assert_int_equal(utimensat(AT_FDCWD, other, ts, 0), 0);
    assert_int_equal(state_save(dir, s, NULL), RC_OK);
    assert_int_equal(access(old, F_OK), -1);
    assert_int_equal(access(fresh, F_OK), 0);
    assert_int_equal(access(other, F_OK), 0);
    state_free(s);
    free(old);
    free(fresh);
    free(other);
    free(dir);
}

static void
state__missing__is_notfound(void **unused)
{
    char *dir = test_dir("none");
    struct state *r = (struct state *)&r;
    char *aside = (char *)&aside;

    (void)unused;
    assert_int_equal(state_load(dir, "example.org", &r, &aside, NULL),
                     RC_NOTFOUND);
    assert_null(r);
    assert_null(aside);
    free(dir);
}

/* Write text as the state of d.test in dir, load it, expect rc and an
 * aside file holding the same text with tag in its name. */
static void
expect_set_aside(const char *name, const char *text, enum rc want,
                 const char *tag)
{
    char *dir = test_dir(name), *path, *aside = NULL, *moved;
    struct state *r = NULL;

    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(state_path(dir, "d.test", &path), RC_OK);
    write_file(path, text);
    assert_int_equal(state_load(dir, "d.test", &r, &aside, NULL), want);
    assert_null(r);
    assert_non_null(aside);
    assert_non_null(strstr(aside, tag));
    assert_int_equal(access(path, F_OK), -1);
    moved = read_text(aside);
    assert_string_equal(moved, text);
    /* The next load starts afresh; a save does not touch the copy. */
    assert_int_equal(state_load(dir, "d.test", &r, NULL, NULL),
                     RC_NOTFOUND);
    r = state_new("d.test");
    assert_int_equal(state_save(dir, r, NULL), RC_OK);
    free(moved);
    moved = read_text(aside);
    assert_string_equal(moved, text);
    state_free(r);
    free(moved);
    free(aside);
    free(path);
    free(dir);
}

static void
state__corrupt_json__set_aside(void **unused)
{
    (void)unused;
    expect_set_aside("c1", "{\"format\": \"mailready-state\", \"vers",
                     RC_PARSE, "d.test.json.corrupt-");
}

static void
state__wrong_types__set_aside(void **unused)
{
    (void)unused;
    expect_set_aside("c2", "{\"format\":\"mailready-state\",\"version\":1,"
                     "\"domain\":\"d.test\",\"steps\":{\"mx\":{"
                     "\"status\":\"ok\",\"findings\":\"none\"}}}",
                     RC_PARSE, ".corrupt-");
    expect_set_aside("c3", "[1, 2, 3]", RC_PARSE, ".corrupt-");
    expect_set_aside("c4", "", RC_PARSE, ".corrupt-");
}

static void
state__unsafe_msgid__set_aside(void **unused)
{
    (void)unused;
    /* A msgid is a printf format: anything but %s is refused. */
    expect_set_aside("c5", "{\"format\":\"mailready-state\",\"version\":1,"
                     "\"domain\":\"d.test\",\"steps\":{\"mx\":{"
                     "\"status\":\"fail\",\"checked_at\":"
                     "\"2026-11-28T22:00:00Z\",\"findings\":[{\"id\":"
                     "\"MX_MISSING\",\"severity\":\"fail\",\"msgid\":"
                     "\"%n%n\",\"args\":[]}],\"records\":[]}}}",
                     RC_PARSE, ".corrupt-");
    /* A control character in an argument would reach the terminal. */
    expect_set_aside("c6", "{\"format\":\"mailready-state\",\"version\":1,"
                     "\"domain\":\"d.test\",\"steps\":{\"mx\":{"
                     "\"status\":\"fail\",\"findings\":[{\"id\":"
                     "\"MX_MISSING\",\"severity\":\"fail\",\"msgid\":"
                     "\"%1$s\",\"args\":[\"\\u001b[2J\"]}]}}}",
                     RC_PARSE, ".corrupt-");
    /* The status must follow from the findings. */
    expect_set_aside("c7", "{\"format\":\"mailready-state\",\"version\":1,"
                     "\"domain\":\"d.test\",\"steps\":{\"mx\":{"
                     "\"status\":\"ok\",\"findings\":[{\"id\":"
                     "\"MX_MISSING\",\"severity\":\"fail\",\"msgid\":"
                     "\"%1$s\",\"args\":[\"a\"]}]}}}",
                     RC_PARSE, ".corrupt-");
}

static void
state__other_domain__set_aside(void **unused)
{
    (void)unused;
    expect_set_aside("c8", "{\"format\":\"mailready-state\",\"version\":1,"
                     "\"domain\":\"other.test\"}", RC_PARSE, ".corrupt-");
}

static void
state__future_version__set_aside(void **unused)
{
    (void)unused;
    expect_set_aside("n1", "{\"format\":\"mailready-state\",\"version\":99,"
                     "\"domain\":\"d.test\",\"steps\":\"new layout\"}",
                     RC_UNSUPPORTED, "d.test.json.newer-");
}

static void
state__twice_in_a_second__two_copies(void **unused)
{
    char *dir = test_dir("twice"), *path, *a1 = NULL, *a2 = NULL;
    struct state *r = NULL;

    (void)unused;
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(state_path(dir, "d.test", &path), RC_OK);
    write_file(path, "garbage one");
    assert_int_equal(state_load(dir, "d.test", &r, &a1, NULL), RC_PARSE);
    write_file(path, "garbage two");
    assert_int_equal(state_load(dir, "d.test", &r, &a2, NULL), RC_PARSE);
    assert_non_null(a1);
    assert_non_null(a2);
    assert_string_not_equal(a1, a2);
    char *t1 = read_text(a1), *t2 = read_text(a2);
    assert_string_equal(t1, "garbage one");
    assert_string_equal(t2, "garbage two");
    free(t1);
    free(t2);
    free(a1);
    free(a2);
    free(path);
    free(dir);
}

static void
state__unreadable__left_in_place(void **unused)
{
    char *dir = test_dir("unread"), *path, *aside = NULL;
    struct state *r = NULL;

    (void)unused;
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(state_path(dir, "d.test", &path), RC_OK);
    /* A directory where the file should be cannot be read or replaced. */
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(state_load(dir, "d.test", &r, &aside, NULL), RC_IO);
    assert_null(r);
    assert_null(aside);
    free(path);
    free(dir);
}

static void
state__save_failure__reports_path(void **unused)
{
    char *dir = test_dir("file-not-dir");
    struct rc_err err = { 0 };
    struct state *s = state_new("d.test");

    (void)unused;
    write_file(dir, "a file");
    assert_int_equal(state_save(dir, s, &err), RC_IO);
    assert_non_null(err.msgid);
    assert_int_equal(err.nargs, 1);
    assert_non_null(strstr(err.args[0], "file-not-dir"));
    assert_int_equal(err.errnum, ENOTDIR);
    rc_err_fini(&err);
    state_free(s);
    free(dir);
}

static void
state__bad_domain__refused(void **unused)
{
    char *p = NULL;

    (void)unused;
    assert_int_equal(state_path("/tmp", "../etc/passwd", &p), RC_INVALID);
    assert_null(p);
    assert_int_equal(state_path("/tmp", "Example.COM", &p), RC_INVALID);
    assert_int_equal(state_path("/tmp", "a..b", &p), RC_INVALID);
    assert_int_equal(state_path("/tmp", "xn--bcher-kva.example", &p),
                     RC_OK);
    assert_string_equal(p, "/tmp/xn--bcher-kva.example.json");
    free(p);
}

static void
state__default_dir__follows_xdg(void **unused)
{
    char *d = NULL;

    (void)unused;
    setenv("XDG_STATE_HOME", "/x/state", 1);
    assert_int_equal(state_default_dir(&d), RC_OK);
    assert_string_equal(d, "/x/state/mailready");
    free(d);
    setenv("XDG_STATE_HOME", "relative/ignored", 1);
    setenv("HOME", "/home/u", 1);
    assert_int_equal(state_default_dir(&d), RC_OK);
    assert_string_equal(d, "/home/u/.local/state/mailready");
    free(d);
    unsetenv("XDG_STATE_HOME");
    unsetenv("HOME");
    assert_int_equal(state_default_dir(&d), RC_NOTFOUND);
    assert_null(d);
}

static void
state__time_parse__strict(void **unused)
{
    long long t = 0;

    (void)unused;
    assert_true(state_time_parse("2026-11-28T22:10:30Z", &t));
    assert_int_equal(t, 1795903830);
    assert_false(state_time_parse("2026-11-28 22:10:30Z", &t));
    assert_false(state_time_parse("2026-13-28T22:10:30Z", &t));
    assert_false(state_time_parse("2026-11-28T22:10:30+01:00", &t));
    assert_false(state_time_parse("", &t));
}

static void
state__update__first_passed_kept(void **unused)
{
    struct check_opts co;
    struct check_ctx ctx;
    struct state *s = state_new("d.test");

    (void)unused;
    memset(&co, 0, sizeof(co));
    co.domain = "d.test";
    check_ctx_init(&ctx, NULL, &co);

    /* Run 1: MX fails. */
    ctx.res[STEP_MX].ran = true;
    finding_add(&ctx.res[STEP_MX].findings, SEV_FAIL, "MX_MISSING",
                "%1$s has no MX record.", "d.test");
    state_update_from_ctx(s, &ctx, 1000);
    assert_true(s->steps[STEP_MX].present);
    assert_int_equal(s->steps[STEP_MX].status, ST_FAIL);
    assert_int_equal(s->steps[STEP_MX].first_passed_at, 0);
    assert_int_equal(s->steps[STEP_MX].checked_at, 1000);
    assert_int_equal(s->checked_at, 1000);
    assert_string_equal(s->steps[STEP_MX].findings[0].args[0], "d.test");
    /* A step that did not run stays absent. */
    assert_false(s->steps[STEP_SPF].present);

    /* Run 2: MX passes. */
    findings_fini(&ctx.res[STEP_MX].findings);
    json_array_append_new(ctx.res[STEP_MX].records,
                          json_string("10 mx.d.test."));
    state_update_from_ctx(s, &ctx, 2000);
    assert_int_equal(s->steps[STEP_MX].status, ST_OK);
    assert_int_equal(s->steps[STEP_MX].n_findings, 0);
    assert_int_equal(s->steps[STEP_MX].first_passed_at, 2000);
    assert_int_equal(json_array_size(s->steps[STEP_MX].records), 1);

    /* Run 3: could not check; the last checked result stays, records
     * and all, and the run is noted. */
    finding_add(&ctx.res[STEP_MX].findings, SEV_ERROR, "DNS_TIMEOUT",
                "No answer for %1$s %2$s.", "d.test", "MX");
    json_array_clear(ctx.res[STEP_MX].records);
    state_update_from_ctx(s, &ctx, 3000);
    assert_int_equal(s->steps[STEP_MX].status, ST_OK);
    assert_int_equal(s->steps[STEP_MX].last_known, ST_OK);
    assert_int_equal(s->steps[STEP_MX].n_findings, 0);
    assert_int_equal(s->steps[STEP_MX].checked_at, 2000);
    assert_int_equal(s->steps[STEP_MX].unchecked_at, 3000);
    assert_int_equal(json_array_size(s->steps[STEP_MX].records), 1);
    assert_int_equal(s->steps[STEP_MX].first_passed_at, 2000);

    /* Run 4: fails again; first_passed_at is still the first time. */
    findings_fini(&ctx.res[STEP_MX].findings);
    finding_add(&ctx.res[STEP_MX].findings, SEV_FAIL, "MX_NULL_MIXED",
                "%1$s mixed.", "d.test");
    state_update_from_ctx(s, &ctx, 4000);
    assert_int_equal(s->steps[STEP_MX].first_passed_at, 2000);
    assert_int_equal(s->steps[STEP_MX].checked_at, 4000);

    /* A saved finding renders like the original one. */
    struct finding f;
    state_finding_view(&s->steps[STEP_MX].findings[0], &f);
    assert_string_equal(f.id, "MX_NULL_MIXED");
    assert_int_equal(f.sev, SEV_FAIL);
    assert_int_equal(f.nargs, 1);
    assert_string_equal(f.args[0], "d.test");

    /* A clone is equal and independent. */
    struct state *c = state_clone(s);
    assert_int_equal(c->steps[STEP_MX].first_passed_at, 2000);
    assert_string_equal(c->steps[STEP_MX].findings[0].id, "MX_NULL_MIXED");
    assert_ptr_not_equal(c->steps[STEP_MX].findings[0].id,
                         s->steps[STEP_MX].findings[0].id);
    state_free(c);

    check_ctx_fini(&ctx);
    state_free(s);
}

static void
state__update__keeps_found_dkim_selectors(void **unused)
{
    struct check_opts co;
    struct check_ctx ctx;
    struct state *s = state_new("d.test");
    json_t *r = NULL;

    (void)unused;
    memset(&co, 0, sizeof(co));
    co.domain = "d.test";
    check_ctx_init(&ctx, NULL, &co);
    /* A key made here at w1; discovery found keys at s1 and W1 (the same
     * selector in capitals), and a record without a selector. */
    state_answers_set_key(&s->answers, "w1", "/keys/w1.private", NULL, NULL);
    ctx.res[STEP_DKIM].ran = true;
    r = ctx.res[STEP_DKIM].records;
    json_array_append_new(r, json_pack("{s:s}", "selector", "s1"));
    json_array_append_new(r, json_pack("{s:s}", "selector", "W1"));
    json_array_append_new(r, json_pack("{s:s}", "selector", "s1"));
    json_array_append_new(r, json_pack("{s:s}", "selector", "bad name"));
    json_array_append_new(r, json_string("other"));
    state_update_from_ctx(s, &ctx, 1000);
    assert_int_equal(s->answers.n_selectors, 2);
    assert_string_equal(s->answers.selectors[0].name, "w1");
    assert_string_equal(s->answers.selectors[1].name, "s1");
    /* The key stays with its selector; none for the found one. */
    assert_string_equal(s->answers.selectors[0].key_path,
                        "/keys/w1.private");
    assert_null(s->answers.selectors[1].key_path);
    /* A run without the DKIM step changes nothing. */
    ctx.res[STEP_DKIM].ran = false;
    json_array_append_new(r, json_pack("{s:s}", "selector", "s2"));
    state_update_from_ctx(s, &ctx, 2000);
    assert_int_equal(s->answers.n_selectors, 2);
    check_ctx_fini(&ctx);
    state_free(s);
}

/* The change of step MX from (before, ids) to (after, ids). */
static enum state_change
change_of(enum check_status before, const char *bids,
          enum check_status after, const char *aids,
          enum check_status last_known, struct state_diff *d)
{
    struct state *o = state_new("d.test"), *n = state_new("d.test");

    set_step(o, STEP_MX, before, bids);
    o->steps[STEP_MX].last_known = last_known;
    set_step(n, STEP_MX, after, aids);
    state_diff(o, n, d);
    state_free(o);
    state_free(n);
    return d->step[STEP_MX].change;
}

static void
state__diff__classes(void **unused)
{
    struct state_diff d;

    (void)unused;
    assert_int_equal(change_of(ST_FAIL, "A", ST_FAIL, "A", ST_FAIL, &d),
                     STATE_CH_UNCHANGED);
    assert_int_equal(d.n_changed, 0);
    state_diff_fini(&d);

    assert_int_equal(change_of(ST_FAIL, "A B", ST_OK, "", ST_FAIL, &d),
                     STATE_CH_FIXED);
    assert_int_equal(d.n_changed, 1);
    assert_int_equal(d.step[STEP_MX].gone.n, 2);
    assert_string_equal(d.step[STEP_MX].gone.v[0], "A");
    assert_string_equal(d.step[STEP_MX].gone.v[1], "B");
    assert_int_equal(d.step[STEP_MX].appeared.n, 0);
    assert_int_equal(d.step[STEP_MX].before, ST_FAIL);
    assert_int_equal(d.step[STEP_MX].after, ST_OK);
    state_diff_fini(&d);

    assert_int_equal(change_of(ST_FAIL, "A", ST_WARN, "W", ST_FAIL, &d),
                     STATE_CH_FIXED);
    state_diff_fini(&d);

    assert_int_equal(change_of(ST_OK, "", ST_FAIL, "A", ST_OK, &d),
                     STATE_CH_BROKEN);
    assert_int_equal(d.step[STEP_MX].appeared.n, 1);
    assert_string_equal(d.step[STEP_MX].appeared.v[0], "A");
    state_diff_fini(&d);

    assert_int_equal(change_of(ST_WARN, "W", ST_FAIL, "A", ST_WARN, &d),
                     STATE_CH_BROKEN);
    state_diff_fini(&d);

    assert_int_equal(change_of(ST_FAIL, "A", ST_FAIL, "A B", ST_FAIL, &d),
                     STATE_CH_STILL_TO_DO);
    assert_int_equal(d.step[STEP_MX].appeared.n, 1);
    assert_string_equal(d.step[STEP_MX].appeared.v[0], "B");
    state_diff_fini(&d);

    assert_int_equal(change_of(ST_OK, "", ST_ERROR, "DNS_TIMEOUT", ST_OK,
                               &d), STATE_CH_NOCHECK);
    state_diff_fini(&d);

    /* After a could-not-check, compare with the last known status. */
    assert_int_equal(change_of(ST_ERROR, "DNS_TIMEOUT", ST_FAIL, "A",
                               ST_OK, &d), STATE_CH_BROKEN);
    state_diff_fini(&d);
    assert_int_equal(change_of(ST_ERROR, "DNS_TIMEOUT", ST_FAIL, "A",
                               ST_FAIL, &d), STATE_CH_STILL_TO_DO);
    state_diff_fini(&d);
    assert_int_equal(change_of(ST_ERROR, "DNS_TIMEOUT", ST_OK, "",
                               ST_FAIL, &d), STATE_CH_FIXED);
    state_diff_fini(&d);

    /* Info-only changes of a passing step are not changes. */
    assert_int_equal(change_of(ST_OK, "I1", ST_OK, "I2", ST_OK, &d),
                     STATE_CH_UNCHANGED);
    state_diff_fini(&d);

    /* No earlier state: everything is new. */
    struct state *n = state_new("d.test");
    set_step(n, STEP_MX, ST_OK, "");
    set_step(n, STEP_SPF, ST_FAIL, "S");
    state_diff(NULL, n, &d);
    assert_int_equal(d.step[STEP_MX].change, STATE_CH_NEW);
    assert_int_equal(d.step[STEP_SPF].change, STATE_CH_NEW);
    assert_int_equal(d.step[STEP_DKIM].change, STATE_CH_UNCHANGED);
    assert_int_equal(d.n_changed, 2);
    state_diff_fini(&d);
    state_free(n);

    assert_string_equal(state_change_name(STATE_CH_BROKEN),
                        "newly_broken");
}

/* The counter save_loop() keeps in the host name ("c42.kill.test"). */
static long
counter_of(const struct state *s)
{
    const char *h = s->answers.hostname;

    return h != NULL && h[0] == 'c' ? strtol(h + 1, NULL, 10) : 0;
}

/* `test_state --save-loop DIR DOMAIN`: save a big state to DIR over and
 * over, each time with the next counter in the host name and records of a
 * matching size, until killed (tests/integration/t_state_kill.sh kills it
 * with SIGKILL at random moments and checks the file every time).  The
 * counter goes on from the file found, if any. */
static int
save_loop(const char *dir, const char *domain)
{
    struct state *s = state_new(domain), *old = NULL;
    char *blob = xmalloc(4001);
    long n = 1;

    /* Go on from the counter of the file there, so that every complete
     * save has a larger one. */
    if (state_load(dir, domain, &old, NULL, NULL) == RC_OK) {
        n = counter_of(old) + 1;
        state_free(old);
    }
    memset(blob, 'x', 4000);
    blob[4000] = '\0';
    set_step(s, STEP_MX, ST_FAIL, "MX_MISSING");
    for (long first = n; ; n++) {
        struct rc_err err = { 0 };

        free(s->answers.hostname);
        s->answers.hostname = xasprintf("c%ld.kill.test", n);
        json_array_clear(s->steps[STEP_MX].records);
        /* 200..299 records of 4000 bytes: about 1 MB per save. */
        for (long k = 0; k < 200 + n % 100; k++)
            json_array_append_new(s->steps[STEP_MX].records,
                                  json_string(blob));
        if (state_save(dir, s, &err) != RC_OK) {
            fprintf(stderr, "save: %s\n", err.nargs > 0 ? err.args[0] : "");
            rc_err_fini(&err);
            return 1;
        }
        if (n == first) {
            /* Tell the test that a complete file exists. */
            puts("saved");
            fflush(stdout);
        }
    }
}

/* `test_state --load DIR DOMAIN`: load with state_load() and check that
 * the file is one complete save of save_loop(); prints the counter.
 * Exit 0 if so, 1 if not (and the file was set aside). */
static int
load_check(const char *dir, const char *domain)
{
    struct state *s = NULL;
    char *aside = NULL;
    enum rc rc = state_load(dir, domain, &s, &aside, NULL);
    json_int_t n;
    size_t want;

    if (rc != RC_OK) {
        printf("load: %s, set aside at %s\n", rc_name(rc),
               aside != NULL ? aside : "(nowhere)");
        free(aside);
        return 1;
    }
    n = counter_of(s);
    want = 200 + (size_t)(n % 100);
    if (n < 1 || json_array_size(s->steps[STEP_MX].records) != want ||
        s->steps[STEP_MX].n_findings != 1) {
        printf("load: counter %lld with %zu records, want %zu\n",
               (long long)n, json_array_size(s->steps[STEP_MX].records),
               want);
        state_free(s);
        return 1;
    }
    printf("ok %lld\n", (long long)n);
    state_free(s);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--save-loop") == 0)
        return save_loop(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "--load") == 0)
        return load_check(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "--save-once") == 0) {
        /* One save, for tests/integration/t_state_kill.sh to trace. */
        struct state *s = state_new(argv[3]);
        enum rc rc = state_save(argv[2], s, NULL);

        state_free(s);
        return rc == RC_OK ? 0 : 1;
    }

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(state__round_trip__keeps_everything),
        cmocka_unit_test(answers__every_field__round_trips),
        cmocka_unit_test(answers__format1__migrated),
        cmocka_unit_test(answers__overlay__command_line_wins),
        cmocka_unit_test(state__too_large__records_dropped_and_loads),
        cmocka_unit_test(state__fifo__refused_without_blocking),
        cmocka_unit_test(state__corrupt_often__aside_capped),
        cmocka_unit_test(state__missing__is_notfound),
        cmocka_unit_test(state__save__removes_stale_temporary_files),
        cmocka_unit_test(state__corrupt_json__set_aside),
        cmocka_unit_test(state__wrong_types__set_aside),
        cmocka_unit_test(state__unsafe_msgid__set_aside),
        cmocka_unit_test(state__other_domain__set_aside),
        cmocka_unit_test(state__future_version__set_aside),
        cmocka_unit_test(state__twice_in_a_second__two_copies),
        cmocka_unit_test(state__unreadable__left_in_place),
        cmocka_unit_test(state__save_failure__reports_path),
        cmocka_unit_test(state__bad_domain__refused),
        cmocka_unit_test(state__default_dir__follows_xdg),
        cmocka_unit_test(state__time_parse__strict),
        cmocka_unit_test(state__update__first_passed_kept),
        cmocka_unit_test(state__update__keeps_found_dkim_selectors),
        cmocka_unit_test(state__diff__classes),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
