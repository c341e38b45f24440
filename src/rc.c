/* rc.c - status codes and error details (see rc.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/rc.h"
#include "mailready/util.h"

static const char *const rc_msgids[] = {
#define RC_MSG_(name, msg) msg,
    RC_LIST(RC_MSG_)
#undef RC_MSG_
};

static const char *const rc_names[] = {
#define RC_NAME_(name, msg) #name,
    RC_LIST(RC_NAME_)
#undef RC_NAME_
};

const char *
rc_msgid(enum rc rc)
{
    if ((unsigned)rc >= RC__COUNT)
        return N_("unknown error");
    return rc_msgids[rc];
}

const char *
rc_name(enum rc rc)
{
    if ((unsigned)rc >= RC__COUNT)
        return "RC_UNKNOWN";
    return rc_names[rc];
}

void
rc_err_set(struct rc_err *e, int errnum, const char *msgid, int nargs, ...)
{
    va_list ap;

    if (e == NULL)
        return;
    rc_err_fini(e);
    e->msgid = msgid;
    e->errnum = errnum;
    if (nargs > RC_ERR_MAX_ARGS)
        nargs = RC_ERR_MAX_ARGS;
    va_start(ap, nargs);
    for (int i = 0; i < nargs; i++) {
        const char *a = va_arg(ap, const char *);
        e->args[i] = xstrdup(a != NULL ? a : "");
    }
    va_end(ap);
    e->nargs = nargs < 0 ? 0 : nargs;
}

void
rc_err_fini(struct rc_err *e)
{
    if (e == NULL)
        return;
    for (int i = 0; i < e->nargs; i++)
        free(e->args[i]);
    memset(e, 0, sizeof(*e));
}

void
rc_err_move(struct rc_err *dst, struct rc_err *src)
{
    if (dst == NULL || src == NULL || dst == src)
        return;
    rc_err_fini(dst);
    *dst = *src;
    memset(src, 0, sizeof(*src));
}

char *
rc_err_text(enum rc rc, const struct rc_err *e)
{
    char *msg, *out;

    if (e == NULL || e->msgid == NULL)
        return xstrdup(rc_msgid(rc));
    /* The msgid is a format with %s conversions only (rc.h). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    msg = xasprintf(e->msgid, e->nargs > 0 ? e->args[0] : "",
                    e->nargs > 1 ? e->args[1] : "",
                    e->nargs > 2 ? e->args[2] : "");
#pragma GCC diagnostic pop
    if (e->errnum == 0)
        return msg;
    out = xasprintf("%s: %s", msg, strerror(e->errnum));
    free(msg);
    return out;
}
