/* fuzz_dmarc.c - libFuzzer harness: the DMARC record parser, its
 * reporting URIs and the tree walk names (dmarc.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/dmarc.h"
#include "mailready/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dmarc_record *r = NULL;
    const char *names[DMARC_WALK_MAX];
    struct dmarc_walk_entry e[DMARC_WALK_MAX];
    struct dmarc_walk_result res;
    size_t i, n, sum = 0;
    char *s;

    (void)dmarc_is_record((const char *)data, size);
    (void)dmarc_looks_like_broken_record((const char *)data, size);
    if (dmarc_record_parse((const char *)data, size, &r) == RC_OK) {
        (void)dmarc_applied_policy(r, false, true);
        (void)dmarc_applied_policy(r, true, true);
        (void)dmarc_applied_policy(r, true, false);
        (void)dmarc_has_usable_rua(r);
        (void)dmarc_policy_name(r->p);
        for (i = 0; i < r->n_rua; i++) {
            sum += strlen(r->rua[i].text);
            if (r->rua[i].host != NULL)
                sum += strlen(r->rua[i].host);
        }
        for (i = 0; i < r->n_ruf; i++)
            sum += strlen(r->ruf[i].text);
        for (i = 0; i < r->n_notes; i++)
            sum += strlen(r->notes[i].tag) + strlen(r->notes[i].value);
        dmarc_record_free(r);
    }

    s = xstrndup((const char *)data, size);
    n = dmarc_walk_names(s, names);
    for (i = 0; i < n; i++) {
        e[i].name = names[i];
        e[i].state = (enum dmarc_walk_state)((sum + i) % 4);
        e[i].psd = "ynu"[(i + size) % 3];
        (void)dmarc_name_suffix(s, (int)i);
    }
    dmarc_walk_eval(s, e, n, &res);
    free(s);
    return 0;
}
