/* export_write.c - `export -o FILE`: replace a regular file atomically,
 * write through a symbolic link, write into a device or a pipe in place,
 * refuse the rest (see export_write() in export.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailready/export.h"
#include "mailready/i18n.h"
#include "mailready/file.h"
#include "mailready/util.h"

#define CANNOT_WRITE N_("cannot write the checklist to %s")
static const char *const not_written_there =
    N_("cannot write the checklist to %s: only a regular file, a character "
       "device such as /dev/null or a named pipe is written");

/* A new or regular file, replaced atomically; a failure is worded as
 * the checklist's, naming the path that failed (the directory, when the
 * temporary file could not be made there). */
static enum rc
write_atomic(const char *path, const char *data, size_t len, unsigned mode,
             struct rc_err *err)
{
    struct rc_err e = { 0 };
    enum rc rc = file_write_atomic(path, data, len, mode, &e);

    if (rc != RC_OK)
        rc_err_set(err, e.errnum, CANNOT_WRITE, 1,
                   e.nargs > 0 ? e.args[0] : path);
    rc_err_fini(&e);
    return rc;
}

/* A character device or a named pipe: written in place, never replaced
 * (a pipe waits for its reader, as the shell's > does). */
static enum rc
write_in_place(const char *path, const char *shown, const char *data,
               size_t len, struct rc_err *err)
{
    struct stat st;
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    int e;

    if (fd < 0) {
        e = errno;
        rc_err_set(err, e, CANNOT_WRITE, 1, shown);
        return RC_IO;
    }
    /* Still what lstat() saw: a regular file put there since is not
     * truncated and written over in place. */
    if (fstat(fd, &st) != 0 || !(S_ISCHR(st.st_mode) ||
                                 S_ISFIFO(st.st_mode))) {
        close(fd);
        rc_err_set(err, 0, not_written_there, 1, shown);
        return RC_INVALID;
    }
    while (len > 0) {
        ssize_t w = write(fd, data, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            e = w < 0 ? errno : EIO;
            close(fd);
            rc_err_set(err, e, CANNOT_WRITE, 1, shown);
            return RC_IO;
        }
        data += w;
        len -= (size_t)w;
    }
    if (close(fd) != 0) {
        e = errno;
        rc_err_set(err, e, CANNOT_WRITE, 1, shown);
        return RC_IO;
    }
    return RC_OK;
}

enum rc
export_write(const char *path, const char *data, size_t len,
             struct rc_err *err)
{
    struct stat st;
    char *real = NULL;
    const char *target = path;
    enum rc rc;
    int e;

    if (lstat(path, &st) != 0) {
        mode_t um;

        e = errno;
        if (e != ENOENT) {
            rc_err_set(err, e, CANNOT_WRITE, 1, path);
            return RC_IO;
        }
        um = umask(0);
        umask(um);
        return write_atomic(path, data, len, 0666 & ~(unsigned)um, err);
    }
    if (S_ISLNK(st.st_mode)) {
        /* Written through: the file the link names, the link kept. */
        real = realpath(path, NULL);
        if (real == NULL || stat(real, &st) != 0) {
            e = errno;
            rc_err_set(err, e, N_("cannot write the checklist through the "
                                  "symbolic link %s"), 1, path);
            free(real);
            return RC_IO;
        }
        target = real;
    }
    if (S_ISREG(st.st_mode))
        rc = write_atomic(target, data, len, st.st_mode & 0777, err);
    else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
        rc = write_in_place(target, path, data, len, err);
    else if (S_ISDIR(st.st_mode)) {
        rc_err_set(err, EISDIR, CANNOT_WRITE, 1, path);
        rc = RC_INVALID;
    } else {
        rc_err_set(err, 0, not_written_there, 1, path);
        rc = RC_INVALID;
    }
    free(real);
    return rc;
}
