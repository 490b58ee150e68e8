/* Local passwords: argon2id in auth.db, set by the person or a coordinator, checked with one
 * answer for every way a login can fail, and refused as a whole when the password is too weak. */
#include "unit.h"

#include <baton/baton.h>
#include <pthread.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

static char *dir;
static baton_store *store;
static baton_session *koord, *anna;

static void setup(void)
{
    dir = unit_tmpdir();
    unit_store_with_staff(dir, &store, &koord);
    anna = unit_session(store, "anna");
}

static void teardown(void)
{
    baton_session_free(anna);
    baton_session_free(koord);
    baton_store_free(store);
    unit_rmdir(dir);
    free(dir);
}

START_TEST(set_and_check)
{
    const char *right = "korrekt hest batteri";
    ck_assert_int_eq(baton_auth_password_set(koord, "anna", right), 0);
    ck_assert_int_eq(baton_auth_password_check(store, "anna", right), 0);
    /* every failure the same answer: wrong, unknown, none set */
    ck_assert_int_eq(baton_auth_password_check(store, "anna", "korrekt hest batterI"), BATON_EDENIED);
    char wrong[256];
    snprintf(wrong, sizeof wrong, "%s", baton_error_last());
    ck_assert_int_eq(baton_auth_password_check(store, "ghost", right), BATON_EDENIED);
    ck_assert_str_eq(baton_error_last(), wrong);
    ck_assert_int_eq(baton_auth_password_check(store, "bo", right), BATON_EDENIED);
    ck_assert_str_eq(baton_error_last(), wrong);
    ck_assert_int_eq(baton_auth_password_check(store, "anna", NULL), BATON_EDENIED);
    /* auth.db is the owner's alone, holds the argon2id string and not the password */
    char path[600];
    snprintf(path, sizeof path, "%s/s/auth.db", dir);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    FILE *f = fopen(path, "rb");
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    ck_assert_ptr_nonnull(memmem(buf, n, "$argon2id$", 10));
    ck_assert_ptr_null(memmem(buf, n, right, strlen(right)));
    free(buf);
}
END_TEST

START_TEST(who_may_set)
{
    /* one's own, yes; someone else's, only as a coordinator */
    ck_assert_int_eq(baton_auth_password_set(anna, "anna", "annas eget kodeord"), 0);
    ck_assert_int_eq(baton_auth_password_set(anna, "bo", "bos kodeord fra anna"), BATON_EDENIED);
    ck_assert_int_eq(baton_auth_password_check(store, "bo", "bos kodeord fra anna"), BATON_EDENIED);
    ck_assert_int_eq(baton_auth_password_set(koord, "ghost", "et kodeord til ingen"), BATON_ENOTFOUND);
}
END_TEST

START_TEST(weak_or_odd_passwords_change_nothing)
{
    const char *right = "korrekt hest batteri";
    ck_assert_int_eq(baton_auth_password_set(koord, "anna", right), 0);
    const char *bad[] = {"", "elleve tegn", "tab\there is odd", "\xff\xfe not UTF-8 at all"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        ck_assert_int_eq(baton_auth_password_set(koord, "anna", bad[i]), BATON_EINVALID);
        ck_assert_ptr_nonnull(strstr(baton_error_last(), "password: "));
        ck_assert_int_eq(baton_auth_password_check(store, "anna", right), 0); /* still the old one */
    }
    /* twelve characters, not twelve bytes: "æøåæøåæøåæø" is 11 characters in 22 bytes */
    ck_assert_int_eq(baton_auth_password_set(koord, "anna", "æøåæøåæøåæø"), BATON_EINVALID);
    ck_assert_int_eq(baton_auth_password_set(koord, "anna", "æøåæøåæøåæøå"), 0);
    char *huge = malloc(1100);
    memset(huge, 'a', 1099);
    huge[1099] = '\0';
    ck_assert_int_eq(baton_auth_password_set(koord, "anna", huge), BATON_EINVALID);
    ck_assert_int_eq(baton_auth_password_check(store, "anna", huge), BATON_EDENIED);
    free(huge);
}
END_TEST

START_TEST(someone_who_leaves_can_no_longer_log_in)
{
    const char *right = "korrekt hest batteri";
    ck_assert_int_eq(baton_auth_password_set(koord, "bo", right), 0);
    ck_assert_int_eq(baton_auth_password_check(store, "bo", right), 0);
    json_t *blocking = NULL;
    baton_oid_hex commit;
    ck_assert_int_eq(baton_staff_leave(koord, "bo", "moved on", &blocking, commit), 0);
    json_decref(blocking);
    ck_assert_int_eq(baton_auth_password_check(store, "bo", right), BATON_EDENIED);
    ck_assert_int_eq(baton_auth_password_set(koord, "bo", right), BATON_EINVALID);
}
END_TEST

START_TEST(login_session_logout)
{
    const char *right = "korrekt hest batteri";
    char token[BATON_TOKEN_CHARS + 1], other[BATON_TOKEN_CHARS + 1], who[64];
    ck_assert_int_eq(baton_auth_password_set(koord, "anna", right), 0);
    baton_clock_set(1800000000);
    ck_assert_int_eq(baton_auth_login(store, "anna", right, "10.0.0.1", token), 0);
    ck_assert_int_eq(strlen(token), BATON_TOKEN_CHARS);
    ck_assert_int_eq(baton_auth_login(store, "anna", right, "10.0.0.1", other), 0);
    ck_assert_str_ne(token, other); /* a new token for every login */
    ck_assert_int_eq(baton_auth_session(store, token, who), 0);
    ck_assert_str_eq(who, "anna");
    ck_assert_int_eq(baton_auth_session(store, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", who), BATON_EDENIED);
    ck_assert_str_eq(who, "");
    ck_assert_int_eq(baton_auth_session(store, "short", who), BATON_EDENIED);
    /* the token is stored hashed: auth.db does not hold it */
    char path[600];
    snprintf(path, sizeof path, "%s/s/auth.db", dir);
    FILE *f = fopen(path, "rb");
    char *buf = calloc(1, 1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    ck_assert_ptr_null(memmem(buf, n, token, strlen(token)));
    free(buf);
    /* idle: 29 minutes apart is fine, each use moves the idle clock; 31 minutes unused ends it */
    baton_clock_set(1800000000 + 29 * 60);
    ck_assert_int_eq(baton_auth_session(store, token, who), 0);
    baton_clock_set(1800000000 + 58 * 60);
    ck_assert_int_eq(baton_auth_session(store, token, who), 0);
    baton_clock_set(1800000000 + 89 * 60);
    ck_assert_int_eq(baton_auth_session(store, token, who), BATON_EDENIED);
    ck_assert_int_eq(baton_auth_session(store, token, who), BATON_EDENIED); /* and it stays ended */
    /* absolute: used every 20 minutes, still ended 10 hours after it began */
    ck_assert_int_eq(baton_auth_login(store, "anna", right, NULL, token), 0);
    int64_t start = 1800000000 + 89 * 60;
    for (int m = 20; m < 600; m += 20) {
        baton_clock_set((time_t)(start + m * 60));
        ck_assert_int_eq(baton_auth_session(store, token, who), 0);
    }
    baton_clock_set((time_t)(start + 600 * 60));
    ck_assert_int_eq(baton_auth_session(store, token, who), BATON_EDENIED);
    /* logout ends it at once */
    ck_assert_int_eq(baton_auth_login(store, "anna", right, NULL, token), 0);
    ck_assert_int_eq(baton_auth_logout(store, token), 0);
    ck_assert_int_eq(baton_auth_session(store, token, who), BATON_EDENIED);
    /* someone who leaves is logged out */
    ck_assert_int_eq(baton_auth_password_set(koord, "bo", right), 0);
    ck_assert_int_eq(baton_auth_login(store, "bo", right, NULL, token), 0);
    json_t *blocking = NULL;
    baton_oid_hex commit;
    ck_assert_int_eq(baton_staff_leave(koord, "bo", "moved on", &blocking, commit), 0);
    json_decref(blocking);
    ck_assert_int_eq(baton_auth_session(store, token, who), BATON_EDENIED);
    baton_clock_set(0);
}
END_TEST

START_TEST(failed_logins_are_throttled)
{
    const char *right = "korrekt hest batteri";
    char token[BATON_TOKEN_CHARS + 1];
    ck_assert_int_eq(baton_auth_password_set(koord, "anna", right), 0);
    ck_assert_int_eq(baton_auth_password_set(koord, "bo", right), 0);
    baton_clock_set(1800000000);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(baton_auth_login(store, "anna", "forkert kodeord her", "10.0.0.2", token), BATON_EDENIED);
    /* the account is held: even the right password waits, and says for how long */
    ck_assert_int_eq(baton_auth_login(store, "anna", right, "10.0.0.3", token), BATON_EBUSY);
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "try again in 15 min"));
    ck_assert_str_eq(token, "");
    /* another account from another address is not */
    ck_assert_int_eq(baton_auth_login(store, "bo", right, "10.0.0.4", token), 0);
    /* 15 minutes after the first failure, the right password works, and clears the count */
    baton_clock_set(1800000000 + 15 * 60 + 1);
    ck_assert_int_eq(baton_auth_login(store, "anna", right, "10.0.0.3", token), 0);
    /* one address guessing at many accounts is held after 20 failures */
    for (int i = 0; i < 20; i++) {
        char guess[32];
        snprintf(guess, sizeof guess, "guess%d", i);
        ck_assert_int_eq(baton_auth_login(store, guess, "gæt gæt gæt gæt", "10.9.9.9", token), BATON_EDENIED);
    }
    ck_assert_int_eq(baton_auth_login(store, "bo", right, "10.9.9.9", token), BATON_EBUSY);
    ck_assert_int_eq(baton_auth_login(store, "bo", right, "10.0.0.5", token), 0);
    baton_clock_set(0);
}
END_TEST

/* A form's anti-forgery token is tied to one login and to this store's key. */
START_TEST(forms_carry_a_token_of_their_login)
{
    const char *right = "korrekt hest batteri";
    char a[BATON_TOKEN_CHARS + 1], b[BATON_TOKEN_CHARS + 1], ca[BATON_TOKEN_CHARS + 1], cb[BATON_TOKEN_CHARS + 1],
        again[BATON_TOKEN_CHARS + 1];
    ck_assert_int_eq(baton_auth_password_set(koord, "anna", right), 0);
    ck_assert_int_eq(baton_auth_login(store, "anna", right, NULL, a), 0);
    ck_assert_int_eq(baton_auth_login(store, "anna", right, NULL, b), 0);
    ck_assert_int_eq(baton_auth_csrf(store, a, ca), 0);
    ck_assert_int_eq(baton_auth_csrf(store, b, cb), 0);
    ck_assert_int_eq(strlen(ca), BATON_TOKEN_CHARS);
    ck_assert_str_ne(ca, cb);
    ck_assert_str_ne(ca, a);
    ck_assert_int_eq(baton_auth_csrf_check(store, a, ca), 0);
    ck_assert_int_eq(baton_auth_csrf_check(store, a, cb), BATON_EDENIED); /* another login's */
    ck_assert_ptr_nonnull(strstr(baton_error_last(), "load it again"));
    ck_assert_int_eq(baton_auth_csrf_check(store, a, NULL), BATON_EDENIED);
    ck_assert_int_eq(baton_auth_csrf_check(store, a, ""), BATON_EDENIED);
    char tampered[BATON_TOKEN_CHARS + 1];
    memcpy(tampered, ca, sizeof tampered);
    tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(baton_auth_csrf_check(store, a, tampered), BATON_EDENIED);
    ck_assert_int_eq(baton_auth_csrf(store, "short", again), BATON_EDENIED);
    /* the key is the store's, kept: another handle on the store makes the same token */
    baton_store *other;
    char path[600];
    snprintf(path, sizeof path, "%s/s", dir);
    ck_assert_int_eq(baton_store_open(&other, path), 0);
    ck_assert_int_eq(baton_auth_csrf(other, a, again), 0);
    ck_assert_str_eq(again, ca);
    baton_store_free(other);
}
END_TEST

typedef struct {
    const char *path, *token;
    char csrf[BATON_TOKEN_CHARS + 1];
    int rc;
} csrf_job;

static void *csrf_first(void *arg)
{
    csrf_job *j = arg;
    baton_store *own;
    j->rc = baton_store_open(&own, j->path);
    if (j->rc == 0) {
        j->rc = baton_auth_csrf(own, j->token, j->csrf);
        baton_store_free(own);
    }
    return NULL;
}

/* The first requests of a new server come at once, each on its own thread and store handle: they
 * agree on one key, so no form made by one is refused by another. */
START_TEST(first_forms_at_once_agree_on_one_key)
{
    const char *right = "korrekt hest batteri";
    char token[BATON_TOKEN_CHARS + 1], path[600];
    ck_assert_int_eq(baton_auth_password_set(koord, "anna", right), 0);
    ck_assert_int_eq(baton_auth_login(store, "anna", right, NULL, token), 0);
    snprintf(path, sizeof path, "%s/s", dir);
    csrf_job jobs[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (csrf_job){path, token, "", -1};
        ck_assert_int_eq(pthread_create(&t[i], NULL, csrf_first, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(jobs[i].rc, 0);
        ck_assert_str_eq(jobs[i].csrf, jobs[0].csrf);
    }
    ck_assert_int_eq(baton_auth_csrf_check(store, token, jobs[3].csrf), 0);
}
END_TEST

Suite *auth_suite(void)
{
    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("passwords");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, set_and_check);
    tcase_add_test(tc, first_forms_at_once_agree_on_one_key);
    tcase_add_test(tc, who_may_set);
    tcase_add_test(tc, weak_or_odd_passwords_change_nothing);
    tcase_add_test(tc, someone_who_leaves_can_no_longer_log_in);
    tcase_add_test(tc, login_session_logout);
    tcase_add_test(tc, failed_logins_are_throttled);
    tcase_add_test(tc, forms_carry_a_token_of_their_login);
    suite_add_tcase(s, tc);
    return s;
}
