/* finding.c - findings lists, severities and the finding catalog. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/check.h"
#include "mailready/finding.h"
#include "mailready/util.h"

void
findings_init(struct findings *fs)
{
    fs->v = NULL;
    fs->n = 0;
    fs->cap = 0;
}

void
findings_fini(struct findings *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        for (int j = 0; j < fs->v[i].nargs; j++)
            free(fs->v[i].args[j]);
    free(fs->v);
    findings_init(fs);
}

void
findings_addl(struct findings *fs, enum sev sev, const char *id,
              const char *msgid, const char *msgid_plural,
              unsigned long n, ...)
{
    struct finding *f;
    const char *a;
    va_list ap;

    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 8;
        fs->v = xreallocarray(fs->v, fs->cap, sizeof(*fs->v));
    }
    f = &fs->v[fs->n++];
    memset(f, 0, sizeof(*f));
    f->sev = sev;
    f->id = id;
    f->msgid = msgid;
    f->msgid_plural = msgid_plural;
    f->n = n;
    va_start(ap, n);
    while ((a = va_arg(ap, const char *)) != NULL) {
        if (f->nargs < FINDING_MAX_ARGS)
            f->args[f->nargs++] = xstrdup(a);
    }
    va_end(ap);
}

void
findings_msgid_arg(struct findings *fs, int i)
{
    if (fs->n > 0 && i >= 0 && i < fs->v[fs->n - 1].nargs)
        fs->v[fs->n - 1].msgid_args |= 1u << i;
}

enum check_status
sev_status(enum sev s)
{
    switch (s) {
    case SEV_WARN:
        return ST_WARN;
    case SEV_FAIL:
        return ST_FAIL;
    case SEV_ERROR:
        return ST_ERROR;
    case SEV_INFO:
    default:
        return ST_OK;
    }
}

enum check_status
check_status_worse(enum check_status a, enum check_status b)
{
    return a > b ? a : b;
}

enum check_status
findings_status(const struct findings *fs)
{
    enum check_status st = ST_OK;

    for (size_t i = 0; i < fs->n; i++)
        st = check_status_worse(st, sev_status(fs->v[i].sev));
    return st;
}

bool
findings_has(const struct findings *fs, const char *id)
{
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->v[i].id, id) == 0)
            return true;
    return false;
}

const char *
sev_name(enum sev s)
{
    static const char *const names[] = { "info", "warn", "fail", "error" };

    return (unsigned)s < ARRAY_LEN(names) ? names[s] : "error";
}

const char *
check_status_name(enum check_status s)
{
    static const char *const names[] = { "ok", "warn", "error", "fail" };

    return (unsigned)s < ARRAY_LEN(names) ? names[s] : "error";
}

int
check_status_exit(enum check_status s)
{
    switch (s) {
    case ST_OK:
        return 0;
    case ST_WARN:
        return 1;
    case ST_FAIL:
        return 2;
    case ST_ERROR:
    default:
        return 3;
    }
}
