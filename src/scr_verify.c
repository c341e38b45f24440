/* scr_verify.c - "Did my test message pass?": after the steps, how to
 * send a test message and save its source, then a file path; the message
 * is checked by the core (verify.h) over its own resolver, polled by the
 * wizard's one loop (tui.c), and shown in the words the CLI uses
 * (present_verify.h). */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/i18n.h"
#include "mailready/msg.h"
#include "mailready/present.h"
#include "mailready/present_verify.h"
#include "mailready/tui.h"
#include "mailready/util.h"
#include "mailready/verify.h"

void
scr_verify_fini(struct tui *t)
{
    struct tui_scr_verify *sv = &t->sv;

    /* the resolver first: its callbacks use the verify */
    dns_free(sv->dns);
    verify_free(sv->v);
    free(sv->error);
    free(sv->report);
    sv->dns = NULL;
    sv->v = NULL;
    sv->error = NULL;
    sv->report = NULL;
    sv->running = false;
}

static void
verify_draw(const struct tui *t, struct tw_doc *d)
{
    const struct tui_scr_verify *sv = &t->sv;

    scr_step_intro(d, _("Send a test message from your server to a mailbox "
                        "you own (any webmail will do), then save its "
                        "source as a file and give its path below. "
                        "mailready checks it here: nothing is uploaded."));
    tw_blank(d);
    tw_item(d, "-", TS_DIM, TS_NORMAL, 2,
            _("Gmail: open the message, menu \"More\" (three dots), "
              "\"Show original\", then \"Download original\"."));
    tw_item(d, "-", TS_DIM, TS_NORMAL, 2,
            _("Outlook.com: open the message, \"...\", \"View\", \"View "
              "message source\"; copy it all into a text file."));
    tw_item(d, "-", TS_DIM, TS_NORMAL, 2,
            _("Thunderbird: select the message, \"File\", \"Save As\", "
              "\"File\" (.eml). A Maildir on the server holds each "
              "message as a file already."));
    tw_blank(d);
    tw_field(d, 2, _("Message file (Tab completes the path, Enter "
                     "checks it):"), &sv->path, true);
    if (sv->error != NULL) {
        tw_blank(d);
        tw_text(d, TS_FAIL, 2, sv->error);
    }
    if (sv->running) {
        char *m = xasprintf("%s %s", tw_spinner(t->tick, t->utf8),
                            _("Checking the message..."));
        tw_blank(d);
        tw_text(d, TS_INFO, 2, m);
        free(m);
    } else if (sv->report != NULL) {
        static const enum tui_style verdict[] = {
            [VERIFY_ST_PASS] = TS_OK, [VERIFY_ST_WARN] = TS_WARN,
            [VERIFY_ST_FAIL] = TS_FAIL, [VERIFY_ST_ERROR] = TS_ERROR
        };
        const char *p = sv->report;
        tw_blank(d);
        while (*p != '\0') {
            const char *nl = strchr(p, '\n');
            size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
            char *line = xstrndup(p, n);
            size_t ind = strspn(line, " ");
            bool last = nl == NULL || nl[1] == '\0';
            enum tui_style st = last ? verdict[sv->status]
                              : ind == 0 ? TS_BOLD : TS_NORMAL;
            tw_text(d, st, 2 + (int)ind, line + ind);
            free(line);
            p = nl != NULL ? nl + 1 : p + n;
        }
    }
}

/* Tab: complete the path when exactly one file or directory fits, or
 * their common prefix when several do. */
static void
complete(struct tw_edit *e)
{
    char *pat = xasprintf("%.*s*", (int)e->len, e->buf);
    glob_t g;

    if (glob(pat, GLOB_MARK | GLOB_TILDE, NULL, &g) == 0 &&
        g.gl_pathc > 0) {
        size_t n = strlen(g.gl_pathv[0]);
        for (size_t k = 1; k < g.gl_pathc; k++) {
            size_t j = 0;
            while (j < n && g.gl_pathv[k][j] == g.gl_pathv[0][j])
                j++;
            n = j;
        }
        if (n >= e->len && n < TW_EDIT_MAX) {
            char *c = xstrndup(g.gl_pathv[0], n);
            tw_edit_set(e, c);
            free(c);
        }
        globfree(&g);
    }
    free(pat);
}

static void
set_error(struct tui_scr_verify *sv, enum rc rc, const struct rc_err *e)
{
    free(sv->error);
    sv->error = present_err(rc, e);
}

static void
start(struct tui *t)
{
    struct tui_scr_verify *sv = &t->sv;
    struct verify_opts vo;
    struct dns_opts o;
    struct rc_err err = { 0 };
    char *buf;
    size_t len = 0, cap = MSG_MAX_BYTES + 1;
    FILE *fp;
    enum rc rc;

    scr_verify_fini(t);
    if (sv->path.len == 0)
        return;
    fp = fopen(sv->path.buf, "rb");
    if (fp == NULL) {
        rc_err_set(&err, errno, N_("cannot read %s"), 1,
                   sv->path.buf);
        set_error(sv, RC_IO, &err);
        rc_err_fini(&err);
        return;
    }
    buf = xmalloc(cap);
    len = fread(buf, 1, cap, fp);
    fclose(fp);
    memset(&vo, 0, sizeof(vo));
    rc = verify_new(buf, len, &vo, &sv->v, &err);
    free(buf);
    if (rc != RC_OK) {
        set_error(sv, rc, &err);
        rc_err_fini(&err);
        return;
    }
    tui_dns_opts(t, &o);
    rc = dns_new(&o, &sv->dns, &err);
    if (rc != RC_OK) {
        set_error(sv, rc, &err);
        rc_err_fini(&err);
        verify_free(sv->v);
        sv->v = NULL;
        return;
    }
    verify_start(sv->v, sv->dns);
    sv->running = true;
}

static unsigned
verify_key(struct tui *t, int key)
{
    struct tui_scr_verify *sv = &t->sv;

    if (key == TK_ENTER) {
        if (!sv->running)
            start(t);
        return ACT_REDRAW;
    }
    if (key == TK_TAB) {
        complete(&sv->path);
        return ACT_REDRAW;
    }
    if (key == TK_ESC)
        return ACT_BACK | ACT_REDRAW;
    if (tw_edit_key(&sv->path, key))
        return ACT_REDRAW;
    return ACT_NONE;
}

/* The loop saw the resolver idle: finish the run. */
static void
verify_on_result(struct tui *t)
{
    struct tui_scr_verify *sv = &t->sv;

    if (!sv->running || sv->dns == NULL || dns_pending(sv->dns) > 0)
        return;
    verify_finish(sv->v);
    sv->status = verify_result(sv->v)->status;
    free(sv->report);
    sv->report = present_verify_text(verify_result(sv->v));
    sv->running = false;
}

const struct screen_ops scr_verify_ops = {
    .id = "verify",
    .title = N_("Did my test message pass?"),
    .draw = verify_draw,
    .key = verify_key,
    .on_result = verify_on_result,
};
