/* Opening, creating and reading a store. Reads go straight to git objects (no work tree, no
 * index file), so any revision can be read the same way as the head. */
#include "store_internal.h"

#include "baton/date.h"
#include "baton/error.h"
#include "baton/record.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

int baton_git_error(const char *doing)
{
    const git_error *e = git_error_last();
    return baton_error_set(BATON_ERROR, "%s: %s", doing, e && e->message ? e->message : "unknown git error");
}

void baton_git_acquire(void)
{
    /* An acknowledged write must survive power loss: libgit2 leaves fsync off by default. */
    if (git_libgit2_init() == 1) {
        git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
        /* the cases/ tree has 256 entries (about 8 KiB): keep such trees in libgit2's cache */
        git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)64 * 1024);
        /* reads do not hash every object again: 'baton fsck' checks each one's hash itself
         * (fsck.c). Set once here and never switched, as a server's threads share it. */
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
        /* SQLite counts every allocation of every connection under one process-wide mutex, for
         * statistics nothing here reads: with a server's threads each on its own connections,
         * that mutex was where they queued. (Before any connection is opened, or it is refused,
         * harmlessly, when the program opened one first.) */
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    }
}

void baton_git_release(void)
{
    if (git_libgit2_shutdown() == 0)
        baton_recent_release_all();
}

int baton_random_id(char *out, size_t n)
{
    static const char alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";
    unsigned char raw[64];
    if (n > sizeof raw)
        return baton_error_set(BATON_EINVALID, "random id too long");
    if (getrandom(raw, n, 0) != (ssize_t)n)
        return baton_error_set(BATON_ERROR, "no randomness available: %s", strerror(errno));
    for (size_t i = 0; i < n; i++)
        out[i] = alphabet[raw[i] % (sizeof alphabet - 1)];
    out[n] = '\0';
    return 0;
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", a, b);
    return s;
}

static int is_store(const char *dir)
{
    char buf[PATH_MAX];
    struct stat st;
    if (snprintf(buf, sizeof buf, "%s/repo.git/HEAD", dir) >= (int)sizeof buf)
        return 0;
    return stat(buf, &st) == 0;
}

/* libgit2 makes its files with the process's umask (0644, 0755 for most): the store's whole tree is made
 * the owner's alone, and anything that was in the directory before is closed too */
static int make_private(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type == FTW_SL)
        return 0;
    mode_t want = S_ISDIR(st->st_mode) ? 0700 : (st->st_mode & 0700);
    return (st->st_mode & 07777) == want || chmod(path, want) == 0 ? 0 : -1;
}

int baton_store_init(const char *path, const baton_init_options *opts)
{
    const char *lang = opts && opts->language ? opts->language : "da";
    const char *org = opts && opts->organisation ? opts->organisation : "Unnamed organisation";
    int rc = 0;
    if (is_store(path))
        return baton_error_set(BATON_EEXISTS, "%s: already holds a store", path);

    /* Validate the metadata before anything touches the disk. */
    char store_id[65], today[11];
    if (opts && opts->store_id)
        snprintf(store_id, sizeof store_id, "%s", opts->store_id);
    else if ((rc = baton_random_id(store_id, 16)))
        return rc;
    baton_date_today(today);
    json_t *meta = json_pack("{s:i, s:s, s:s, s:s, s:s, s:{s:i, s:i}}", "format", BATON_STORE_FORMAT, "store_id",
                             store_id, "language", lang, "organisation", org, "created", today, "config",
                             "agreement_review_months", 6, "audit_retention_days", 180);
    if (!meta)
        return baton_error_set(BATON_EINVALID, "organisation: not valid UTF-8");
    /* "language: 'xx' is not one of ..." reads well as an answer to --language */
    if ((rc = baton_record_validate(meta, BATON_RECORD_STORE, NULL))) {
        json_decref(meta);
        return rc;
    }
    char *data = baton_record_dump(meta);
    json_t *meta_for_log = meta; /* the log is made for this store id before baton.json is committed */
    if (!data) {
        json_decref(meta);
        return BATON_ERROR;
    }

    baton_git_acquire();
    char *repo_path = NULL, *lock_path = NULL;
    git_repository *repo = NULL;
    baton_store *store = NULL;
    if ((rc = baton_file_make_dir(path)))
        goto out;
    /* children's data: nobody but the store's owner may look in, whatever the directory was */
    if (chmod(path, 0700)) {
        rc = baton_error_set(BATON_ERROR, "%s: cannot make the directory private: %s", path, strerror(errno));
        goto out;
    }
    repo_path = join(path, "repo.git");
    lock_path = join(path, "lock");
    git_repository_init_options io = GIT_REPOSITORY_INIT_OPTIONS_INIT;
    io.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
    io.initial_head = "main";
    io.description = "Baton case store";
    if (git_repository_init_ext(&repo, repo_path, &io) < 0) {
        rc = baton_git_error("cannot create repository");
        goto out;
    }
    chmod(repo_path, 0700);
    int fd = open(lock_path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = baton_error_set(BATON_ERROR, "%s: %s", lock_path, strerror(errno));
        goto out;
    }
    close(fd);
    if ((rc = baton_store_open(&store, path)))
        goto out;
    /* the access log exists from the first commit on (which it records): a store never runs
     * without one, and none is ever made up later without an administrator saying so */
    json_decref(store->meta);
    store->meta = json_incref(meta_for_log);
    if ((rc = baton_audit_create(store)))
        goto out;
    baton_change ch = {"baton.json", data, strlen(data), "", "store metadata"};
    baton_commit_options co = {"Baton", "baton@localhost", "store: initialise\n", 0};
    baton_oid_hex head;
    if ((rc = baton_store_commit(store, &ch, 1, &co, head)))
        goto out;
    if (nftw(path, make_private, 16, FTW_PHYS) != 0)
        rc = baton_error_set(BATON_ERROR, "%s: cannot make the store's files private: %s", path, strerror(errno));
out:
    baton_store_free(store);
    git_repository_free(repo);
    free(repo_path);
    free(lock_path);
    free(data);
    json_decref(meta_for_log);
    baton_git_release();
    return rc;
}

/* The store's settings (baton.json) at head, and which head and which version of the file that
 * was: under a server's saves the head moves all the time, and the file hardly ever. */
static void read_meta(baton_store *s)
{
    char *buf;
    size_t len;
    s->have_meta_head = baton_store_head_oid(s, &s->meta_head) == 0;
    if (baton_store_entry_id(s, NULL, "baton.json", s->meta_blob) != 0)
        s->meta_blob[0] = '\0';
    json_decref(s->meta);
    s->meta = NULL;
    if (s->meta_blob[0] && baton_store_read_blob(s, s->meta_blob, "baton.json", &buf, &len) == 0) {
        /* a broken baton.json leaves the defaults (and says so): the cases can still be read */
        if (baton_record_from_git(s, NULL, "baton.json", BATON_RECORD_STORE, buf, len, &s->meta))
            baton_store_warn(s, "store settings ignored: %s", baton_error_last());
        free(buf);
    }
    baton_error_clear();
}

int baton_store_open(baton_store **out, const char *path)
{
    *out = NULL;
    if (!is_store(path))
        return baton_error_set(BATON_ENOTFOUND, "no store at %s (create one with 'baton init')", path);
    baton_store *s = calloc(1, sizeof *s);
    if (!s)
        return baton_error_set(BATON_ERROR, "out of memory");
    baton_git_acquire();
    s->path = strdup(path);
    s->repo_path = join(path, "repo.git");
    s->lock_path = join(path, "lock");
    int rc = 0;
    if (git_repository_open_bare(&s->repo, s->repo_path) < 0)
        rc = baton_git_error("cannot open repository");
    /* the objects of this process's latest saves, before the packs (recent.c) */
    if (rc == 0)
        rc = baton_recent_attach(s, s->repo);
    if (rc) {
        baton_store_free(s);
        return rc;
    }
    struct stat st;
    /* children's data: a store others on the machine can look into is worth a word every time */
    if (stat(path, &st) == 0 && (st.st_mode & 077))
        baton_store_warn(s, "the store directory %s is open to other users (mode %04o): chmod 700 it ('baton fsck' "
                            "lists every such file)",
                         path, (unsigned)(st.st_mode & 07777));
    read_meta(s);
    *out = s;
    return 0;
}

int baton_store_refresh(baton_store *store)
{
    git_oid now;
    int have = baton_store_head_oid(store, &now) == 0;
    if (have == store->have_meta_head && (!have || git_oid_equal(&now, &store->meta_head)))
        return 0;
    baton_oid_hex blob = "";
    if (have && store->meta_blob[0] && baton_store_entry_id(store, NULL, "baton.json", blob) == 0 &&
        strcmp(blob, store->meta_blob) == 0) {
        git_oid_cpy(&store->meta_head, &now);
        baton_error_clear();
        return 0;
    }
    read_meta(store);
    return 0;
}

int baton_store_discover(char **path_out, const char *start)
{
    char buf[PATH_MAX];
    if (!realpath(start, buf))
        return baton_error_set(BATON_ENOTFOUND, "%s: %s", start, strerror(errno));
    for (;;) {
        if (is_store(buf)) {
            *path_out = strdup(buf);
            return 0;
        }
        char *slash = strrchr(buf, '/');
        if (!slash || slash == buf)
            break;
        *slash = '\0';
    }
    if (is_store("/")) {
        *path_out = strdup("/");
        return 0;
    }
    return baton_error_set(BATON_ENOTFOUND,
                           "no store found in %s or its parents (use --store PATH or BATON_STORE, or 'baton init')",
                           start);
}

void baton_store_free(baton_store *store)
{
    if (!store)
        return;
    /* a bulk write left unfinished: its entries go with it, as its head does */
    baton_audit_tx_end(store->bulk_tx);
    store->bulk_tx = NULL;
    baton_audit_release(store);
    baton_auth_release(store);
    baton_index_release(store);
    baton_store_writer_free(store);
    git_repository_free(store->repo);
    json_decref(store->meta);
    json_decref(store->staff_cache);
    json_decref(store->record_cache);
    json_decref(store->record_seen);
    json_decref(store->warnings);
    free(store->bulk_oids);
    free(store->path);
    free(store->repo_path);
    free(store->lock_path);
    free(store);
    baton_git_release();
}

const char *baton_store_path(const baton_store *store) { return store->path; }

static const char *meta_string(const baton_store *store, const char *key, const char *dflt)
{
    const char *v = json_string_value(json_object_get(store->meta, key));
    return v ? v : dflt;
}

const char *baton_store_language(const baton_store *store) { return meta_string(store, "language", "en"); }

const char *baton_store_organisation(const baton_store *store) { return meta_string(store, "organisation", ""); }

const char *baton_store_time_zone(const baton_store *store)
{
    const char *z = baton_store_config_string(store, "time_zone");
    return z ? z : baton_zone_default(baton_store_language(store));
}

const char *baton_store_id(const baton_store *store) { return meta_string(store, "store_id", ""); }

const char *baton_store_config_string(const baton_store *store, const char *key)
{
    return json_string_value(json_object_get(json_object_get(store->meta, "config"), key));
}

long baton_store_config_int(const baton_store *store, const char *key, long dflt)
{
    json_t *v = json_object_get(json_object_get(store->meta, "config"), key);
    return json_is_integer(v) ? (long)json_integer_value(v) : dflt;
}

int baton_store_head_oid(baton_store *store, git_oid *out)
{
    if (store->bulk_exclusive) {
        if (!store->bulk_have_head)
            return -1;
        git_oid_cpy(out, &store->bulk_head);
        return 0;
    }
    return git_reference_name_to_id(out, store->repo, "refs/heads/main") < 0 ? -1 : 0;
}

int baton_first_parent_chain(git_repository *repo, const git_oid *from, const git_oid *stop, size_t max, git_oid **out,
                             size_t *n, int *found)
{
    git_oid oid;
    size_t cap = 0;
    git_oid_cpy(&oid, from);
    *out = NULL;
    *n = 0;
    *found = 0;
    while (max == 0 || *n < max) {
        git_commit *c;
        if (stop && git_oid_equal(&oid, stop)) {
            *found = 1;
            break;
        }
        if (git_commit_lookup(&c, repo, &oid) < 0)
            break;
        if (*n == cap) {
            cap = cap ? cap * 2 : 1024;
            git_oid *more = realloc(*out, cap * sizeof **out);
            if (!more) {
                git_commit_free(c);
                free(*out);
                *out = NULL;
                *n = 0;
                return baton_error_set(BATON_ERROR, "out of memory");
            }
            *out = more;
        }
        git_oid_cpy(&(*out)[(*n)++], &oid);
        int parent = git_commit_parentcount(c) > 0;
        if (parent)
            git_oid_cpy(&oid, git_commit_parent_id(c, 0));
        git_commit_free(c);
        if (!parent)
            break;
    }
    return 0;
}

int baton_store_head(baton_store *store, baton_oid_hex out)
{
    git_oid oid;
    if (baton_store_head_oid(store, &oid) < 0)
        return baton_error_set(BATON_ENOTFOUND, "the store has no commits");
    git_oid_tostr(out, 41, &oid);
    return 0;
}

int baton_store_lookup_commit(baton_store *store, const char *rev, git_commit **out)
{
    git_oid oid;
    if (!rev) {
        if (baton_store_head_oid(store, &oid) < 0)
            return baton_error_set(BATON_ENOTFOUND, "the store has no commits");
    } else if (git_oid_fromstr(&oid, rev) < 0) {
        return baton_error_set(BATON_EINVALID, "'%s' is not a full commit id", rev);
    }
    if (git_commit_lookup(out, store->repo, &oid) < 0)
        return baton_error_set(BATON_ENOTFOUND, "no such revision: %s", rev ? rev : "head");
    return 0;
}

int baton_store_resolve(baton_store *store, const char *spec, baton_oid_hex out)
{
    time_t when;
    int date_only;
    git_commit *c = NULL;
    int rc = 0;
    if (strlen(spec) >= 10 && spec[4] == '-' && spec[7] == '-') {
        if (baton_datetime_parse(spec, &when, &date_only))
            return BATON_EINVALID;
        /* Walk the first-parent chain back to the head as it stood then. */
        if ((rc = baton_store_lookup_commit(store, NULL, &c)))
            return rc;
        while (git_commit_time(c) > when) {
            git_commit *parent = NULL;
            if (git_commit_parentcount(c) == 0 || git_commit_parent(&parent, c, 0) < 0) {
                git_commit_free(c);
                return baton_error_set(BATON_ENOTFOUND, "the store did not exist yet at %s", spec);
            }
            git_commit_free(c);
            c = parent;
        }
        git_oid_tostr(out, 41, git_commit_id(c));
        git_commit_free(c);
        return 0;
    }
    git_object *obj = NULL, *peeled = NULL;
    if (git_revparse_single(&obj, store->repo, spec) < 0 || git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
        git_object_free(obj);
        return baton_error_set(BATON_ENOTFOUND, "no such revision: %s", spec);
    }
    git_oid_tostr(out, 41, git_object_id(peeled));
    git_object_free(peeled);
    git_object_free(obj);
    return 0;
}

static int lookup_entry(baton_store *store, const char *rev, const char *path, git_tree_entry **entry)
{
    git_commit *c;
    git_tree *tree;
    int rc = baton_store_lookup_commit(store, rev, &c);
    if (rc)
        return rc;
    if (git_commit_tree(&tree, c) < 0) {
        git_commit_free(c);
        return baton_git_error("cannot read tree");
    }
    int r = git_tree_entry_bypath(entry, tree, path);
    git_tree_free(tree);
    git_commit_free(c);
    if (r == GIT_ENOTFOUND)
        return baton_error_set(BATON_ENOTFOUND, "%s: not found", path);
    return r < 0 ? baton_git_error(path) : 0;
}

int baton_store_entry_id(baton_store *store, const char *rev, const char *path, baton_oid_hex out)
{
    git_tree_entry *e;
    int rc = lookup_entry(store, rev, path, &e);
    if (rc)
        return rc;
    git_oid_tostr(out, 41, git_tree_entry_id(e));
    git_tree_entry_free(e);
    return 0;
}

/* The bytes of the blob id (NUL-terminated); path names it in an error. */
static int read_blob(baton_store *store, const git_oid *id, const char *path, char **buf, size_t *len)
{
    git_blob *blob;
    if (git_blob_lookup(&blob, store->repo, id) < 0)
        return baton_git_error(path);
    size_t n = (size_t)git_blob_rawsize(blob);
    char *data = malloc(n + 1);
    if (data) {
        memcpy(data, git_blob_rawcontent(blob), n);
        data[n] = '\0';
    }
    git_blob_free(blob);
    if (!data)
        return baton_error_set(BATON_ERROR, "out of memory");
    *buf = data;
    if (len)
        *len = n;
    return 0;
}

int baton_store_read_blob(baton_store *store, const baton_oid_hex blob_id, const char *path, char **buf, size_t *len)
{
    git_oid id;
    if (git_oid_fromstr(&id, blob_id) < 0)
        return baton_git_error(path);
    int rc = read_blob(store, &id, path, buf, len);
    if (rc) {
        /* what an outside writer put where a file belongs (a directory) is no file */
        git_object *o;
        if (git_object_lookup(&o, store->repo, &id, GIT_OBJECT_ANY) == 0) {
            int blob = git_object_type(o) == GIT_OBJECT_BLOB;
            git_object_free(o);
            if (!blob)
                return baton_error_set(BATON_ENOTFOUND, "%s: not a file", path);
        }
    }
    return rc;
}

int baton_store_read(baton_store *store, const char *rev, const char *path, char **buf, size_t *len,
                     baton_oid_hex blob_id)
{
    git_tree_entry *e;
    int rc = lookup_entry(store, rev, path, &e);
    if (rc)
        return rc;
    if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
        git_tree_entry_free(e);
        return baton_error_set(BATON_ENOTFOUND, "%s: not a file", path);
    }
    if (blob_id)
        git_oid_tostr(blob_id, 41, git_tree_entry_id(e));
    rc = read_blob(store, git_tree_entry_id(e), path, buf, len);
    git_tree_entry_free(e);
    return rc;
}

/* The tree at path in rev (the root for "" or NULL); *out is NULL when there is no such directory. */
static int dir_tree(baton_store *store, const char *rev, const char *path, git_tree **out)
{
    git_commit *c;
    git_tree *root;
    *out = NULL;
    int rc = baton_store_lookup_commit(store, rev, &c);
    if (rc)
        return rc;
    if (git_commit_tree(&root, c) < 0) {
        git_commit_free(c);
        return baton_git_error("cannot read tree");
    }
    git_commit_free(c);
    if (!path || !*path) {
        *out = root;
        return 0;
    }
    git_tree_entry *e;
    if (git_tree_entry_bypath(&e, root, path) == 0) {
        if (git_tree_entry_type(e) == GIT_OBJECT_TREE && git_tree_lookup(out, store->repo, git_tree_entry_id(e)) < 0)
            *out = NULL;
        git_tree_entry_free(e);
    }
    git_tree_free(root);
    return 0;
}

int baton_store_dir_oid(baton_store *store, const char *path, git_oid *out)
{
    git_tree *tree = NULL;
    int rc = dir_tree(store, NULL, path, &tree);
    if (rc || !tree) {
        baton_error_clear();
        return 0;
    }
    git_oid_cpy(out, git_tree_id(tree));
    git_tree_free(tree);
    return 1;
}

int baton_store_list(baton_store *store, const char *rev, const char *path,
                     int (*cb)(const char *name, int is_dir, void *ctx), void *ctx)
{
    git_tree *tree;
    int rc = dir_tree(store, rev, path, &tree);
    for (size_t i = 0; tree && i < git_tree_entrycount(tree) && rc == 0; i++) {
        const git_tree_entry *e = git_tree_entry_byindex(tree, i);
        rc = cb(git_tree_entry_name(e), git_tree_entry_type(e) == GIT_OBJECT_TREE, ctx);
    }
    git_tree_free(tree);
    return rc;
}

int baton_store_commit_info(baton_store *store, const char *rev, baton_commit_info *out)
{
    git_commit *c;
    int rc = baton_store_lookup_commit(store, rev, &c);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    git_oid_tostr(out->id, 41, git_commit_id(c));
    if (git_commit_parentcount(c) > 0)
        git_oid_tostr(out->parent, 41, git_commit_parent_id(c, 0));
    const git_signature *a = git_commit_author(c);
    snprintf(out->author_name, sizeof out->author_name, "%s", a->name);
    snprintf(out->author_email, sizeof out->author_email, "%s", a->email);
    out->when = (time_t)a->when.time;
    out->message = strdup(git_commit_message(c));
    git_commit_free(c);
    return out->message ? 0 : baton_error_set(BATON_ERROR, "out of memory");
}

void baton_commit_info_clear(baton_commit_info *info)
{
    free(info->message);
    info->message = NULL;
}

int baton_store_read_records(baton_store *store, const char *rev, const char *dir, baton_record_kind kind,
                             const char *version_key, json_t **out)
{
    git_tree *tree;
    *out = NULL;
    int rc = dir_tree(store, rev, dir, &tree);
    json_t *list = json_array();
    /* the blobs are read by the ids the directory lists: no path is looked up again per record */
    for (size_t i = 0; tree && i < git_tree_entrycount(tree) && rc == 0; i++) {
        const git_tree_entry *e = git_tree_entry_byindex(tree, i);
        const char *name = git_tree_entry_name(e);
        size_t n = strlen(name);
        if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || n < 6 || strcmp(name + n - 5, ".json") != 0)
            continue;
        char path[512];
        git_blob *blob;
        json_t *doc;
        snprintf(path, sizeof path, "%s/%s", dir, name);
        if (git_blob_lookup(&blob, store->repo, git_tree_entry_id(e)) < 0) {
            rc = baton_git_error(path);
            break;
        }
        rc = baton_record_from_git(store, rev, path, kind, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
                                   &doc);
        git_blob_free(blob);
        /* a record that breaks the rules is left out, with a warning: the others still count */
        if (rc == BATON_ERECORD) {
            rc = baton_store_skip(store, rc);
            continue;
        }
        if (rc)
            break;
        if (version_key) {
            char blob_hex[41];
            git_oid_tostr(blob_hex, sizeof blob_hex, git_tree_entry_id(e));
            json_object_set_new(doc, version_key, json_string(blob_hex));
        }
        json_array_append_new(list, doc);
    }
    git_tree_free(tree);
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return 0;
}
