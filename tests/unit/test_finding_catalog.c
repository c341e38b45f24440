/* test_finding_catalog.c - every finding id in the catalog has its texts,
 * in English and in Spanish.
 *
 * The Spanish half reads the catalog built in the tree (po/locale, or
 * MAILREADY_LOCALEDIR): run from the top of the build tree, as make does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/check.h"
#include "mailready/finding.h"
#include "mailready/i18n.h"
#include "mailready/util.h"

static bool
id_well_formed(const char *id)
{
    if (id[0] < 'A' || id[0] > 'Z')
        return false;
    for (const char *p = id; *p != '\0'; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
              || *p == '_'))
            return false;
    return strlen(id) <= 40;
}

static bool
step_known(const char *step)
{
    return strcmp(step, "general") == 0 || check_step_from_name(step) >= 0;
}

static void
catalog__every_entry__has_texts(void **state)
{
    const struct finding_info *fi;
    size_t n = 0;
    int bad = 0;

    (void)state;
    for (size_t i = 0; (fi = finding_info_at(i)) != NULL; i++, n++) {
        if (fi->id == NULL || !id_well_formed(fi->id)) {
            fprintf(stderr, "entry %zu: bad id '%s'\n", i,
                    fi->id != NULL ? fi->id : "(null)");
            bad++;
            continue;
        }
        if (fi->step == NULL || !step_known(fi->step)) {
            fprintf(stderr, "%s: unknown step '%s'\n", fi->id,
                    fi->step != NULL ? fi->step : "(null)");
            bad++;
        }
        if (fi->title == NULL || fi->title[0] == '\0') {
            fprintf(stderr, "%s: no title\n", fi->id);
            bad++;
        } else if (strchr(fi->title, '%') != NULL) {
            fprintf(stderr, "%s: the title takes no arguments\n", fi->id);
            bad++;
        }
        if (fi->why == NULL || fi->why[0] == '\0') {
            fprintf(stderr, "%s: no 'why it matters'\n", fi->id);
            bad++;
        }
        /* "" is allowed: an info-only finding has nothing to fix. */
        if (fi->fix == NULL) {
            fprintf(stderr, "%s: fix is NULL (use \"\" for info-only)\n",
                    fi->id);
            bad++;
        }
    }
    assert_true(n > 0);
    assert_int_equal(bad, 0);
}

static void
catalog__ids__unique_and_found(void **state)
{
    const struct finding_info *fi, *fj;
    int bad = 0;

    (void)state;
    for (size_t i = 0; (fi = finding_info_at(i)) != NULL; i++) {
        for (size_t j = i + 1; (fj = finding_info_at(j)) != NULL; j++) {
            if (strcmp(fi->id, fj->id) == 0) {
                fprintf(stderr, "%s: listed twice\n", fi->id);
                bad++;
            }
        }
        if (finding_info_find(fi->id) != fi) {
            fprintf(stderr, "%s: finding_info_find() misses it\n", fi->id);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
    assert_null(finding_info_find("NO_SUCH_FINDING_ID"));
}

#ifdef ENABLE_NLS
/* The Spanish text differs from the English msgid, i.e. it is translated
 * and the translation is not a copy. */
static int
check_es(const char *id, const char *what, const char *msgid)
{
    if (msgid == NULL || msgid[0] == '\0')
        return 0;
    if (strcmp(_(msgid), msgid) != 0)
        return 0;
    fprintf(stderr, "%s: %s has no Spanish translation: \"%s\"\n", id, what,
            msgid);
    return 1;
}

static void
catalog__every_entry__translated_to_spanish(void **state)
{
    const struct finding_info *fi;
    char dir[PATH_MAX];
    int bad = 0;

    (void)state;
    if (getenv("MAILREADY_LOCALEDIR") == NULL) {
        if (realpath("po/locale", dir) == NULL) {
            fprintf(stderr, "po/locale not found: run from the top of the "
                    "build tree after make\n");
            fail();
        }
        setenv("MAILREADY_LOCALEDIR", dir, 1);
    }
    unsetenv("LC_ALL");
    setenv("LANG", "C.UTF-8", 1);
    i18n_init("es");
    /* The catalog is there and loaded: a message every build has. */
    assert_string_not_equal(_("out of memory"), "out of memory");
    for (size_t i = 0; (fi = finding_info_at(i)) != NULL; i++) {
        bad += check_es(fi->id, "title", fi->title);
        bad += check_es(fi->id, "why", fi->why);
        bad += check_es(fi->id, "fix", fi->fix);
    }
    assert_int_equal(bad, 0);
}
#endif

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(catalog__every_entry__has_texts),
        cmocka_unit_test(catalog__ids__unique_and_found),
#ifdef ENABLE_NLS
        cmocka_unit_test(catalog__every_entry__translated_to_spanish),
#endif
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
