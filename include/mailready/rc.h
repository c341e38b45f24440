/* rc.h - status codes returned by fallible core functions. */
#ifndef MAILREADY_RC_H
#define MAILREADY_RC_H

#include "mailready/i18n.h"

/* X(name, message msgid) */
#define RC_LIST(X)                                                    \
    X(RC_OK, N_("success"))                                           \
    X(RC_NOMEM, N_("out of memory"))                                  \
    X(RC_PARSE, N_("syntax error"))                                   \
    X(RC_INVALID, N_("invalid argument"))                             \
    X(RC_TIMEOUT, N_("timed out"))                                    \
    X(RC_IO, N_("input/output error"))                                \
    X(RC_EXISTS, N_("file already exists"))                           \
    X(RC_NOTFOUND, N_("not found"))                                   \
    X(RC_DNS, N_("DNS error"))                                        \
    X(RC_CRYPTO, N_("cryptographic error"))                           \
    X(RC_UNSUPPORTED, N_("unsupported"))                              \
    X(RC_TOOLONG, N_("too long"))

enum rc {
#define RC_ENUM_(name, msg) name,
    RC_LIST(RC_ENUM_)
#undef RC_ENUM_
    RC__COUNT
};

/* English msgid for rc; the caller translates it with _(). */
const char *rc_msgid(enum rc rc);
/* Symbolic name, e.g. "RC_PARSE". */
const char *rc_name(enum rc rc);

/* The detail of an error, for the front end to put in the admin's
 * language.  The one convention for error details from the core: a core
 * function never writes an English sentence for the admin; it fills a
 * struct rc_err with an English msgid marked N_() (printf format with %s
 * conversions only, %1$s allowed), its arguments as data (a path, the
 * value refused: never translated, made visible-safe by the front end)
 * and optionally the errno whose strerror() text follows the message.
 * The front end translates with present_err() (present.h).
 *
 * A zero-initialised struct rc_err holds no detail (msgid NULL): the
 * front end then says rc_msgid() of the code returned. */
#define RC_ERR_MAX_ARGS 3
struct rc_err {
    const char *msgid;              /* N_() format, or NULL: no detail */
    char *args[RC_ERR_MAX_ARGS];    /* owned */
    int nargs;
    int errnum;                     /* errno for strerror(), 0: none */
};

/* Set e (NULL: ignored) to msgid with nargs string arguments (NULL ones
 * become ""), freeing what it held.  Copies the arguments. */
void rc_err_set(struct rc_err *e, int errnum, const char *msgid,
                int nargs, ...);
/* Free what e holds and zero it. */
void rc_err_fini(struct rc_err *e);
/* The detail in English, untranslated, with strerror() of errnum: for
 * logs and tests, never for the admin's screen.  Caller frees. */
char *rc_err_text(enum rc rc, const struct rc_err *e);
/* Move src into dst (dst's old detail freed; src left empty). */
void rc_err_move(struct rc_err *dst, struct rc_err *src);

#endif
