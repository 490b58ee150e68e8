/* Backups over git remotes (backup.h). git already knows how to copy a history anywhere and
 * check it on arrival, so the history goes by git push. The files git does not hold are copied
 * through SQLite's backup API into memory (a consistent snapshot, taken under the writers' lock
 * so that the log names no commit the pushed history lacks), sealed with libsodium's
 * secretstream under the store's backup key, and committed in a scratch repository that borrows
 * the store's objects (objects/info/alternates), so the store itself never holds a copy. The
 * scratch repository is removed after the push; nothing unencrypted is written to disk. */
#include "baton/backup.h"

#include "baton/audit.h"
#include "baton/buf.h"
#include "baton/date.h"
#include "baton/error.h"
#include "baton/file.h"
#include "baton/index.h"
#include "baton/packet.h"
#include "baton/policy.h"
#include "session_internal.h"
#include "store_internal.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_HEADER "baton-backup-key 1\n"
#define SEALED_MAGIC "baton-sealed 1\n"
#define CHUNK (1 << 20)
#define BACKUP_REF "refs/baton/backup"
#define MANIFEST_FORMAT 1

/* What goes beside the history: the store's files git does not hold. */
static const char *const carried[] = {"audit.db", "auth.db"};

static const char *const refspecs[] = {"+refs/heads/main:refs/heads/main", "+refs/baton/audit:refs/baton/audit",
                                       "+" BACKUP_REF ":" BACKUP_REF};

static int key_read(const char *path, unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES])
{
    if (sodium_init() < 0)
        return baton_error_set(BATON_ERROR, "libsodium could not be initialised");
    int rc = baton_secret_read(path, KEY_HEADER, key, crypto_secretstream_xchacha20poly1305_KEYBYTES);
    if (rc == BATON_ENOTFOUND)
        return baton_error_set(BATON_ENOTFOUND, "no backup key at %s (add a backup first: 'baton backup add NAME URL')",
                               path);
    return rc;
}

/* ---- sealing ---- */

/* The sealed form: a magic line, the stream header, then chunks of at most CHUNK bytes, the last
 * tagged final. The file's name is the associated data: a sealed auth.db cannot pass for audit.db. */
static int seal(const unsigned char *key, const char *name, const unsigned char *data, size_t len, baton_buf *out)
{
    crypto_secretstream_xchacha20poly1305_state st;
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_init_push(&st, header, key);
    baton_buf_str(out, SEALED_MAGIC);
    baton_buf_put(out, header, sizeof header);
    if (out->oom)
        return baton_error_set(BATON_ERROR, "out of memory");
    size_t off = 0;
    do {
        size_t n = len - off < CHUNK ? len - off : CHUNK;
        int last = off + n == len;
        unsigned long long clen;
        if (baton_buf_reserve(out, n + crypto_secretstream_xchacha20poly1305_ABYTES))
            return baton_error_set(BATON_ERROR, "out of memory");
        crypto_secretstream_xchacha20poly1305_push(&st, (unsigned char *)out->p + out->n, &clen, data + off, n,
                                                   (const unsigned char *)name, strlen(name),
                                                   last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
        baton_buf_added(out, (size_t)clen);
        off += n;
    } while (off < len);
    sodium_memzero(&st, sizeof st);
    return 0;
}

static int unseal(const unsigned char *key, const char *name, const unsigned char *data, size_t len, baton_buf *out)
{
    size_t hl = strlen(SEALED_MAGIC) + crypto_secretstream_xchacha20poly1305_HEADERBYTES;
    crypto_secretstream_xchacha20poly1305_state st;
    if (len < hl || memcmp(data, SEALED_MAGIC, strlen(SEALED_MAGIC)) != 0)
        return baton_error_set(BATON_EINVALID, "backup: %s is not a sealed Baton file", name);
    if (crypto_secretstream_xchacha20poly1305_init_pull(&st, data + strlen(SEALED_MAGIC), key) != 0)
        return baton_error_set(BATON_EINVALID, "backup: %s: bad header", name);
    size_t off = hl;
    unsigned char tag = 0;
    while (off < len && tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
        size_t n = len - off < CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES
                       ? len - off
                       : CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES;
        unsigned long long mlen;
        if (baton_buf_reserve(out, n))
            return baton_error_set(BATON_ERROR, "out of memory");
        if (crypto_secretstream_xchacha20poly1305_pull(&st, (unsigned char *)out->p + out->n, &mlen, &tag,
                                                       data + off, n, (const unsigned char *)name, strlen(name)) != 0)
            return baton_error_set(BATON_EINVALID, "backup: %s cannot be opened with this key (the wrong key, or "
                                                   "the file was changed)",
                                   name);
        baton_buf_added(out, (size_t)mlen);
        off += n;
    }
    if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL || off != len)
        return baton_error_set(BATON_EINVALID, "backup: %s is cut short or has bytes after its end", name);
    return 0;
}

/* ---- remotes ---- */

static int name_check(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 40)
        return baton_error_set(BATON_EINVALID, "NAME: give a name of 1 to 40 letters, digits and '-'");
    for (size_t i = 0; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
              (name[i] >= '0' && name[i] <= '9') || (name[i] == '-' && i > 0)))
            return baton_error_set(BATON_EINVALID, "NAME: '%s': only letters, digits and '-' (not first)", name);
    return 0;
}

/* A backup's URL, from the repository's config (remote.NAME.url), or NULL. The remotes are kept
 * in the config as plain keys, read and written without libgit2's remote API: that API matches
 * config keys against regular expressions, and this libgit2 (1.5) leaks PCRE2's match data on
 * every key that does not match. */
static char *backup_url(baton_store *store, const char *name)
{
    git_config *cfg = NULL;
    git_buf url = GIT_BUF_INIT;
    char key[120], *out = NULL;
    snprintf(key, sizeof key, "remote.%s.url", name);
    if (git_repository_config_snapshot(&cfg, store->repo) == 0 && git_config_get_string_buf(&url, cfg, key) == 0)
        out = strdup(url.ptr);
    git_buf_dispose(&url);
    git_config_free(cfg);
    return out;
}

/* A remote that sends nothing but what it is given: no insteadOf rewriting (see backup_url). */
static int remote_for(git_repository *repo, const char *url, git_remote **out)
{
    git_remote_create_options o = GIT_REMOTE_CREATE_OPTIONS_INIT;
    o.repository = repo;
    o.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
    return git_remote_create_with_opts(out, url, &o) < 0 ? baton_git_error("URL") : 0;
}

int baton_backup_add(baton_session *s, const char *name, const char *url, json_t **report)
{
    baton_store *store = s->store;
    char key_path[4200], cfg_key[120];
    unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    int created = 0;
    git_remote *r = NULL;
    git_config *cfg = NULL;
    if (report)
        *report = NULL;
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc == 0)
        rc = name_check(name);
    if (rc == 0 && (!url || !*url || strpbrk(url, "\n\r\t ")))
        rc = baton_error_set(BATON_EINVALID, "URL: give a git URL or path without spaces");
    if (rc)
        return rc;
    char *have = backup_url(store, name);
    free(have);
    if (have)
        return baton_error_set(BATON_EEXISTS, "NAME: a backup named '%s' exists already", name);
    /* a URL git cannot use is refused before anything is written */
    if ((rc = remote_for(store->repo, url, &r)))
        return rc;
    git_remote_free(r);
    snprintf(key_path, sizeof key_path, "%s/%s", store->path, BATON_BACKUP_KEY);
    if (sodium_init() < 0)
        return baton_error_set(BATON_ERROR, "libsodium could not be initialised");
    if (access(key_path, F_OK) != 0) {
        if ((rc = baton_file_make_parent(key_path)))
            return rc;
        crypto_secretstream_xchacha20poly1305_keygen(key);
        rc = baton_secret_write(key_path, KEY_HEADER, key, sizeof key);
        sodium_memzero(key, sizeof key);
        if (rc)
            return rc;
        created = 1;
    } else if ((rc = key_read(key_path, key))) {
        return rc;
    }
    sodium_memzero(key, sizeof key);
    snprintf(cfg_key, sizeof cfg_key, "remote.%s.url", name);
    if (git_repository_config(&cfg, store->repo) < 0 || git_config_set_string(cfg, cfg_key, url) < 0)
        rc = baton_git_error("backup add");
    git_config_free(cfg);
    if (rc == 0 && report)
        *report = json_pack("{s:s, s:s, s:s, s:b}", "name", name, "url", url, "key", key_path, "key_created", created);
    return rc;
}

int baton_backup_list(baton_store *store, json_t **out)
{
    git_config *cfg = NULL;
    git_config_iterator *it = NULL;
    git_config_entry *e;
    *out = NULL;
    if (git_repository_config_snapshot(&cfg, store->repo) < 0 || git_config_iterator_new(&it, cfg) < 0) {
        git_config_free(cfg);
        return baton_git_error("backups");
    }
    json_t *a = json_array();
    while (git_config_next(&e, it) == 0) {
        size_t n = strlen(e->name);
        if (strncmp(e->name, "remote.", 7) != 0 || n < 7 + 4 || strcmp(e->name + n - 4, ".url") != 0)
            continue;
        char name[120];
        snprintf(name, sizeof name, "%.*s", (int)(n - 7 - 4), e->name + 7);
        json_array_append_new(a, json_pack("{s:s, s:s}", "name", name, "url", e->value));
    }
    git_config_iterator_free(it);
    git_config_free(cfg);
    *out = a;
    return 0;
}

int baton_backup_remove(baton_session *s, const char *name)
{
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc == 0)
        rc = name_check(name);
    if (rc)
        return rc;
    char *have = backup_url(s->store, name), section[120];
    free(have);
    if (!have)
        return baton_error_set(BATON_ENOTFOUND, "NAME: no backup named '%s'", name);
    git_config *cfg = NULL;
    snprintf(section, sizeof section, "remote.%s.url", name);
    if (git_repository_config(&cfg, s->store->repo) < 0 || git_config_delete_entry(cfg, section) < 0)
        rc = baton_git_error("backup remove");
    git_config_free(cfg);
    return rc;
}

/* ---- pushing ---- */

/* A consistent copy of one SQLite file, in memory: the backup API copies it page by page within
 * one read transaction, and the in-memory copy is serialized. */
static int snapshot(const char *path, unsigned char **data, size_t *len)
{
    sqlite3 *src = NULL, *mem = NULL;
    int rc = 0;
    *data = NULL;
    *len = 0;
    if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        rc = baton_error_set(BATON_ERROR, "%s: %s", path, sqlite3_errmsg(src ? src : mem));
        goto out;
    }
    baton_sqlite_wait(src, 30000);
    sqlite3_backup *b = sqlite3_backup_init(mem, "main", src, "main");
    int r = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
    sqlite3_backup_finish(b);
    if (r != SQLITE_DONE) {
        rc = baton_error_set(BATON_ERROR, "%s: cannot copy: %s", path, sqlite3_errmsg(mem));
        goto out;
    }
    sqlite3_int64 n = 0;
    *data = sqlite3_serialize(mem, "main", &n, 0);
    if (!*data)
        rc = baton_error_set(BATON_ERROR, "%s: cannot copy: out of memory", path);
    *len = (size_t)n;
out:
    sqlite3_close(src);
    sqlite3_close(mem);
    return rc;
}

typedef struct {
    char refused[512];
} push_state;

static int push_status(const char *ref, const char *status, void *payload)
{
    push_state *ps = payload;
    if (status && !ps->refused[0])
        snprintf(ps->refused, sizeof ps->refused, "%s: %s", ref, status);
    return 0;
}

/* The backup commit in a scratch repository beside the store, whose objects it borrows. */
static int scratch_repo(baton_store *store, char *dir, size_t n, git_repository **out)
{
    git_repository *r = NULL;
    snprintf(dir, n, "%s/backup.tmp-XXXXXX", store->path);
    if (!mkdtemp(dir))
        return baton_error_set(BATON_ERROR, "%s: %s", dir, strerror(errno));
    if (git_repository_init(&r, dir, 1) < 0)
        return baton_git_error("backup: scratch repository");
    git_repository_free(r);
    char alt[4300];
    snprintf(alt, sizeof alt, "%s/objects/info/alternates", dir);
    FILE *f = fopen(alt, "w");
    if (!f)
        return baton_error_set(BATON_ERROR, "%s: %s", alt, strerror(errno));
    fprintf(f, "%s/objects\n", store->repo_path);
    fclose(f);
    return git_repository_open(out, dir) < 0 ? baton_git_error("backup: scratch repository") : 0;
}

static int blob_into(git_repository *r, git_treebuilder *tb, const char *name, const void *data, size_t len)
{
    git_oid id;
    if (git_blob_create_from_buffer(&id, r, data, len) < 0 || git_treebuilder_insert(NULL, tb, name, &id, GIT_FILEMODE_BLOB) < 0)
        return baton_git_error("backup");
    return 0;
}

/* One file sealed into the backup's tree, with its sha256 and size in the manifest's files. */
static int carry(git_repository *r, git_treebuilder *tb, const unsigned char *key, const char *name,
                 const void *data, size_t len, json_t *manifest_files, json_t *files)
{
    baton_buf sealed = {0};
    char hex[65], sealed_name[64];
    baton_sha256_hex(data, len, hex);
    snprintf(sealed_name, sizeof sealed_name, "%s.sealed", name);
    int rc = seal(key, name, data, len, &sealed);
    if (rc == 0)
        rc = blob_into(r, tb, sealed_name, sealed.p, sealed.n);
    if (rc == 0) {
        json_object_set_new(manifest_files, name, json_pack("{s:s, s:I, s:s}", "sha256", hex, "bytes", (json_int_t)len,
                                                            "sealed", sealed_name));
        if (files)
            json_object_set_new(files, name, json_integer((json_int_t)len));
    }
    baton_buf_free(&sealed);
    return rc;
}

/* The sealed files and their manifest, as a commit with no parent on BACKUP_REF of r, and the
 * two refs of the history as they were when the files were copied. */
static int build_backup(baton_store *store, git_repository *r, const unsigned char *key, json_t *files)
{
    git_oid main_id, audit_id, tree_id, commit_id;
    int have_audit = 0, rc = 0, lockfd = -1;
    unsigned char *plain[2] = {NULL, NULL};
    size_t plain_len[2] = {0, 0};
    /* under the writers' lock: no commit lands between the head read and the log copied */
    if ((rc = baton_store_lock(store, &lockfd)))
        return rc;
    if (baton_store_head_oid(store, &main_id) != 0)
        rc = baton_error_set(BATON_ENOTFOUND, "backup: the store has no history yet");
    have_audit = git_reference_name_to_id(&audit_id, store->repo, "refs/baton/audit") == 0;
    for (size_t i = 0; rc == 0 && i < 2; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", store->path, carried[i]);
        if (access(path, F_OK) == 0)
            rc = snapshot(path, &plain[i], &plain_len[i]);
    }
    baton_store_unlock(lockfd);

    git_treebuilder *tb = NULL;
    json_t *manifest = NULL;
    char now[21];
    baton_datetime_format(now, baton_now());
    if (rc == 0 && git_treebuilder_new(&tb, r, NULL) < 0)
        rc = baton_git_error("backup");
    if (rc == 0)
        manifest = json_pack("{s:i, s:s, s:s, s:s, s:{}}", "format", MANIFEST_FORMAT, "store_id", baton_store_id(store),
                             "head", git_oid_tostr_s(&main_id), "time", now, "files");
    json_t *mfiles = json_object_get(manifest, "files");
    for (size_t i = 0; rc == 0 && i < 2; i++)
        if (plain[i])
            rc = carry(r, tb, key, carried[i], plain[i], plain_len[i], mfiles, files);
    for (size_t i = 0; i < 2; i++) {
        if (plain[i])
            sodium_memzero(plain[i], plain_len[i]);
        sqlite3_free(plain[i]);
    }
    /* the signing key, where the config says it is inside the store */
    const char *rel = baton_store_config_string(store, "signing_key");
    if (rc == 0 && rel) {
        char path[4200], *keyfile = NULL;
        size_t len = 0;
        snprintf(path, sizeof path, "%s/%s", store->path, rel);
        if ((rc = baton_file_read(path, 4096, &keyfile, &len)) == 0)
            rc = carry(r, tb, key, "signing.key", keyfile, len, mfiles, files);
        if (keyfile)
            sodium_memzero(keyfile, len);
        free(keyfile);
    }
    if (rc == 0) {
        char *m = baton_record_dump(manifest);
        rc = m ? blob_into(r, tb, "manifest.json", m, strlen(m)) : BATON_ERROR;
        free(m);
    }
    json_decref(manifest);
    git_tree *tree = NULL;
    git_signature *sig = NULL;
    if (rc == 0 && (git_treebuilder_write(&tree_id, tb) < 0 || git_tree_lookup(&tree, r, &tree_id) < 0 ||
                    git_signature_new(&sig, "Baton", "baton@localhost", (git_time_t)baton_now(), 0) < 0 ||
                    git_commit_create(&commit_id, r, NULL, sig, sig, "UTF-8", "Baton backup\n", tree, 0, NULL) < 0))
        rc = baton_git_error("backup");
    const struct {
        const char *name;
        const git_oid *id;
    } refs[] = {{BACKUP_REF, &commit_id}, {"refs/heads/main", &main_id}, {"refs/baton/audit", have_audit ? &audit_id : NULL}};
    for (size_t i = 0; rc == 0 && i < sizeof refs / sizeof *refs; i++) {
        git_reference *ref = NULL;
        if (refs[i].id && git_reference_create(&ref, r, refs[i].name, refs[i].id, 1, NULL) < 0)
            rc = baton_git_error("backup");
        git_reference_free(ref);
    }
    git_signature_free(sig);
    git_tree_free(tree);
    git_treebuilder_free(tb);
    return rc;
}

static int push_one(baton_session *s, const char *name, const unsigned char *key, json_t *report)
{
    baton_store *store = s->store;
    git_remote *anon = NULL;
    git_repository *r = NULL;
    char dir[4200] = "";
    int rc = 0;
    char *url = backup_url(store, name);
    if (!url)
        return baton_error_set(BATON_ENOTFOUND, "NAME: no backup named '%s'", name);
    json_t *files = json_object();
    rc = scratch_repo(store, dir, sizeof dir, &r);
    if (rc == 0)
        rc = build_backup(store, r, key, files);
    /* refs/baton/audit is pushed only when the store has one (a store's first anchor makes it) */
    git_reference *aref = NULL;
    int have_audit = rc == 0 && git_reference_lookup(&aref, r, "refs/baton/audit") == 0;
    git_reference_free(aref);
    push_state ps = {""};
    if (rc == 0)
        rc = remote_for(r, url, &anon);
    if (rc == 0) {
        char *specs[3];
        size_t k = 0;
        for (size_t i = 0; i < 3; i++)
            if (i != 1 || have_audit)
                specs[k++] = (char *)refspecs[i];
        git_strarray arr = {specs, k};
        git_push_options po = GIT_PUSH_OPTIONS_INIT;
        po.callbacks.push_update_reference = push_status;
        po.callbacks.payload = &ps;
        if (git_remote_push(anon, &arr, &po) < 0)
            rc = baton_git_error("backup: push");
        else if (ps.refused[0])
            rc = baton_error_set(BATON_ERROR, "backup: the remote refused %s", ps.refused);
    }
    char head[41] = "";
    git_oid h;
    if (rc == 0 && git_reference_name_to_id(&h, r, "refs/heads/main") == 0)
        git_oid_tostr(head, sizeof head, &h);
    git_remote_free(anon);
    git_repository_free(r);
    if (dir[0])
        baton_file_remove_tree(dir);
    if (rc == 0) {
        /* a copy of everything left the machine: the log says who sent it where */
        baton_audit_entry e = {s->who.id, "backup", NULL, name, NULL, NULL};
        rc = baton_audit_append(store, &e);
    }
    if (rc == 0)
        json_array_append_new(report, json_pack("{s:s, s:s, s:s, s:o}", "name", name, "url", url, "head", head,
                                                "files", files));
    else
        json_decref(files);
    free(url);
    return rc;
}

int baton_backup_push(baton_session *s, const char *name, json_t **report)
{
    unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    char key_path[4200];
    json_t *list = NULL, *done = json_array();
    if (report)
        *report = NULL;
    int rc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (rc == 0 && name)
        rc = name_check(name);
    if (rc == 0)
        rc = baton_backup_list(s->store, &list);
    if (rc == 0 && json_array_size(list) == 0)
        rc = baton_error_set(BATON_ENOTFOUND, "no backup to push to (add one: 'baton backup add NAME URL')");
    snprintf(key_path, sizeof key_path, "%s/%s", s->store->path, BATON_BACKUP_KEY);
    if (rc == 0)
        rc = key_read(key_path, key);
    size_t i;
    json_t *b;
    int found = name == NULL;
    json_array_foreach(list, i, b) {
        const char *n = json_string_value(json_object_get(b, "name"));
        if (rc || (name && strcmp(name, n) != 0))
            continue;
        found = 1;
        if ((rc = push_one(s, n, key, done))) {
            char prefix[64];
            snprintf(prefix, sizeof prefix, "%s: ", n);
            baton_error_prefix(rc, prefix);
        }
    }
    if (rc == 0 && !found)
        rc = baton_error_set(BATON_ENOTFOUND, "NAME: no backup named '%s'", name);
    sodium_memzero(key, sizeof key);
    json_decref(list);
    if (rc == 0 && report)
        *report = done;
    else
        json_decref(done);
    return rc;
}

/* ---- restoring ---- */

static int dir_usable(const char *dir, int *existed)
{
    DIR *d = opendir(dir);
    *existed = d != NULL;
    if (!d)
        return errno == ENOENT ? 0 : baton_error_set(BATON_EINVALID, "DIR: %s: %s", dir, strerror(errno));
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            empty = 0;
    closedir(d);
    return empty ? 0 : baton_error_set(BATON_EEXISTS, "DIR: %s is not empty: restore makes a new store", dir);
}

/* The sealed file name of the manifest, opened and checked against its sha256 and written to dest. */
static int restore_file(git_repository *repo, git_tree *tree, const json_t *entry, const char *name,
                        const unsigned char *key, const char *dest)
{
    const char *sealed_name = json_string_value(json_object_get(entry, "sealed"));
    const char *want = json_string_value(json_object_get(entry, "sha256"));
    git_tree_entry *te = NULL;
    git_blob *blob = NULL;
    baton_buf plain = {0};
    int rc = 0;
    if (!sealed_name || !want || git_tree_entry_bypath(&te, tree, sealed_name) < 0 ||
        git_blob_lookup(&blob, repo, git_tree_entry_id(te)) < 0)
        rc = baton_error_set(BATON_EINVALID, "backup: the manifest names %s, which the backup does not hold", name);
    if (rc == 0)
        rc = unseal(key, name, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), &plain);
    if (rc == 0) {
        char hex[65];
        baton_sha256_hex(plain.p, plain.n, hex);
        if (strcmp(hex, want) != 0)
            rc = baton_error_set(BATON_EINVALID, "backup: %s does not match its sha256 in the manifest", name);
    }
    if (rc == 0)
        rc = baton_file_write(dest, plain.p, plain.n);
    if (plain.p)
        sodium_memzero(plain.p, plain.n);
    baton_buf_free(&plain);
    git_blob_free(blob);
    git_tree_entry_free(te);
    return rc;
}

static int fetch_backup(const char *url, const char *repo_path, git_repository **out)
{
    git_repository_init_options io = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    io.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
    io.initial_head = "main";
    io.description = "Baton case store";
    git_remote *anon = NULL;
    if (git_repository_init_ext(out, repo_path, &io) < 0)
        return baton_git_error("DIR");
    int rc = remote_for(*out, url, &anon);
    if (rc)
        return rc;
    git_strarray arr = {(char **)refspecs, 3};
    git_fetch_options fo = GIT_FETCH_OPTIONS_INIT;
    fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    int r = git_remote_fetch(anon, &arr, &fo, NULL);
    git_remote_free(anon);
    if (r < 0)
        return baton_git_error("URL: cannot fetch the backup");
    git_oid id;
    if (git_reference_name_to_id(&id, *out, BACKUP_REF) < 0)
        return baton_error_set(BATON_ENOTFOUND, "URL: %s holds no Baton backup (no %s)", url, BACKUP_REF);
    return 0;
}

static int restore_into(const char *url, const char *dir, const unsigned char *key, json_t **report)
{
    char repo_path[4200], path[4200];
    git_repository *repo = NULL;
    git_commit *bc = NULL;
    git_tree *tree = NULL;
    git_blob *mblob = NULL;
    git_tree_entry *me = NULL;
    json_t *manifest = NULL;
    int rc;
    snprintf(repo_path, sizeof repo_path, "%s/repo.git", dir);
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return baton_error_set(BATON_ERROR, "DIR: %s: %s", dir, strerror(errno));
    chmod(dir, 0700);
    rc = fetch_backup(url, repo_path, &repo);
    git_oid bid, head;
    if (rc == 0 && (git_reference_name_to_id(&bid, repo, BACKUP_REF) < 0 || git_commit_lookup(&bc, repo, &bid) < 0 ||
                    git_commit_tree(&tree, bc) < 0 || git_tree_entry_bypath(&me, tree, "manifest.json") < 0 ||
                    git_blob_lookup(&mblob, repo, git_tree_entry_id(me)) < 0))
        rc = baton_error_set(BATON_EINVALID, "URL: the backup has no manifest");
    if (rc == 0 && !(manifest = json_loadb(git_blob_rawcontent(mblob), (size_t)git_blob_rawsize(mblob), 0, NULL)))
        rc = baton_error_set(BATON_EINVALID, "backup: the manifest is not JSON");
    if (rc == 0 && json_integer_value(json_object_get(manifest, "format")) != MANIFEST_FORMAT)
        rc = baton_error_set(BATON_EINVALID, "backup: a manifest format this Baton does not know");
    /* the history as it was when the files were copied: the log names no later commit */
    const char *mhead = json_string_value(json_object_get(manifest, "head"));
    git_commit *hc = NULL;
    if (rc == 0 && (!mhead || git_oid_fromstr(&head, mhead) < 0 || git_commit_lookup(&hc, repo, &head) < 0))
        rc = baton_error_set(BATON_EINVALID, "backup: the manifest's head is not in the backup's history");
    git_commit_free(hc);
    git_reference *ref = NULL;
    if (rc == 0 && git_reference_create(&ref, repo, "refs/heads/main", &head, 1, "baton: restore") < 0)
        rc = baton_git_error("restore");
    git_reference_free(ref);
    json_t *files = json_object_get(manifest, "files");
    for (size_t i = 0; rc == 0 && i < 2; i++) {
        json_t *f = json_object_get(files, carried[i]);
        snprintf(path, sizeof path, "%s/%s", dir, carried[i]);
        if (f)
            rc = restore_file(repo, tree, f, carried[i], key, path);
        else if (i == 0)
            rc = baton_error_set(BATON_EINVALID, "backup: it holds no access log");
    }
    snprintf(path, sizeof path, "%s/lock", dir);
    if (rc == 0 && baton_file_private(path))
        rc = BATON_ERROR;
    /* the signing key goes where the restored config says, inside the store */
    baton_store *store = NULL;
    if (rc == 0)
        rc = baton_store_open(&store, dir);
    json_t *key_entry = json_object_get(files, "signing.key");
    if (rc == 0 && key_entry) {
        const char *rel = baton_store_config_string(store, "signing_key");
        if (!rel || rel[0] == '/' || strstr(rel, ".."))
            rc = baton_error_set(BATON_EINVALID, "backup: holds a signing key, but the store names no place for it");
        snprintf(path, sizeof path, "%s/%s", dir, rel ? rel : "");
        if (rc == 0)
            rc = baton_file_make_parent(path);
        if (rc == 0)
            rc = restore_file(repo, tree, key_entry, "signing.key", key, path);
    }
    /* the restored store backs up again under the same key */
    snprintf(path, sizeof path, "%s/%s", dir, BATON_BACKUP_KEY);
    if (rc == 0 && (rc = baton_file_make_parent(path)) == 0)
        rc = baton_secret_write(path, KEY_HEADER, key, crypto_secretstream_xchacha20poly1305_KEYBYTES);
    /* the sealed files stay behind on the remote: the new store does not keep them */
    if (rc == 0 && git_reference_remove(repo, BACKUP_REF) < 0)
        rc = baton_git_error("restore");
    git_blob_free(mblob);
    git_tree_entry_free(me);
    git_tree_free(tree);
    git_commit_free(bc);
    git_repository_free(repo);
    /* the index is derived: built afresh; the log must verify against the history's anchors */
    if (rc == 0)
        rc = baton_index_rebuild(store, NULL, NULL);
    json_t *audit = NULL;
    if (rc == 0 && (rc = baton_audit_check(store, &audit)))
        baton_error_prefix(rc, "the restored access log does not verify: ");
    if (rc == 0 && report)
        *report = json_pack("{s:s, s:O, s:O}", "head", mhead, "audit_entries", json_object_get(audit, "entries"),
                            "files", files);
    json_decref(audit);
    json_decref(manifest);
    baton_store_free(store);
    return rc;
}

int baton_backup_restore(const char *url, const char *dir, const char *key_path, json_t **report)
{
    unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
    int existed = 0;
    if (report)
        *report = NULL;
    if (!url || !*url)
        return baton_error_set(BATON_EINVALID, "URL: give the backup's git URL or path");
    if (!dir || !*dir)
        return baton_error_set(BATON_EINVALID, "DIR: give the directory of the new store");
    if (!key_path || !*key_path)
        return baton_error_set(BATON_EINVALID, "--key: give the backup key file (keys/backup.key of the store)");
    int rc = key_read(key_path, key);
    if (rc)
        return baton_error_prefix(rc, "--key: ");
    if ((rc = dir_usable(dir, &existed)))
        return rc;
    baton_git_acquire();
    rc = restore_into(url, dir, key, report);
    baton_git_release();
    sodium_memzero(key, sizeof key);
    if (rc) {
        /* nothing is left half-made: the directory is as it was */
        char msg[1024];
        int code = baton_error_last_code();
        snprintf(msg, sizeof msg, "%s", baton_error_last());
        baton_file_remove_tree(dir);
        if (existed)
            mkdir(dir, 0700);
        baton_error_set(code ? code : rc, "%s", msg);
    }
    return rc;
}
