/* fuzz_dkim.c - libFuzzer harness: the DKIM tag-list and key record
 * parsers, and key decoding (dkim.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/dkim.h"
#include "mailready/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dkim_tags tags;
    struct dkim_error err = { NULL, NULL };
    struct dkim_key_record *r = NULL;
    struct dkim_key_info info;
    unsigned char *dec = NULL;
    size_t declen = 0;
    char *s;

    memset(&tags, 0, sizeof(tags));
    if (dkim_tags_parse((const char *)data, size, &tags, &err) == RC_OK) {
        (void)dkim_tags_get(&tags, "p");
        dkim_tags_fini(&tags);
    }
    dkim_error_fini(&err);

    (void)dkim_looks_like_key((const char *)data, size);
    memset(&err, 0, sizeof(err));
    if (dkim_key_record_parse((const char *)data, size, &r, &err) ==
        RC_OK) {
        dkim_key_decode(r->type, r->p, &info);
        dkim_key_decode(DKIM_KEY_RSA, r->p, &info);
        dkim_key_decode(DKIM_KEY_ED25519, r->p, &info);
        dkim_key_record_free(r);
    }
    dkim_error_fini(&err);

    s = xstrndup((const char *)data, size);
    dkim_key_decode(DKIM_KEY_RSA, s, &info);
    dkim_key_decode(DKIM_KEY_ED25519, s, &info);
    dkim_key_decode(DKIM_KEY_OTHER, s, &info);
    (void)dkim_base64_decode(s, &dec, &declen);
    free(dec);
    free(s);
    return 0;
}
