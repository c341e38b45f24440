/* test_i18n.c - language choice, the C.UTF-8 fallback, run-time switching
 * and help lookup.  A tiny catalog is compiled with msgfmt into a temporary
 * directory; MAILREADY_LOCALEDIR and MAILREADY_HELPDIR point there. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailready/i18n.h"
#include "mailready/util.h"

static char tmpdir[] = "/tmp/mr-i18n-XXXXXX";

static void
write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
}

static void
mkdir_p(const char *path)
{
    char *cmd = xasprintf("mkdir -p '%s'", path);

    assert_int_equal(system(cmd), 0);
    free(cmd);
}

static int
group_setup(void **state)
{
    char *p;
    char *cmd;
    int rc;

    (void)state;
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    p = xasprintf("%s/locale/es/LC_MESSAGES", tmpdir);
    mkdir_p(p);
    free(p);
    p = xasprintf("%s/es.po", tmpdir);
    write_file(p,
               "msgid \"\"\nmsgstr \"Content-Type: text/plain; "
               "charset=UTF-8\\n\"\n\n"
               "msgid \"The domain does not exist.\"\n"
               "msgstr \"El dominio no existe en España.\"\n");
    cmd = xasprintf("msgfmt -o '%s/locale/es/LC_MESSAGES/mailready.mo' "
                    "'%s'", tmpdir, p);
    rc = system(cmd);
    free(cmd);
    free(p);
    if (rc != 0)
        return -1;

    p = xasprintf("%s/help/en", tmpdir);
    mkdir_p(p);
    free(p);
    p = xasprintf("%s/help/es", tmpdir);
    mkdir_p(p);
    free(p);
    p = xasprintf("%s/help/en/mx.txt", tmpdir);
    write_file(p, "Mail servers (MX)\n\nEnglish text.\n");
    free(p);
    p = xasprintf("%s/help/es/mx.txt", tmpdir);
    write_file(p, "Servidores de correo (MX)\n\nTexto en español.\n");
    free(p);
    p = xasprintf("%s/help/en/only-en.txt", tmpdir);
    write_file(p, "Only English\n");
    free(p);

    p = xasprintf("%s/locale", tmpdir);
    setenv("MAILREADY_LOCALEDIR", p, 1);
    free(p);
    p = xasprintf("%s/help", tmpdir);
    setenv("MAILREADY_HELPDIR", p, 1);
    free(p);
    return 0;
}

static int
group_teardown(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);

    (void)state;
    if (system(cmd) != 0)
        return -1;
    free(cmd);
    return 0;
}

/* Only C and C.UTF-8 exist on a minimal server: that is what we model. */
static void
clear_env(void)
{
    unsetenv("LANGUAGE");
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
}

static void
i18n__lang_supported__normalises(void **state)
{
    (void)state;
    assert_string_equal(i18n_lang_supported("es"), "es");
    assert_string_equal(i18n_lang_supported("es_MX.UTF-8"), "es");
    assert_string_equal(i18n_lang_supported("ES"), "es");
    assert_string_equal(i18n_lang_supported("en_GB"), "en");
    assert_null(i18n_lang_supported("est"));
    assert_null(i18n_lang_supported("e"));
    assert_null(i18n_lang_supported("fr"));
    assert_null(i18n_lang_supported(""));
    assert_null(i18n_lang_supported(NULL));
}

#ifdef ENABLE_NLS
static void
i18n__env_order__language_then_lc_all(void **state)
{
    (void)state;
    clear_env();
    assert_string_equal(i18n_lang(), "en");
    setenv("LANG", "es_MX.UTF-8", 1);
    assert_string_equal(i18n_lang(), "es");
    setenv("LC_MESSAGES", "C", 1);
    assert_string_equal(i18n_lang(), "en");
    setenv("LC_ALL", "es_ES.UTF-8", 1);
    assert_string_equal(i18n_lang(), "es");
    setenv("LANGUAGE", "fr:en", 1);
    assert_string_equal(i18n_lang(), "en");
    setenv("LANGUAGE", "fr:es_AR", 1);
    assert_string_equal(i18n_lang(), "es");
    clear_env();
}

static void
i18n__c_utf8_only__spanish_shown(void **state)
{
    (void)state;
    clear_env();
    setenv("LANG", "C.UTF-8", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    i18n_init("es");
    assert_string_equal(i18n_lang(), "es");
    assert_string_equal(_("The domain does not exist."),
                        "El dominio no existe en España.");
    clear_env();
}

static void
i18n__c_locale__switches_to_utf8(void **state)
{
    (void)state;
    clear_env();
    setenv("LC_ALL", "C", 1);
    i18n_init("es");
    assert_string_equal(_("The domain does not exist."),
                        "El dominio no existe en España.");
    clear_env();
}

static void
i18n__missing_locale__falls_back_and_keeps_spanish(void **state)
{
    (void)state;
    clear_env();
    /* es_ES.UTF-8 is not installed: setlocale("") fails. */
    setenv("LANG", "es_ES.UTF-8", 1);
    i18n_init(NULL);
    assert_string_equal(i18n_lang(), "es");
    assert_string_equal(_("The domain does not exist."),
                        "El dominio no existe en España.");
    clear_env();
}

static void
i18n__set_lang__switches_at_run_time(void **state)
{
    (void)state;
    clear_env();
    setenv("LC_ALL", "C.UTF-8", 1);
    i18n_init("en");
    assert_string_equal(_("The domain does not exist."),
                        "The domain does not exist.");
    i18n_set_lang("es");
    assert_string_equal(_("The domain does not exist."),
                        "El dominio no existe en España.");
    i18n_set_lang("en");
    assert_string_equal(_("The domain does not exist."),
                        "The domain does not exist.");
    assert_string_equal(i18n_lang(), "en");
    clear_env();
}

static void
i18n__lang_option__beats_environment(void **state)
{
    (void)state;
    clear_env();
    setenv("LANGUAGE", "es", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    i18n_init("en");
    assert_string_equal(i18n_lang(), "en");
    assert_string_equal(_("The domain does not exist."),
                        "The domain does not exist.");
    clear_env();
}
#endif

static void
i18n__help_load__current_language_then_english(void **state)
{
    char *text = NULL;

    (void)state;
    clear_env();
    setenv("LC_ALL", "C.UTF-8", 1);
    i18n_init("es");
    assert_int_equal(i18n_help_load("mx", &text), RC_OK);
#ifdef ENABLE_NLS
    assert_string_equal(text, "Servidores de correo (MX)\n\n"
                        "Texto en español.\n");
#else
    assert_string_equal(text, "Mail servers (MX)\n\nEnglish text.\n");
#endif
    free(text);
    assert_int_equal(i18n_help_load("only-en", &text), RC_OK);
    assert_string_equal(text, "Only English\n");
    free(text);
    i18n_set_lang("en");
    assert_int_equal(i18n_help_load("mx", &text), RC_OK);
    assert_string_equal(text, "Mail servers (MX)\n\nEnglish text.\n");
    free(text);
    clear_env();
}

static void
i18n__help_load__bad_topic_rejected(void **state)
{
    char *text = NULL;

    (void)state;
    assert_int_equal(i18n_help_load("../../etc/passwd", &text), RC_INVALID);
    assert_null(text);
    assert_int_equal(i18n_help_load("", &text), RC_INVALID);
    assert_int_equal(i18n_help_load("MX", &text), RC_INVALID);
    assert_int_equal(i18n_help_load("nosuchtopic", &text), RC_NOTFOUND);
    assert_null(text);
}

static void
i18n__dirs__environment_overrides(void **state)
{
    char *want = xasprintf("%s/help", tmpdir);

    (void)state;
    assert_string_equal(i18n_helpdir(), want);
    free(want);
    assert_non_null(i18n_datadir());
    assert_true(i18n_datadir()[0] != '\0');
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(i18n__lang_supported__normalises),
#ifdef ENABLE_NLS
        cmocka_unit_test(i18n__env_order__language_then_lc_all),
        cmocka_unit_test(i18n__c_utf8_only__spanish_shown),
        cmocka_unit_test(i18n__c_locale__switches_to_utf8),
        cmocka_unit_test(i18n__missing_locale__falls_back_and_keeps_spanish),
        cmocka_unit_test(i18n__set_lang__switches_at_run_time),
        cmocka_unit_test(i18n__lang_option__beats_environment),
#endif
        cmocka_unit_test(i18n__help_load__current_language_then_english),
        cmocka_unit_test(i18n__help_load__bad_topic_rejected),
        cmocka_unit_test(i18n__dirs__environment_overrides),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
