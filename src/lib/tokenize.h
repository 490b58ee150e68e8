/* Registration of the "baton" FTS5 tokenizer on a SQLite connection (internal to libbaton). */
#ifndef BATON_TOKENIZE_H
#define BATON_TOKENIZE_H

#include <sqlite3.h>

/* Makes tokenize='baton <lang>' available on db (lang: da, sv, nb, en). */
int baton_tokenizer_register(sqlite3 *db);

#endif
