/* file.c - writing and reading files safely (see file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailready/file.h"
#include "mailready/util.h"

char *
file_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

void
file_fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

enum rc
file_mkdir_p(const char *dir, unsigned mode, struct rc_err *err)
{
    char *path = xstrdup(dir);
    size_t len = strlen(path);
    enum rc rc = RC_OK;

    while (len > 1 && path[len - 1] == '/')
        path[--len] = '\0';
    for (size_t i = 1; i <= len; i++) {
        struct stat sb;
        char save = path[i];

        if (save != '/' && save != '\0')
            continue;
        path[i] = '\0';
        if (mkdir(path, (mode_t)mode) == 0) {
            /* mkdir() applies the umask: set the mode asked for. */
            if (chmod(path, (mode_t)mode) != 0) {
                rc_err_set(err, errno, N_("Cannot create the directory "
                                          "%s"), 1, path);
                rc = RC_IO;
                break;
            }
        } else if (errno != EEXIST || stat(path, &sb) != 0 ||
                   !S_ISDIR(sb.st_mode)) {
            int e = errno == EEXIST ? ENOTDIR : errno;

            rc_err_set(err, e, N_("Cannot create the directory %s"), 1,
                       path);
            rc = RC_IO;
            break;
        }
        path[i] = save;
    }
    free(path);
    return rc;
}

static bool
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return false;
        if (w == 0) {
            errno = EIO;
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

enum rc
file_write_atomic(const char *path, const void *data, size_t len,
                  unsigned mode, struct rc_err *err)
{
    char *dir = file_dir_of(path), *tmp = NULL;
    const char *base = strrchr(path, '/');
    const char *failed = path;
    int fd = -1, e = 0;
    enum rc rc = RC_IO;

    base = base != NULL ? base + 1 : path;
    if (base[0] == '\0') {
        e = EISDIR;
        goto out;
    }
    tmp = xasprintf("%s/.%s.XXXXXX", dir, base);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        /* Nothing was made: the directory is what cannot be written. */
        e = errno;
        failed = dir;
        free(tmp);
        tmp = NULL;
        goto out;
    }
    if (fchmod(fd, (mode_t)mode) != 0 || !write_all(fd, data, len) ||
        fsync(fd) != 0) {
        e = errno;
        failed = tmp;
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        e = errno;
        failed = tmp;
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        e = errno;
        goto out;
    }
    free(tmp);
    tmp = NULL;
    file_fsync_dir(dir);
    rc = RC_OK;
out:
    if (rc != RC_OK)
        rc_err_set(err, e, N_("Cannot write %s"), 1, failed);
    if (fd >= 0)
        close(fd);
    if (tmp != NULL) {
        unlink(tmp);
        free(tmp);
    }
    free(dir);
    return rc;
}

enum rc
file_write_new(const char *path, const void *data, size_t len,
               unsigned mode, struct rc_err *err)
{
    char *dir;
    int fd, e;

    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              (mode_t)mode);
    if (fd < 0) {
        e = errno;
        rc_err_set(err, e, N_("Cannot create %s"), 1, path);
        return e == EEXIST ? RC_EXISTS : RC_IO;
    }
    /* The mode asked for, whatever the umask. */
    if (fchmod(fd, (mode_t)mode) != 0 || !write_all(fd, data, len) ||
        fsync(fd) != 0) {
        e = errno;
        close(fd);
        unlink(path);
        rc_err_set(err, e, N_("Cannot write %s"), 1, path);
        return RC_IO;
    }
    if (close(fd) != 0) {
        e = errno;
        unlink(path);
        rc_err_set(err, e, N_("Cannot write %s"), 1, path);
        return RC_IO;
    }
    dir = file_dir_of(path);
    file_fsync_dir(dir);
    free(dir);
    return RC_OK;
}

enum rc
file_read(const char *path, size_t max, char **buf, size_t *len,
          struct rc_err *err)
{
    struct stat sb;
    char *b = NULL;
    size_t n = 0, cap = 0;
    int fd, e;

    *buf = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        e = errno;
        rc_err_set(err, e, N_("Cannot read %s"), 1, path);
        return e == ENOENT ? RC_NOTFOUND : RC_IO;
    }
    if (fstat(fd, &sb) != 0) {
        e = errno;
        close(fd);
        rc_err_set(err, e, N_("Cannot read %s"), 1, path);
        return RC_IO;
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        rc_err_set(err, 0, N_("%s is not a regular file"), 1, path);
        return RC_INVALID;
    }
    if (sb.st_size > 0 && (unsigned long long)sb.st_size > max) {
        close(fd);
        rc_err_set(err, 0, N_("%s is too large"), 1, path);
        return RC_TOOLONG;
    }
    (void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    for (;;) {
        ssize_t r;

        if (cap - n < 8192) {
            cap = cap == 0 ? 16384 : cap * 2;
            b = xrealloc(b, cap + 1);
        }
        r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            e = errno;
            close(fd);
            free(b);
            rc_err_set(err, e, N_("Cannot read %s"), 1, path);
            return RC_IO;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > max) {
            /* It grew while being read. */
            close(fd);
            free(b);
            rc_err_set(err, 0, N_("%s is too large"), 1, path);
            return RC_TOOLONG;
        }
    }
    close(fd);
    if (b == NULL)
        b = xmalloc(1);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return RC_OK;
}
