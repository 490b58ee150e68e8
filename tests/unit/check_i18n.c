/* Choosing the message language: from an HTTP request's Accept-Language, and from the
 * environment the way gettext reads it. */
#include "unit.h"

#include <baton/i18n.h>

#include <stdlib.h>
#include <string.h>

START_TEST(pick_from_accept_language)
{
    ck_assert_str_eq(baton_i18n_pick("sv-SE,sv;q=0.9,en;q=0.5", "da"), "sv");
    ck_assert_str_eq(baton_i18n_pick("en-GB,en;q=0.9,da;q=0.8", "sv"), "en");
    ck_assert_str_eq(baton_i18n_pick("de-DE,de;q=0.9,da;q=0.3", "sv"), "da"); /* the first one we have */
    ck_assert_str_eq(baton_i18n_pick("da;q=0.2, sv;q=0.7", "en"), "sv");      /* by weight, not order */
    ck_assert_str_eq(baton_i18n_pick("sv;q=0.5, da;q=0.5", "en"), "sv");      /* a tie: the header's order */
    ck_assert_str_eq(baton_i18n_pick("nb-NO", "en"), "nb");
    ck_assert_str_eq(baton_i18n_pick("no", "en"), "nb");
    ck_assert_str_eq(baton_i18n_pick("DA-dk", "en"), "da");
    ck_assert_str_eq(baton_i18n_pick("da;q=0", "sv"), "sv"); /* q=0: never */
    ck_assert_str_eq(baton_i18n_pick("fr, de", "da"), "da");
    ck_assert_str_eq(baton_i18n_pick("", "sv"), "sv");
    ck_assert_str_eq(baton_i18n_pick(NULL, "sv"), "sv");
    ck_assert_str_eq(baton_i18n_pick(";;,,q=,", "da"), "da");
    ck_assert_str_eq(baton_i18n_pick("*", "da"), "da");
}
END_TEST

START_TEST(from_the_environment)
{
    /* the variables as they were, put back at the end (under CK_FORK=no the suites share them) */
    const char *names[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
    char *was[4];
    for (int i = 0; i < 4; i++)
        was[i] = getenv(names[i]) ? strdup(getenv(names[i])) : NULL;
    unsetenv("LC_MESSAGES");
    unsetenv("LANG");
    setenv("LC_ALL", "C.UTF-8", 1);
    setenv("LANGUAGE", "sv:da", 1);
    ck_assert_str_eq(baton_i18n_from_env(), "sv");
    setenv("LANGUAGE", "fr:da_DK", 1);
    ck_assert_str_eq(baton_i18n_from_env(), "da");
    setenv("LANGUAGE", "fr", 1);
    ck_assert_str_eq(baton_i18n_from_env(), "en"); /* gettext: the list has none of ours */
    setenv("LC_ALL", "C", 1);
    setenv("LANGUAGE", "sv", 1);
    ck_assert_str_eq(baton_i18n_from_env(), "en"); /* LANGUAGE does not count under the C locale */
    unsetenv("LANGUAGE");
    setenv("LC_ALL", "da_DK.UTF-8", 1);
    ck_assert_str_eq(baton_i18n_from_env(), "da");
    unsetenv("LC_ALL");
    setenv("LANG", "sv_SE.UTF-8", 1);
    ck_assert_str_eq(baton_i18n_from_env(), "sv");
    unsetenv("LANG");
    ck_assert_str_eq(baton_i18n_from_env(), "en");
    for (int i = 0; i < 4; i++) {
        if (was[i])
            setenv(names[i], was[i], 1);
        else
            unsetenv(names[i]);
        free(was[i]);
    }
}
END_TEST

Suite *i18n_suite(void)
{
    Suite *s = suite_create("i18n");
    TCase *tc = tcase_create("choose");
    tcase_add_test(tc, pick_from_accept_language);
    tcase_add_test(tc, from_the_environment);
    suite_add_tcase(s, tc);
    return s;
}
