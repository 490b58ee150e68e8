/* Writing a file whole or not at all: a temporary file beside the target, fsync, rename. */
#include "baton/file.h"

#include "baton/error.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int baton_file_stage(const char *path, const void *data, size_t len, char *tmp, size_t tmpn)
{
    if (snprintf(tmp, tmpn, "%s.tmp-%d", path, (int)getpid()) >= (int)tmpn)
        return baton_error_set(BATON_EINVALID, "-o: %s: path too long", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        tmp[0] = '\0';
        return baton_error_set(BATON_ERROR, "-o: %s: %s", path, strerror(e));
    }
    const char *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    int ok = done == len && fsync(fd) == 0;
    int e = errno;
    if (close(fd) < 0)
        ok = 0;
    if (!ok) {
        unlink(tmp);
        tmp[0] = '\0';
        return baton_error_set(BATON_ERROR, "-o: %s: %s", path, strerror(e));
    }
    return 0;
}

int baton_file_finish(const char *tmp, const char *path, int commit)
{
    if (!tmp || !tmp[0])
        return 0;
    if (!commit) {
        unlink(tmp);
        return 0;
    }
    if (rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        return baton_error_set(BATON_ERROR, "-o: %s: %s", path, strerror(e));
    }
    return 0;
}

int baton_file_write(const char *path, const void *data, size_t len)
{
    char tmp[4200];
    int rc = baton_file_stage(path, data, len, tmp, sizeof tmp);
    return rc ? rc : baton_file_finish(tmp, path, 1);
}

/* SQLite creates a database with mode 0644 (less the umask), and its WAL and shared-memory files
 * with the database's mode: a store's databases are created empty with 0600 first, so that
 * nothing about a child is ever readable by other users of the machine. */
int baton_file_private(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return baton_error_set(BATON_ERROR, "%s: %s", path, strerror(errno));
    close(fd);
    return 0;
}

int baton_file_identify(const char *path, baton_file_id *id)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    id->ino = st.st_ino;
    id->dev = st.st_dev;
    return 0;
}

int baton_file_unchanged(const char *path, const baton_file_id *id)
{
    baton_file_id now;
    return baton_file_identify(path, &now) == 0 && now.ino == id->ino && now.dev == id->dev;
}
