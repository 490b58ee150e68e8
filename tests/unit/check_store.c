/* The store's write path: one commit per change, compare-and-swap with retry, conflicts that
 * name both versions, and a save whose cost does not grow with the number of cases. */
#include "unit.h"

#include <baton/case.h>
#include <baton/error.h>
#include <baton/store.h>

#include <dirent.h>
#include <git2.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dir;
static baton_store *store;
static char store_path[512];

static void setup(void)
{
    dir = unit_tmpdir();
    snprintf(store_path, sizeof store_path, "%s/s", dir);
    baton_init_options o = {"sv", "Provkommun"};
    ck_assert_int_eq(baton_store_init(store_path, &o), 0);
    ck_assert_int_eq(baton_store_open(&store, store_path), 0);
}

static void teardown(void)
{
    baton_store_free(store);
    unit_rmdir(dir);
    free(dir);
}

static int put(const char *path, const char *data, const char *expect, baton_oid_hex out)
{
    baton_change ch = {path, data, strlen(data), expect, path};
    baton_commit_options co = {"Test Person", "test@example.invalid", "test: write\n", 0};
    return baton_store_commit(store, &ch, 1, &co, out);
}

START_TEST(init_and_open)
{
    ck_assert_str_eq(baton_store_language(store), "sv");
    ck_assert_str_eq(baton_store_organisation(store), "Provkommun");
    baton_oid_hex head;
    ck_assert_int_eq(baton_store_head(store, head), 0);
    ck_assert_int_eq(baton_store_init(store_path, NULL), BATON_EEXISTS);
    baton_store *none;
    char missing[600];
    snprintf(missing, sizeof missing, "%s/missing", dir);
    ck_assert_int_eq(baton_store_open(&none, missing), BATON_ENOTFOUND);
}
END_TEST

START_TEST(commit_then_read_at_any_revision)
{
    baton_oid_hex c1, c2, blob;
    ck_assert_int_eq(put("notes/a.txt", "one\n", "", c1), 0);
    ck_assert_int_eq(put("notes/a.txt", "two\n", NULL, c2), 0);
    char *buf;
    size_t len;
    ck_assert_int_eq(baton_store_read(store, c1, "notes/a.txt", &buf, &len, blob), 0);
    ck_assert_str_eq(buf, "one\n");
    free(buf);
    ck_assert_int_eq(baton_store_read(store, NULL, "notes/a.txt", &buf, &len, NULL), 0);
    ck_assert_str_eq(buf, "two\n");
    free(buf);
    ck_assert_int_eq(baton_store_read(store, NULL, "notes/none.txt", &buf, &len, NULL), BATON_ENOTFOUND);
    baton_commit_info info;
    ck_assert_int_eq(baton_store_commit_info(store, c2, &info), 0);
    ck_assert_str_eq(info.parent, c1);
    ck_assert_str_eq(info.author_name, "Test Person");
    baton_commit_info_clear(&info);
}
END_TEST

START_TEST(conflict_names_both_versions_and_writes_nothing)
{
    baton_oid_hex c, v1, v2, head_before, head_after;
    ck_assert_int_eq(put("cases/aa/x/case.json", "v1\n", "", c), 0);
    ck_assert_int_eq(baton_store_entry_id(store, NULL, "cases/aa/x/case.json", v1), 0);
    /* first edit based on v1: fine */
    ck_assert_int_eq(put("cases/aa/x/case.json", "v2\n", v1, c), 0);
    ck_assert_int_eq(baton_store_entry_id(store, NULL, "cases/aa/x/case.json", v2), 0);
    /* second edit also based on v1: refused */
    baton_store_head(store, head_before);
    ck_assert_int_eq(put("cases/aa/x/case.json", "v3\n", v1, c), BATON_ECONFLICT);
    char want1[40], want2[40];
    snprintf(want1, sizeof want1, "version %.12s", v1);
    snprintf(want2, sizeof want2, "version %.12s", v2);
    ck_assert_ptr_nonnull(strstr(baton_error_last(), want1));
    ck_assert_ptr_nonnull(strstr(baton_error_last(), want2));
    baton_store_head(store, head_after);
    ck_assert_str_eq(head_before, head_after);
    /* a file that must be new */
    ck_assert_int_eq(put("cases/aa/x/case.json", "v4\n", "", c), BATON_ECONFLICT);
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "already exists"));
}
END_TEST

START_TEST(moved_head_is_rebuilt_not_refused)
{
    baton_oid_hex c, va, base;
    ck_assert_int_eq(put("cases/01/a/case.json", "a1\n", "", c), 0);
    ck_assert_int_eq(baton_store_entry_id(store, NULL, "cases/01/a/case.json", va), 0);
    baton_store_head(store, base);
    /* someone else changes another case after our read */
    ck_assert_int_eq(put("cases/02/b/case.json", "b1\n", "", c), 0);
    /* our edit of case a, based on what we read, still goes in, on top of theirs */
    ck_assert_int_eq(put("cases/01/a/case.json", "a2\n", va, c), 0);
    char *buf;
    ck_assert_int_eq(baton_store_read(store, NULL, "cases/02/b/case.json", &buf, NULL, NULL), 0);
    ck_assert_str_eq(buf, "b1\n");
    free(buf);
    ck_assert_int_eq(baton_store_read(store, NULL, "cases/01/a/case.json", &buf, NULL, NULL), 0);
    ck_assert_str_eq(buf, "a2\n");
    free(buf);
}
END_TEST

START_TEST(stale_ref_lock_does_not_block)
{
    char lock[700];
    snprintf(lock, sizeof lock, "%s/repo.git/refs/heads/main.lock", store_path);
    int fd = open(lock, O_CREAT | O_WRONLY, 0644);
    ck_assert_int_ge(fd, 0);
    close(fd);
    baton_oid_hex c;
    ck_assert_int_eq(put("x.txt", "x\n", NULL, c), 0);
    ck_assert_int_ne(access(lock, F_OK), 0);
}
END_TEST

static int count_one(const git_oid *id, void *n)
{
    (void)id;
    ++*(long *)n;
    return 0;
}

/* Every object the store holds, in packs or loose (a fresh look, not the store handle's). */
static long count_objects(void)
{
    char path[700];
    long n = 0;
    git_odb *odb;
    snprintf(path, sizeof path, "%s/repo.git/objects", store_path);
    ck_assert_int_eq(git_odb_open(&odb, path), 0);
    ck_assert_int_eq(git_odb_foreach(odb, count_one, &n), 0);
    git_odb_free(odb);
    return n;
}

/* Adds cases up to `total` in one commit, then measures the objects one more save adds. */
static long objects_per_save(int total)
{
    baton_change *ch = calloc((size_t)total, sizeof *ch);
    char (*paths)[128] = calloc((size_t)total, sizeof *paths);
    char (*ids)[32] = calloc((size_t)total, sizeof *ids);
    for (int i = 0; i < total; i++) {
        snprintf(ids[i], sizeof ids[i], "case%05d", i);
        baton_case_path(ids[i], paths[i], sizeof paths[i]);
        ch[i] = (baton_change){paths[i], ids[i], strlen(ids[i]), NULL, NULL};
    }
    baton_commit_options co = {"Test Person", "test@example.invalid", "bulk\n", 0};
    baton_oid_hex c;
    ck_assert_int_eq(baton_store_commit(store, ch, (size_t)total, &co, c), 0);
    long before = count_objects();
    ck_assert_int_eq(put(paths[total / 2], "{\"changed\": true}\n", NULL, c), 0);
    long added = count_objects() - before;
    free(ch);
    free(paths);
    free(ids);
    return added;
}

START_TEST(save_cost_does_not_grow_with_cases)
{
    long at10 = objects_per_save(10);
    teardown();
    setup();
    long at2000 = objects_per_save(2000);
    /* blob + trees (root, cases, <xx>, <id>) + commit */
    ck_assert_int_eq(at10, 6);
    ck_assert_int_eq(at2000, 6);
}
END_TEST

/* The .pack files of the store, as one string of names (each followed by a newline). */
static void pack_names(char *out, size_t n)
{
    char path[700];
    snprintf(path, sizeof path, "%s/repo.git/objects/pack", store_path);
    DIR *d = opendir(path);
    ck_assert_ptr_nonnull(d);
    size_t used = 0;
    out[0] = '\0';
    for (struct dirent *e; (e = readdir(d));)
        if (strstr(e->d_name, ".pack") && used + strlen(e->d_name) + 2 < n)
            used += (size_t)snprintf(out + used, n - used, "%s\n", e->d_name);
    closedir(d);
}

/* Removes the pack (and its index) that is in after but not in before: the one a save wrote. */
static void remove_new_pack(const char *before, const char *after)
{
    int removed = 0;
    for (const char *p = after; *p;) {
        const char *nl = strchr(p, '\n');
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(nl - p), p);
        if (!strstr(before, name)) {
            char path[1000];
            snprintf(path, sizeof path, "%s/repo.git/objects/pack/%s", store_path, name);
            ck_assert_int_eq(unlink(path), 0);
            strcpy(strstr(path, ".pack"), ".idx");
            ck_assert_int_eq(unlink(path), 0);
            removed++;
        }
        p = nl + 1;
    }
    ck_assert_int_eq(removed, 1);
}

/* A save's objects are kept in memory for the process's other handles to read (recent.c), but a
 * save never counts on them being on disk, and a prune (a new <store>/pruned) drops them. */
START_TEST(recent_objects_serve_reads_never_writes)
{
    baton_oid_hex c1, c2, c3;
    baton_store *other, *fresh;
    char before[4096], after[4096], *buf, tmp[700], stamp[700];
    size_t len;
    ck_assert_int_eq(baton_store_open(&other, store_path), 0);
    pack_names(before, sizeof before);
    ck_assert_int_eq(put("notes/a.txt", "recent text\n", "", c1), 0);
    pack_names(after, sizeof after);
    /* the save's pack is gone: only the kept objects can answer */
    remove_new_pack(before, after);
    ck_assert_int_eq(baton_store_read(other, c1, "notes/a.txt", &buf, &len, NULL), 0);
    ck_assert_str_eq(buf, "recent text\n");
    free(buf);
    /* the same text saved again is on disk again, in the new save's own pack */
    ck_assert_int_eq(put("notes/b.txt", "recent text\n", "", c2), 0);
    /* an erasure's prune elsewhere: the next save finds <store>/pruned new and drops them all */
    snprintf(stamp, sizeof stamp, "%s/pruned", store_path);
    snprintf(tmp, sizeof tmp, "%s/pruned.tmp", store_path);
    FILE *f = fopen(tmp, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_eq(rename(tmp, stamp), 0);
    ck_assert_int_eq(put("notes/c.txt", "later\n", "", c3), 0);
    ck_assert_int_eq(baton_store_open(&fresh, store_path), 0);
    ck_assert_int_ne(baton_store_read(fresh, c1, "notes/a.txt", &buf, &len, NULL), 0);
    ck_assert_int_eq(baton_store_read(fresh, c2, "notes/b.txt", &buf, &len, NULL), 0);
    ck_assert_str_eq(buf, "recent text\n");
    free(buf);
    baton_store_free(fresh);
    baton_store_free(other);
}
END_TEST

START_TEST(fanout_spreads_cases)
{
    int used[256] = {0}, buckets = 0;
    for (int i = 0; i < 2000; i++) {
        char id[32], path[128];
        snprintf(id, sizeof id, "case%05d", i);
        baton_case_path(id, path, sizeof path);
        unsigned b;
        ck_assert_int_eq(sscanf(path, "cases/%2x/", &b), 1);
        buckets += used[b]++ == 0;
    }
    ck_assert_int_ge(buckets, 250); /* nearly every one of the 256 directories is used */
    for (int b = 0; b < 256; b++)
        ck_assert_int_lt(used[b], 30); /* and no tree grows past a few dozen entries here */
}
END_TEST

START_TEST(resolve_dates_and_revisions)
{
    baton_oid_hex head, r;
    baton_store_head(store, head);
    ck_assert_int_eq(baton_store_resolve(store, "main", r), 0);
    ck_assert_str_eq(r, head);
    ck_assert_int_eq(baton_store_resolve(store, "2999-01-01", r), 0);
    ck_assert_str_eq(r, head);
    ck_assert_int_eq(baton_store_resolve(store, "1999-01-01", r), BATON_ENOTFOUND);
    ck_assert_int_eq(baton_store_resolve(store, "no-such-rev", r), BATON_ENOTFOUND);
    ck_assert_int_eq(baton_store_resolve(store, "2026-02-30", r), BATON_EINVALID);
}
END_TEST

Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, init_and_open);
    tcase_add_test(tc, commit_then_read_at_any_revision);
    tcase_add_test(tc, conflict_names_both_versions_and_writes_nothing);
    tcase_add_test(tc, moved_head_is_rebuilt_not_refused);
    tcase_add_test(tc, stale_ref_lock_does_not_block);
    tcase_add_test(tc, save_cost_does_not_grow_with_cases);
    tcase_add_test(tc, recent_objects_serve_reads_never_writes);
    tcase_add_test(tc, fanout_spreads_cases);
    tcase_add_test(tc, resolve_dates_and_revisions);
    suite_add_tcase(s, tc);
    return s;
}
