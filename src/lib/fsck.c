/* baton fsck. Git guarantees bytes; Baton's rules say what those bytes may be, and git is a peer
 * that anyone with access can commit to. So the check replays the whole first-parent history,
 * oldest first, and holds every commit to what Baton itself would have written:
 *   - each record a commit adds or changes is valid, canonical and where its ids say, and names
 *     only staff the directory held at that commit;
 *   - journal entries and handovers are append-only, and cases, staff and trust records are
 *     never removed;
 *   - the contact person changes only together with a handover to the new one;
 *   - each commit carries Baton's trailers and is authored by the staff member they name.
 * Then: every object reachable from the head reads back intact, the store's files are closed to
 * other users, every change the access log records is still in the history, and the search
 * index equals one built afresh. Every finding names the rule, the path and the commit. */
#include "baton/fsck.h"

#include "baton/audit.h"
#include "baton/case.h"
#include "baton/error.h"
#include "baton/handover.h"
#include "baton/history.h"
#include "baton/index.h"
#include "baton/record.h"
#include "session_internal.h"
#include "store_internal.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef baton_tree_change change;
typedef baton_tree_changes changes;

typedef struct {
    baton_store *store;
    git_repository *repo;
    json_t *findings;
    json_t *staff;   /* id -> staff record, as of the commit being checked (never removed) */
    json_t *claims;  /* Baton-Source trailers, checked against the imports recorded at the end */
    char commit[41]; /* the commit being checked ("" outside the history walk) */
} fsck;

__attribute__((format(printf, 4, 5))) static void finding(fsck *f, const char *rule, const char *path, const char *fmt,
                                                          ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(f->findings, json_pack("{s:s, s:s?, s:s?, s:s}", "rule", rule, "path", path, "commit",
                                                 f->commit[0] ? f->commit : NULL, "message", msg));
}

/* ---- records ---- */

static void case_dir_of(const char *path, char *out, size_t n);

static json_t *read_json(fsck *f, const git_oid *id, git_blob **blob)
{
    json_t *doc = NULL;
    *blob = NULL;
    if (git_blob_lookup(blob, f->repo, id) < 0)
        return NULL;
    baton_record_parse(git_blob_rawcontent(*blob), (size_t)git_blob_rawsize(*blob), "", &doc);
    baton_error_clear();
    return doc;
}

typedef struct {
    fsck *f;
    const char *file;
} refs;

static void check_ref(const char *field, const char *id, void *vctx)
{
    refs *r = vctx;
    if (!json_object_get(r->f->staff, id))
        finding(r->f, "unknown-staff", r->file, "%s: '%s' is not in the staff directory", field, id);
}

/* cases/<xx>/<id>/received/<nnnn>.html|txt: a packet that came with an imported handover, kept
 * byte for byte for its hash (not a record). */
static int is_received_packet(const char *path)
{
    char dir[200];
    case_dir_of(path, dir, sizeof dir);
    size_t n = strlen(dir);
    const char *rest = path + n;
    return n && strncmp(rest, "/received/", 10) == 0 && strlen(rest + 10) >= 8 && strspn(rest + 10, "0123456789") == 4 &&
           (strcmp(rest + 14, ".html") == 0 || strcmp(rest + 14, ".txt") == 0);
}

/* Checks the new content of a record; returns it parsed when it is valid (else NULL). */
static json_t *check_record(fsck *f, const char *path, const git_oid *id)
{
    int kind = baton_record_kind_of(path);
    if (kind < 0 && is_received_packet(path))
        return NULL;
    if (kind < 0) {
        finding(f, "unknown-file", path, "Baton does not write this file");
        return NULL;
    }
    git_blob *blob;
    json_t *doc = NULL;
    if (git_blob_lookup(&blob, f->repo, id) < 0) {
        finding(f, "object", path, "the blob cannot be read");
        return NULL;
    }
    const char *data = git_blob_rawcontent(blob);
    size_t len = (size_t)git_blob_rawsize(blob);
    if (baton_record_check_stored(data, len, path, (baton_record_kind)kind, &doc)) {
        finding(f, "record", path, "%s", baton_error_last());
        baton_error_clear();
        git_blob_free(blob);
        return NULL;
    }
    char *canonical = baton_record_dump(doc);
    if (canonical && (strlen(canonical) != len || memcmp(canonical, data, len) != 0))
        finding(f, "canonical", path, "not in canonical form (UTF-8, sorted keys, two-space indent, final newline)");
    free(canonical);
    git_blob_free(blob);
    refs r = {f, path};
    baton_record_staff_refs(doc, (baton_record_kind)kind, check_ref, &r);
    return doc;
}

/* The read-only fields of a record (its table says which) that differ between two versions. */
static void check_read_only(fsck *f, const char *path, baton_record_kind kind, const json_t *old, const json_t *doc,
                            const char *what)
{
    for (const baton_field *fl = baton_record_spec(kind)->fields; old && doc && fl->name; fl++)
        if ((fl->flags & BATON_FIELD_READONLY) && !json_equal(json_object_get(old, fl->name), json_object_get(doc, fl->name)))
            finding(f, "append-only", path, "%s: %s changed after it was written", what, fl->name);
}

/* "cases/<xx>/<id>" of a path under cases/, into out ("" otherwise). */
static void case_dir_of(const char *path, char *out, size_t n)
{
    out[0] = '\0';
    const char *p = strncmp(path, "cases/", 6) == 0 ? strchr(path + 6, '/') : NULL;
    const char *end = p ? strchr(p + 1, '/') : NULL;
    if (end)
        snprintf(out, n, "%.*s", (int)(end - path), path);
}

static const char *str(const json_t *o, const char *k) { return json_string_value(json_object_get(o, k)); }

/* ---- one commit ---- */

static void check_trailers(fsck *f, git_commit *c, const char *touched_case, int cases_touched)
{
    const char *msg = git_commit_message(c);
    const git_signature *a = git_commit_author(c);
    json_t *tr = baton_message_trailers(msg ? msg : "");
    json_t *seen = json_object();
    size_t i;
    json_t *pair;
    const char *staff = NULL, *case_id = NULL, *source = NULL;
    json_array_foreach(tr, i, pair) {
        const char *key = json_string_value(json_array_get(pair, 0)), *value = json_string_value(json_array_get(pair, 1));
        if (json_object_get(seen, key)) {
            finding(f, "trailer", NULL, "%s appears more than once", key);
            continue;
        }
        json_object_set_new(seen, key, json_true());
        if (strcmp(key, "Baton-Staff") == 0)
            staff = value;
        else if (strcmp(key, "Baton-Case") == 0)
            case_id = value;
        else if (strcmp(key, "Baton-Source") == 0)
            source = value;
        else if (strcmp(key, "Baton-Audit") == 0) {
            char epoch[40], hash[80];
            long long seq;
            if (sscanf(value, "%39s %lld %79s", epoch, &seq, hash) != 3 || strlen(hash) != 64 || seq < 0)
                finding(f, "trailer", NULL, "Baton-Audit is malformed: '%.100s'", value);
        } else
            finding(f, "trailer", NULL, "unknown trailer %.40s", key);
    }
    if (!staff) {
        finding(f, "trailer", NULL, "no Baton-Staff trailer: the commit was not made by Baton");
        int known = 0;
        const char *id;
        json_t *rec;
        json_object_foreach(f->staff, id, rec) known |= str(rec, "email") && strcmp(str(rec, "email"), a->email) == 0;
        if (!known)
            finding(f, "author", NULL, "the author <%.100s> is not in the staff directory", a->email);
    } else if (!json_object_get(f->staff, staff)) {
        finding(f, "author", NULL, "Baton-Staff names '%.40s', who is not in the staff directory", staff);
    } else if (!source) {
        /* an imported version keeps its original author; every other commit is its staff member's */
        const json_t *rec = json_object_get(f->staff, staff);
        if (!str(rec, "email") || strcmp(str(rec, "email"), a->email) != 0 || !str(rec, "name") ||
            strcmp(str(rec, "name"), a->name) != 0)
            finding(f, "author", NULL, "the author (%.100s <%.100s>) is not %s (%.100s <%.100s>), whom Baton-Staff names",
                    a->name, a->email, staff, str(rec, "name") ? str(rec, "name") : "?",
                    str(rec, "email") ? str(rec, "email") : "?");
    }
    if (case_id && cases_touched == 1 && strcmp(case_id, touched_case) != 0)
        finding(f, "trailer", NULL, "Baton-Case names %.40s, but the commit changes case %s", case_id, touched_case);
    if (source) {
        char store_id[80] = "", src_commit[80] = "", signer[80] = "";
        if (sscanf(source, "%79s %79s %79s", store_id, src_commit, signer) != 3 || !case_id)
            finding(f, "trailer", NULL, "Baton-Source is malformed: '%.100s'", source);
        else
            json_array_append_new(f->claims, json_pack("{s:s, s:s, s:s, s:s}", "case", case_id, "store", store_id,
                                                       "signer", signer, "commit", f->commit));
    }
    json_decref(seen);
    json_decref(tr);
}

static int by_staff_first(const void *a, const void *b)
{
    const change *x = a, *y = b;
    int sx = strncmp(x->path, "staff/", 6) == 0, sy = strncmp(y->path, "staff/", 6) == 0;
    return sx != sy ? sy - sx : strcmp(x->path, y->path);
}

static int check_commit(fsck *f, git_commit *c, git_commit *parent)
{
    git_tree *tree = NULL, *ptree = NULL;
    changes ch = {0};
    int rc = 0;
    git_oid_tostr(f->commit, sizeof f->commit, git_commit_id(c));
    if (git_commit_tree(&tree, c) < 0 || (parent && git_commit_tree(&ptree, parent) < 0)) {
        finding(f, "object", NULL, "the commit's tree cannot be read");
        goto out;
    }
    if ((rc = baton_tree_diff(f->repo, ptree, tree, "", &ch)))
        goto out;
    /* the staff a commit adds are known to the records it changes alongside */
    if (ch.n)
        qsort(ch.items, ch.n, sizeof *ch.items, by_staff_first);

    int init = !parent && git_commit_parentcount(c) == 0 && ch.n == 1 && strcmp(ch.items[0].path, "baton.json") == 0;
    json_t *contact_moves = json_object(); /* case dir -> the new contact person */
    json_t *handed_to = json_object();     /* case dir -> {staff: true} of handovers changed here */
    json_t *touched = json_object();       /* case dir -> the case id, for each case the commit changes */
    char dir[200];
    for (size_t i = 0; i < ch.n; i++) {
        change *x = &ch.items[i];
        int kind = baton_record_kind_of(x->path);
        json_t *doc = x->has ? check_record(f, x->path, &x->new_id) : NULL, *old = NULL;
        git_blob *ob = NULL;
        if (x->had && kind >= 0)
            old = read_json(f, &x->old_id, &ob);
        git_blob_free(ob);
        case_dir_of(x->path, dir, sizeof dir);
        if (dir[0])
            json_object_set_new(touched, dir, json_string(strrchr(dir, '/') + 1));
        switch (kind) {
        case BATON_RECORD_STAFF:
            if (!x->has)
                finding(f, "append-only", x->path, "a staff record is never removed (who leaves is marked inactive)");
            else if (doc && str(doc, "id"))
                json_object_set(f->staff, str(doc, "id"), doc);
            check_read_only(f, x->path, BATON_RECORD_STAFF, old, doc, "staff record");
            break;
        case BATON_RECORD_JOURNAL:
            if (x->had)
                finding(f, "append-only", x->path, "journal entry %s after it was written (entries are append-only)",
                        x->has ? "changed" : "removed");
            break;
        case BATON_RECORD_HANDOVER:
            if (!x->has)
                finding(f, "append-only", x->path, "a handover is never removed");
            check_read_only(f, x->path, BATON_RECORD_HANDOVER, old, doc, "handover");
            if (doc && str(json_object_get(doc, "to"), "staff")) {
                json_t *set = json_object_get(handed_to, dir);
                if (!set)
                    json_object_set_new(handed_to, dir, set = json_object());
                json_object_set_new(set, str(json_object_get(doc, "to"), "staff"), json_true());
            }
            break;
        case BATON_RECORD_CASE: {
            if (!x->has)
                finding(f, "append-only", x->path, "a case is never removed");
            check_read_only(f, x->path, BATON_RECORD_CASE, old, doc, "case");
            const char *was = str(json_object_get(old, "contact"), "staff");
            const char *now = str(json_object_get(doc, "contact"), "staff");
            if (was && now && strcmp(was, now) != 0)
                json_object_set_new(contact_moves, dir, json_string(now));
            break;
        }
        case BATON_RECORD_TRUST:
            if (!x->has)
                finding(f, "append-only", x->path, "a trusted sender is never removed (a key is revoked instead)");
            else if (old && json_object_get(old, "revoked") && !json_equal(old, doc))
                finding(f, "append-only", x->path, "a revoked key was changed after its revocation (it is never "
                                                   "trusted again)");
            check_read_only(f, x->path, BATON_RECORD_TRUST, old, doc, "trusted sender");
            break;
        case BATON_RECORD_ERASURE:
            if (!x->has)
                finding(f, "append-only", x->path, "an erasure record is never removed");
            else if (old && !json_equal(old, doc))
                finding(f, "append-only", x->path, "an erasure record is never changed");
            else if (doc && baton_erasure_verify(doc)) {
                finding(f, "record", x->path, "%s", baton_error_last());
                baton_error_clear();
            }
            break;
        case BATON_RECORD_STORE:
            if (!x->has)
                finding(f, "record", x->path, "the store's metadata was removed");
            break;
        default:
            if (x->had && is_received_packet(x->path))
                finding(f, "append-only", x->path, "a received packet %s after it was kept",
                        x->has ? "changed" : "removed");
            break;
        }
        json_decref(doc);
        json_decref(old);
    }
    char source[200] = "";
    baton_message_trailer(git_commit_message(c) ? git_commit_message(c) : "", "Baton-Source", source, sizeof source);
    const char *d;
    json_t *to;
    json_object_foreach(contact_moves, d, to) {
        /* an imported version replays a change the sender's own handover made */
        if (source[0] || json_object_get(json_object_get(handed_to, d), json_string_value(to)))
            continue;
        char path[256];
        snprintf(path, sizeof path, "%s/case.json", d);
        finding(f, "contact-handover", path,
                "the contact person became '%.40s' without a handover to them in the same commit", json_string_value(to));
    }
    json_decref(contact_moves);
    json_decref(handed_to);
    if (git_commit_parentcount(c) > 1)
        finding(f, "merge", NULL, "a merge commit: Baton never writes one (history merged in with plain git)");
    if (!init) {
        void *it = json_object_iter(touched);
        check_trailers(f, c, it ? json_string_value(json_object_iter_value(it)) : "", (int)json_object_size(touched));
    }
    json_decref(touched);
out:
    baton_tree_changes_free(&ch);
    git_tree_free(tree);
    git_tree_free(ptree);
    return rc;
}

/* Each Baton-Source trailer must belong to an import the case records: a handover here whose
 * source names that store and signer. */
static void check_claims(fsck *f)
{
    size_t i;
    json_t *claim;
    json_array_foreach(f->claims, i, claim) {
        char dir[200];
        json_t *list = NULL;
        int found = 0;
        baton_handover_dir(str(claim, "case"), dir, sizeof dir);
        if (baton_store_read_records(f->store, NULL, dir, BATON_RECORD_HANDOVER, NULL, &list) == 0) {
            size_t k;
            json_t *h;
            json_array_foreach(list, k, h) {
                const json_t *s = json_object_get(h, "source");
                found |= s && str(s, "store_id") && str(s, "signer") && strcmp(str(s, "store_id"), str(claim, "store")) == 0 &&
                         strcmp(str(s, "signer"), str(claim, "signer")) == 0;
            }
        }
        baton_error_clear();
        json_decref(list);
        if (!found) {
            snprintf(f->commit, sizeof f->commit, "%s", str(claim, "commit"));
            finding(f, "trailer", NULL, "Baton-Source names an import of case %s that no handover of the case records",
                    str(claim, "case"));
        }
    }
    f->commit[0] = '\0';
}

/* ---- objects: every object reachable from the head reads back and hashes to its id ---- */

/* Whether the object id reads and its content hashes to id: checked here, as reads elsewhere skip
 * the hash (store.c turns libgit2's check off once, for the whole process). */
static int object_intact(git_odb *odb, const git_oid *id)
{
    git_odb_object *obj;
    git_oid got;
    if (git_odb_read(&obj, odb, id) < 0)
        return 0;
    int ok = git_odb_hash(&got, git_odb_object_data(obj), git_odb_object_size(obj), git_odb_object_type(obj)) == 0 &&
             git_oid_equal(&got, id);
    git_odb_object_free(obj);
    return ok;
}

static int check_tree_objects(fsck *f, const git_oid *id, json_t *seen, git_odb *odb)
{
    char hex[41];
    git_oid_tostr(hex, sizeof hex, id);
    if (json_object_get(seen, hex))
        return 0;
    json_object_set_new(seen, hex, json_true());
    git_tree *t;
    if (!object_intact(odb, id) || git_tree_lookup(&t, f->repo, id) < 0) {
        finding(f, "object", NULL, "tree %s is missing or damaged", hex);
        return 0;
    }
    for (size_t i = 0; i < git_tree_entrycount(t); i++) {
        const git_tree_entry *e = git_tree_entry_byindex(t, i);
        if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
            check_tree_objects(f, git_tree_entry_id(e), seen, odb);
            continue;
        }
        git_oid_tostr(hex, sizeof hex, git_tree_entry_id(e));
        if (json_object_get(seen, hex))
            continue;
        json_object_set_new(seen, hex, json_true());
        if (!object_intact(odb, git_tree_entry_id(e)))
            finding(f, "object", git_tree_entry_name(e), "object %s is missing or damaged", hex);
    }
    git_tree_free(t);
    return 0;
}

/* Reads every object; commits receives the id of every commit reachable from the head. */
static int check_objects(fsck *f, json_t *commits)
{
    git_oid oid;
    git_revwalk *walk;
    git_odb *odb;
    if (baton_store_head_oid(f->store, &oid) < 0) {
        finding(f, "object", NULL, "refs/heads/main is missing");
        return 0;
    }
    if (git_repository_odb(&odb, f->repo) < 0)
        return baton_git_error("git");
    if (git_revwalk_new(&walk, f->repo) < 0 || git_revwalk_push(walk, &oid) < 0) {
        git_odb_free(odb);
        return baton_git_error("git: walk history");
    }
    json_t *seen = json_object();
    while (git_revwalk_next(&oid, walk) == 0) {
        char hex[41];
        git_commit *c;
        git_oid_tostr(hex, sizeof hex, &oid);
        json_object_set_new(commits, hex, json_true());
        if (!object_intact(odb, &oid) || git_commit_lookup(&c, f->repo, &oid) < 0) {
            finding(f, "object", NULL, "commit %s is missing or damaged", hex);
            continue;
        }
        check_tree_objects(f, git_commit_tree_id(c), seen, odb);
        git_commit_free(c);
    }
    git_revwalk_free(walk);
    git_odb_free(odb);
    json_decref(seen);
    return 0;
}

/* ---- the files around the repository ---- */

static void check_mode(fsck *f, const char *path, const char *name)
{
    struct stat st;
    if (lstat(path, &st) == 0 && (st.st_mode & 077))
        finding(f, "permissions", name, "open to other users (mode %04o; want %s)", (unsigned)(st.st_mode & 07777),
                S_ISDIR(st.st_mode) ? "0700" : "0600");
}

static void check_permissions(fsck *f)
{
    const char *root = baton_store_path(f->store);
    char path[4200];
    check_mode(f, root, ".");
    DIR *d = opendir(root);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", root, e->d_name);
        check_mode(f, path, e->d_name);
        if (strcmp(e->d_name, "keys") == 0) {
            DIR *k = opendir(path);
            struct dirent *ke;
            char kpath[4500], kname[300];
            while (k && (ke = readdir(k))) {
                if (ke->d_name[0] == '.')
                    continue;
                snprintf(kpath, sizeof kpath, "%s/%s", path, ke->d_name);
                snprintf(kname, sizeof kname, "keys/%s", ke->d_name);
                check_mode(f, kpath, kname);
            }
            if (k)
                closedir(k);
        }
    }
    if (d)
        closedir(d);
}

static void check_audit(fsck *f, const json_t *commits)
{
    char path[4200];
    struct stat st;
    json_t *list;
    snprintf(path, sizeof path, "%s/audit.db", baton_store_path(f->store));
    if (stat(path, &st) != 0)
        return;
    /* the log itself: the file, its chain, and the chain against its anchors in git */
    if (baton_audit_check(f->store, NULL)) {
        finding(f, "audit", "audit.db", "%s", baton_error_last());
        baton_error_clear();
    }
    if (baton_audit_commits(f->store, &list)) {
        finding(f, "audit-commit", "audit.db", "%s", baton_error_last());
        baton_error_clear();
        return;
    }
    size_t i;
    json_t *x;
    json_array_foreach(list, i, x) {
        if (json_object_get(commits, str(x, "commit")))
            continue;
        snprintf(f->commit, sizeof f->commit, "%s", str(x, "commit"));
        finding(f, "audit-commit", "audit.db",
                "access-log entry %lld records a change in a commit that is no longer in the history (rewritten?)",
                (long long)json_integer_value(json_object_get(x, "seq")));
    }
    f->commit[0] = '\0';
    json_decref(list);
}

int baton_fsck(baton_session *s, json_t **findings)
{
    baton_store *store = s->store;
    *findings = NULL;
    int arc = baton_access_check(s, BATON_ACCESS_ADMIN, NULL, NULL);
    if (arc)
        return arc;
    fsck f = {store, store->repo, json_array(), json_object(), json_array(), ""};
    json_t *commits = json_object();
    git_oid *chain = NULL;
    size_t n = 0;
    int found;
    int rc = check_objects(&f, commits);

    /* the first-parent chain, replayed oldest first */
    git_oid oid;
    if (rc == 0 && baton_store_head_oid(store, &oid) == 0)
        rc = baton_first_parent_chain(store->repo, &oid, NULL, 0, &chain, &n, &found);
    for (size_t i = n; rc == 0 && i-- > 0;) {
        git_commit *c = NULL, *parent = NULL;
        if (git_commit_lookup(&c, store->repo, &chain[i]) < 0)
            continue; /* reported by check_objects */
        if (git_commit_parentcount(c) > 0 && git_commit_parent(&parent, c, 0) < 0) {
            git_commit_free(c);
            continue;
        }
        rc = check_commit(&f, c, parent);
        git_commit_free(parent);
        git_commit_free(c);
    }
    f.commit[0] = '\0';
    if (rc == 0) {
        check_claims(&f);
        check_permissions(&f);
        check_audit(&f, commits);
        if (baton_index_verify(store)) {
            const char *msg = baton_error_last();
            finding(&f, "index", "index.db", "%s", strncmp(msg, "index: ", 7) == 0 ? msg + 7 : msg);
            baton_error_clear();
        }
    }
    free(chain);
    json_decref(commits);
    json_decref(f.staff);
    json_decref(f.claims);
    if (rc) {
        json_decref(f.findings);
        *findings = NULL;
        return rc;
    }
    *findings = f.findings;
    return 0;
}
