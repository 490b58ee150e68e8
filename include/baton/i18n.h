/* The language of messages, per thread. gettext reads the calling thread's locale (uselocale), so a
 * server can answer one user in Danish and another in Swedish at the same time, and a document is
 * written in its store's language whatever its reader's. Nothing here changes the process's
 * environment or its global locale. */
#ifndef BATON_I18N_H
#define BATON_I18N_H

/* Messages of the calling thread in lang ("da", "sv", "nb", "en"; "en" is the messages as
 * written). BATON_ENOTFOUND when the system has no locale for it (da_DK.UTF-8, sv_SE.UTF-8,
 * nb_NO.UTF-8: tools/install-deps generates them), BATON_EINVALID for an unknown language. The
 * thread keeps the language until the next call; NULL goes back to the process's own. */
int baton_i18n_use(const char *lang);

/* The language the process's environment asks for (LANGUAGE, then LC_ALL, LC_MESSAGES, LANG),
 * among those Baton has messages for, or "en". */
const char *baton_i18n_from_env(void);

/* The language to answer an HTTP request in, from its Accept-Language header ("sv-SE,sv;q=0.9,
 * en;q=0.5"): the one with Baton's messages (da, sv, nb, en) the client ranks highest (q=0 never,
 * ties in the header's order), or fallback when none of them is asked for or the header is absent
 * or unreadable. */
const char *baton_i18n_pick(const char *accept_language, const char *fallback);

/* The word for a record's enum value in the calling thread's language: a setting, a kind of
 * journal entry, a status, a frequency ("contact" -> "kontakt"); an unknown value as it is. */
const char *baton_i18n_word(const char *value);

#endif
