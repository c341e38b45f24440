/* fuzz_name.c - libFuzzer harness: domain names typed by the user
 * (name.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/name.h"
#include "mailready/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xstrndup((const char *)data, size);
    char *a = NULL, *u = NULL;
    const char *why = NULL;
    int flags;

    for (flags = 0; flags < 4; flags++) {
        if (name_normalize(s, flags & 1, flags & 2, &a, &u, &why) ==
            RC_OK) {
            /* An accepted name is a plain host name of bounded size. */
            char *v = str_visible(u, strlen(u));

            /* An accepted name is of bounded size, and its U-label can
             * be shown as it is (no control or bidi character). */
            if (strlen(a) > 253 || !name_eq(a, a) || strcmp(v, u) != 0)
                abort();
            free(v);
            (void)name_is_subdomain(a, "example.com");
            free(a);
            free(u);
        }
        a = u = NULL;
    }
    (void)name_is_hostname(s);
    (void)name_label_count(s);
    (void)name_parent(s);
    (void)name_eq(s, "example.com.");
    (void)name_is_subdomain(s, s);
    free(s);
    return 0;
}
