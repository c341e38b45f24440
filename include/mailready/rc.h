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

#endif
