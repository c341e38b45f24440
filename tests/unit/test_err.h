/* test_err.h - for unit tests: an error detail as English text. */
#ifndef MAILREADY_TEST_ERR_H
#define MAILREADY_TEST_ERR_H

#include <stdlib.h>

#include "mailready/rc.h"

/* The error's English text (rc_err_text()), for messages and checks;
 * valid until the next call. */
static inline const char *
errtext(const struct rc_err *e)
{
    static char *last;

    free(last);
    last = rc_err_text(RC_PARSE, e);
    return last;
}

#endif
