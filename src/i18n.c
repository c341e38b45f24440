/* i18n.c - locale, message catalog, language choice and help texts.
 *
 * The language is always one we ship ("es" or "en").  It is passed to
 * gettext through the LANGUAGE environment variable, which GNU gettext
 * reads on every lookup and which lets the language change at run time.
 * glibc ignores LANGUAGE while LC_MESSAGES is the "C" (or "POSIX") locale,
 * so when a translation is wanted and the locale is C, we switch to the
 * C.UTF-8 locale, which every Debian and Ubuntu system has and with which
 * glibc honours LANGUAGE; LC_CTYPE is then UTF-8 too, so accents and ñ
 * reach ncursesw and the terminal intact.
 *
 * This module keeps one piece of process-wide state: the directories it
 * found at first use (the executable's place does not change).  The
 * current language lives in the environment, like the locale itself. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailready/i18n.h"
#include "mailready/util.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif
#ifndef HELPDIR
#define HELPDIR "/usr/local/share/mailready/help"
#endif
#ifndef DATADIR
#define DATADIR "/usr/local/share/mailready"
#endif

#define I18N_DOMAIN "mailready"
#define I18N_HELP_MAX (256 * 1024)      /* bytes in one help text */
#define I18N_TOPIC_MAX 32

#ifdef ENABLE_NLS
/* GNU gettext's documented way to drop its cache of translations after a
 * change of LANGUAGE (the cache is keyed by the locale, not by LANGUAGE). */
extern int _nl_msg_cat_cntr;
#endif

/* Directories, resolved once.  Empty string: not resolved yet. */
struct i18n_dirs {
    char locale[PATH_MAX];
    char help[PATH_MAX];
    char data[PATH_MAX];
};

static struct i18n_dirs dirs;

static bool
is_dir(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Directory of the running executable, into buf; false if unknown. */
static bool
exe_dir(char *buf, size_t size)
{
    ssize_t n;
    char *slash;

    n = readlink("/proc/self/exe", buf, size - 1);
    if (n <= 0 || (size_t)n >= size - 1)
        return false;
    buf[n] = '\0';
    slash = strrchr(buf, '/');
    if (slash == NULL)
        return false;
    if (slash == buf)
        slash[1] = '\0';
    else
        *slash = '\0';
    return true;
}

/* Resolve one directory: the environment variable, else <exe dir>/intree
 * if that is a directory (a run from the build tree), else the installed
 * path. */
static void
resolve_dir(char *out, size_t size, const char *env, const char *intree,
            const char *installed)
{
    const char *e = getenv(env);
    char exe[PATH_MAX];
    char cand[PATH_MAX];
    int n;

    if (e != NULL && e[0] != '\0' && strlen(e) < size) {
        str_copy(out, e, size);
        return;
    }
    if (exe_dir(exe, sizeof(exe))) {
        n = snprintf(cand, sizeof(cand), "%s/%s", exe, intree);
        if (n > 0 && (size_t)n < sizeof(cand) && is_dir(cand)
            && (size_t)n < size) {
            str_copy(out, cand, size);
            return;
        }
    }
    str_copy(out, installed, size);
}

static const char *
localedir(void)
{
    if (dirs.locale[0] == '\0')
        resolve_dir(dirs.locale, sizeof(dirs.locale), "MAILREADY_LOCALEDIR",
                    "po/locale", LOCALEDIR);
    return dirs.locale;
}

const char *
i18n_helpdir(void)
{
    if (dirs.help[0] == '\0')
        resolve_dir(dirs.help, sizeof(dirs.help), "MAILREADY_HELPDIR",
                    "help", HELPDIR);
    return dirs.help;
}

const char *
i18n_datadir(void)
{
    if (dirs.data[0] == '\0')
        resolve_dir(dirs.data, sizeof(dirs.data), "MAILREADY_DATADIR",
                    "data", DATADIR);
    return dirs.data;
}

/* "es", "es_MX.UTF-8", "es@euro" -> "es"; "en_GB" -> "en"; others NULL. */
const char *
i18n_lang_supported(const char *s)
{
    static const char *const langs[] = { "es", "en" };

    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < ARRAY_LEN(langs); i++) {
        size_t n = strlen(langs[i]);

        if (str_nieq(s, langs[i], n)
            && (s[n] == '\0' || s[n] == '_' || s[n] == '-' || s[n] == '.'
                || s[n] == '@' || s[n] == ':'))
            return langs[i];
    }
    return NULL;
}

/* The language the environment asks for, as gettext would see it:
 * LANGUAGE (a colon-separated list: the first language we ship), else the
 * first of LC_ALL, LC_MESSAGES, LANG that is set.  Anything we do not ship
 * (including C and POSIX) means English. */
#ifdef ENABLE_NLS
static const char *
lang_from_env(void)
{
    static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
    const char *v = getenv("LANGUAGE");
    const char *l;

    if (v != NULL && v[0] != '\0') {
        for (const char *p = v; *p != '\0';) {
            l = i18n_lang_supported(p);
            if (l != NULL)
                return l;
            p = strchr(p, ':');
            if (p == NULL)
                break;
            p++;
        }
    }
    for (size_t i = 0; i < ARRAY_LEN(vars); i++) {
        v = getenv(vars[i]);
        if (v != NULL && v[0] != '\0') {
            l = i18n_lang_supported(v);
            return l != NULL ? l : "en";
        }
    }
    return "en";
}
#endif

const char *
i18n_lang(void)
{
#ifdef ENABLE_NLS
    return lang_from_env();
#else
    return "en";
#endif
}

#ifdef ENABLE_NLS
static bool
locale_is_c(const char *name)
{
    return name == NULL || strcmp(name, "C") == 0
           || strcmp(name, "POSIX") == 0;
}

/* Make sure gettext will honour LANGUAGE: leave the "C" locale for
 * C.UTF-8 (or, failing that, any UTF-8 locale we know of). */
static void
leave_c_locale(void)
{
    static const char *const fallbacks[] = { "C.UTF-8", "C.utf8",
                                             "en_US.UTF-8" };

    if (!locale_is_c(setlocale(LC_MESSAGES, NULL)))
        return;
    for (size_t i = 0; i < ARRAY_LEN(fallbacks); i++) {
        if (setlocale(LC_ALL, fallbacks[i]) != NULL)
            return;
    }
}
#endif

void
i18n_set_lang(const char *lang)
{
#ifdef ENABLE_NLS
    const char *l = i18n_lang_supported(lang);

    if (l == NULL)
        l = "en";
    setenv("LANGUAGE", l, 1);
    if (strcmp(l, "en") != 0)
        leave_c_locale();
    ++_nl_msg_cat_cntr;
#else
    (void)lang;
#endif
}

void
i18n_init(const char *lang)
{
    if (setlocale(LC_ALL, "") == NULL) {
        /* The environment names a locale this system lacks (often the
         * case on minimal servers): keep UTF-8 at least. */
        if (setlocale(LC_ALL, "C.UTF-8") == NULL)
            setlocale(LC_ALL, "C.utf8");
    }
#ifdef ENABLE_NLS
    bindtextdomain(I18N_DOMAIN, localedir());
    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
    textdomain(I18N_DOMAIN);
    i18n_set_lang(lang != NULL ? lang : lang_from_env());
#else
    (void)lang;
    (void)localedir;
#endif
}

static bool
topic_valid(const char *topic)
{
    size_t n = 0;

    if (topic == NULL || topic[0] == '\0')
        return false;
    for (const char *p = topic; *p != '\0'; p++, n++) {
        if (n >= I18N_TOPIC_MAX)
            return false;
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')
              || *p == '_' || *p == '-'))
            return false;
    }
    return true;
}

/* Read a whole file of at most I18N_HELP_MAX bytes. */
static enum rc
read_file(const char *path, char **out)
{
    char *buf = NULL;
    size_t len = 0;
    ssize_t n;
    enum rc rc = RC_OK;
    int fd;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? RC_NOTFOUND : RC_IO;
    buf = xmalloc(I18N_HELP_MAX + 1);
    for (;;) {
        n = read(fd, buf + len, I18N_HELP_MAX + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = RC_IO;
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > I18N_HELP_MAX) {
            rc = RC_TOOLONG;
            goto out;
        }
    }
    buf[len] = '\0';
    if (memchr(buf, '\0', len) != NULL) {
        rc = RC_PARSE;
        goto out;
    }
    *out = xrealloc(buf, len + 1);
    buf = NULL;
out:
    free(buf);
    close(fd);
    return rc;
}

const char *const i18n_help_topics[] = {
    "glossary",
    "propagation",
    "nameservers",
    "dnspanels",
    "selector",
    "dmarcreports",
    "ptrclouds",
    "verify",
    NULL
};

enum rc
i18n_help_load(const char *topic, char **out)
{
    const char *langs[2];
    char path[PATH_MAX];
    enum rc rc = RC_NOTFOUND;
    int n;

    *out = NULL;
    if (!topic_valid(topic))
        return RC_INVALID;
    langs[0] = i18n_lang();
    langs[1] = "en";
    for (size_t i = 0; i < ARRAY_LEN(langs); i++) {
        if (i > 0 && strcmp(langs[i], langs[0]) == 0)
            break;
        n = snprintf(path, sizeof(path), "%s/%s/%s.txt", i18n_helpdir(),
                     langs[i], topic);
        if (n < 0 || (size_t)n >= sizeof(path))
            return RC_TOOLONG;
        rc = read_file(path, out);
        if (rc != RC_NOTFOUND)
            return rc;
    }
    return rc;
}
