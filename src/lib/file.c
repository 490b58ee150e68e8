/* Writing a file whole or not at all: a temporary file beside the target, fsync, rename. */
#include "baton/file.h"

#include "baton/error.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
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
    return baton_fsync_dir(path);
}

int baton_file_make_dir(const char *path)
{
    char buf[4200];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return baton_error_set(BATON_EINVALID, "%s: path too long", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) < 0 && errno != EEXIST)
            return baton_error_set(BATON_ERROR, "%s: cannot create directory: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0700) < 0 && errno != EEXIST)
        return baton_error_set(BATON_ERROR, "%s: cannot create directory: %s", buf, strerror(errno));
    return 0;
}

int baton_file_make_parent(const char *path)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    return baton_file_make_dir(dir);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void baton_file_remove_tree(const char *path) { nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS); }

/* A rename or a new file is durable only once the directory holding it is synced too. */
int baton_fsync_dir(const char *path)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        dir[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return baton_error_set(BATON_ERROR, "%s: %s", dir, strerror(errno));
    int ok = fsync(fd) == 0 || errno == EINVAL;
    int e = errno;
    close(fd);
    return ok ? 0 : baton_error_set(BATON_ERROR, "%s: cannot sync: %s", dir, strerror(e));
}

int baton_file_write(const char *path, const void *data, size_t len)
{
    char tmp[4200];
    int rc = baton_file_stage(path, data, len, tmp, sizeof tmp);
    return rc ? rc : baton_file_finish(tmp, path, 1);
}

int baton_file_read(const char *path, size_t max, char **data, size_t *len)
{
    struct stat st;
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return baton_error_set(errno == ENOENT ? BATON_ENOTFOUND : BATON_ERROR, "%s: %s", path, strerror(errno));
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return baton_error_set(BATON_EINVALID, "%s: not a regular file", path);
    }
    if ((size_t)st.st_size > max) {
        fclose(f);
        return baton_error_set(BATON_EINVALID, "%s: larger than the %zu MiB limit", path, max >> 20);
    }
    size_t n = (size_t)st.st_size;
    char *buf = malloc(n + 1);
    if (!buf || fread(buf, 1, n, f) != n) {
        fclose(f);
        free(buf);
        return baton_error_set(BATON_ERROR, "%s: cannot read", path);
    }
    fclose(f);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
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
