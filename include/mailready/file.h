/* file.h - the files mailready writes and reads: state files, keys,
 * checklists.  One place for the rules: atomic replacement, exclusive
 * creation, explicit modes (never the umask's), directories made 0700,
 * and reads that refuse anything but a regular file of bounded size
 * (a FIFO never blocks, /dev/zero never spins).
 *
 * Core module.  Errors come back as an rc with the detail in *err
 * (struct rc_err, rc.h; err may be NULL): the path that failed and its
 * errno. */
#ifndef MAILREADY_FILE_H
#define MAILREADY_FILE_H

#include <stddef.h>

#include "mailready/rc.h"

/* Make dir and its missing parents; the ones made get exactly mode
 * (chmod after mkdir: the umask does not narrow it).  An existing
 * component that is not a directory: RC_IO with ENOTDIR. */
enum rc file_mkdir_p(const char *dir, unsigned mode, struct rc_err *err);

/* Write data to path atomically: a temporary file ".NAME.XXXXXX" in the
 * same directory with exactly mode, written, fsync'd, renamed over path,
 * then the directory fsync'd.  The directory must exist.  On failure
 * path is untouched and no temporary file is left. */
enum rc file_write_atomic(const char *path, const void *data, size_t len,
                          unsigned mode, struct rc_err *err);

/* Create path, which must not exist (RC_EXISTS; a symbolic link there is
 * never followed), with exactly mode, write data, fsync it and the
 * directory.  On failure no partial file is left. */
enum rc file_write_new(const char *path, const void *data, size_t len,
                       unsigned mode, struct rc_err *err);

/* Read the whole regular file path, at most max bytes.  RC_NOTFOUND if
 * it does not exist; RC_INVALID ("not a regular file") for a directory,
 * FIFO, device or socket, found without blocking; RC_TOOLONG when it is
 * larger than max; RC_IO otherwise; *buf NULL on any error.  *buf is NUL-terminated (the NUL not counted in *len);
 * caller frees. */
enum rc file_read(const char *path, size_t max, char **buf, size_t *len,
                  struct rc_err *err);

/* fsync a directory (after a rename or unlink in it); errors ignored. */
void file_fsync_dir(const char *dir);

/* The directory part of path ("." when there is none).  Caller frees. */
char *file_dir_of(const char *path);

#endif
