/* The Check suites of libbaton, one per module, gathered by tests/unit/main.c. */
#ifndef BATON_UNIT_H
#define BATON_UNIT_H

#include <check.h>

Suite *date_suite(void);
Suite *record_suite(void);
Suite *path_suite(void);
Suite *diff_suite(void);
Suite *store_suite(void);
Suite *tokenize_suite(void);
Suite *journal_suite(void);
Suite *handover_suite(void);
Suite *transfer_suite(void);
Suite *schema_suite(void);
Suite *auth_suite(void);
Suite *i18n_suite(void);

/* A session as staff member id on store (asserted to open); freed with baton_session_free. */
#include <baton/baton.h>
baton_session *unit_session(baton_store *store, const char *id);

/* Binds the "baton" message domain to the catalogues beside the test binary (build/.../locale). */
void unit_bind_locale(void);

/* A new store in dir/s (language en) with staff koord (coordinator), anna and bo (teachers), and
 * the coordinator's session. */
void unit_store_with_staff(const char *dir, baton_store **store, baton_session **koord);

/* A fresh temporary directory (removed by unit_rmdir). */
char *unit_tmpdir(void);
void unit_rmdir(const char *path);

#endif
