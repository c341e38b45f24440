/* test_file.c - file.c: modes whatever the umask, exclusive creation,
 * atomic replacement, and reads that refuse special files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailready/file.h"
#include "mailready/util.h"

static char tmpdir[] = "/tmp/mr-file-XXXXXX";

static int
setup(void **unused)
{
    (void)unused;
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **unused)
{
    char *cmd = xasprintf("rm -rf '%s'", tmpdir);
    int rc = system(cmd);

    (void)unused;
    free(cmd);
    return rc == 0 ? 0 : -1;
}

static char *
path_of(const char *name)
{
    return xasprintf("%s/%s", tmpdir, name);
}

static unsigned
mode_of(const char *path)
{
    struct stat sb;

    assert_int_equal(stat(path, &sb), 0);
    return (unsigned)sb.st_mode & 07777;
}

/* umask 0277 would give 0500 directories and 0400 files. */
static void
file__umask_277__modes_exact(void **unused)
{
    char *dir = path_of("um/a/b"), *top = path_of("um"), *f;
    mode_t old = umask(0277);

    (void)unused;
    assert_int_equal(file_mkdir_p(dir, 0700, NULL), RC_OK);
    assert_int_equal(mode_of(dir), 0700);
    assert_int_equal(mode_of(top), 0700);
    f = xasprintf("%s/k", dir);
    assert_int_equal(file_write_new(f, "key", 3, 0600, NULL), RC_OK);
    assert_int_equal(mode_of(f), 0600);
    assert_int_equal(file_write_atomic(f, "key2", 4, 0640, NULL), RC_OK);
    assert_int_equal(mode_of(f), 0640);
    umask(old);
    free(f);
    free(top);
    free(dir);
}

static void
file__write_new__never_replaces(void **unused)
{
    char *f = path_of("new"), *l = path_of("link"), *buf = NULL;
    struct rc_err err = { 0 };
    size_t len;

    (void)unused;
    assert_int_equal(file_write_new(f, "one", 3, 0600, NULL), RC_OK);
    assert_int_equal(file_write_new(f, "two", 3, 0600, &err), RC_EXISTS);
    assert_int_equal(err.errnum, EEXIST);
    rc_err_fini(&err);
    assert_int_equal(file_read(f, 100, &buf, &len, NULL), RC_OK);
    assert_string_equal(buf, "one");
    free(buf);
    /* A symbolic link there is not followed. */
    assert_int_equal(symlink(f, l), 0);
    assert_int_equal(file_write_new(l, "two", 3, 0600, NULL), RC_EXISTS);
    free(f);
    free(l);
}

static void
file__read__special_files_refused(void **unused)
{
    char *fifo = path_of("fifo"), *big = path_of("big"), *buf = NULL;
    struct rc_err err = { 0 };
    size_t len = 0;

    (void)unused;
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* A FIFO with no writer: refused at once, not waited on. */
    assert_int_equal(file_read(fifo, 100, &buf, &len, &err), RC_INVALID);
    assert_null(buf);
    assert_string_equal(err.args[0], fifo);
    rc_err_fini(&err);
    assert_int_equal(file_read(tmpdir, 100, &buf, &len, NULL), RC_INVALID);
    assert_int_equal(file_read("/dev/zero", 100, &buf, &len, NULL),
                     RC_INVALID);
    assert_int_equal(file_read("/dev/null", 100, &buf, &len, NULL),
                     RC_INVALID);
    assert_int_equal(file_write_atomic(big, "0123456789", 10, 0600, NULL),
                     RC_OK);
    assert_int_equal(file_read(big, 9, &buf, &len, NULL), RC_TOOLONG);
    assert_null(buf);
    assert_int_equal(file_read(big, 10, &buf, &len, NULL), RC_OK);
    assert_int_equal(len, 10);
    free(buf);
    free(fifo);
    free(big);
}

static void
file__write_atomic__failure_leaves_nothing(void **unused)
{
    char *f = path_of("nodir/x");
    struct rc_err err = { 0 };

    (void)unused;
    assert_int_equal(file_write_atomic(f, "x", 1, 0600, &err), RC_IO);
    assert_int_equal(err.errnum, ENOENT);
    assert_non_null(strstr(err.args[0], "nodir"));
    rc_err_fini(&err);
    free(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(file__umask_277__modes_exact),
        cmocka_unit_test(file__write_new__never_replaces),
        cmocka_unit_test(file__read__special_files_refused),
        cmocka_unit_test(file__write_atomic__failure_leaves_nothing),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
