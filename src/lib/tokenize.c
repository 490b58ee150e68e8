/* The FTS5 tokenizer "baton": unicode61 with remove_diacritics 0 (æ, ø, å, ä, ö are letters of
 * their own, not a, o), then the Snowball stemmer of the store's language, so that "overgangen"
 * and "overgange" meet "overgang". Prefix queries (læs*) keep their token unstemmed: a stem of a
 * prefix is not a prefix of the stems. Same shape as the public fts5-snowball extension. */
#include "tokenize.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    fts5_tokenizer base_api;
    Fts5Tokenizer *base;
    struct sb_stemmer *stemmer;
} baton_tokenizer;

typedef struct {
    baton_tokenizer *tok;
    void *ctx;
    int (*xToken)(void *, int, const char *, int, int, int);
    int prefix;
} token_ctx;

static const char *algorithm(const char *lang)
{
    if (!lang || strcmp(lang, "da") == 0)
        return "danish";
    if (strcmp(lang, "sv") == 0)
        return "swedish";
    if (strcmp(lang, "nb") == 0 || strcmp(lang, "no") == 0)
        return "norwegian";
    if (strcmp(lang, "en") == 0)
        return "english";
    return NULL;
}

static void tok_delete(Fts5Tokenizer *p)
{
    baton_tokenizer *t = (baton_tokenizer *)p;
    if (!t)
        return;
    if (t->base)
        t->base_api.xDelete(t->base);
    if (t->stemmer)
        sb_stemmer_delete(t->stemmer);
    free(t);
}

static int tok_create(void *api_ptr, const char **azArg, int nArg, Fts5Tokenizer **ppOut)
{
    fts5_api *api = api_ptr;
    void *ud = NULL;
    baton_tokenizer *t = calloc(1, sizeof *t);
    *ppOut = NULL;
    if (!t)
        return SQLITE_NOMEM;
    const char *algo = algorithm(nArg > 0 ? azArg[0] : NULL);
    int rc = algo ? SQLITE_OK : SQLITE_ERROR;
    if (rc == SQLITE_OK)
        rc = api->xFindTokenizer(api, "unicode61", &ud, &t->base_api);
    if (rc == SQLITE_OK) {
        const char *args[] = {"remove_diacritics", "0"};
        rc = t->base_api.xCreate(ud, args, 2, &t->base);
    }
    if (rc == SQLITE_OK && !(t->stemmer = sb_stemmer_new(algo, "UTF_8")))
        rc = SQLITE_ERROR;
    if (rc != SQLITE_OK) {
        tok_delete((Fts5Tokenizer *)t);
        return rc;
    }
    *ppOut = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static int stem_token(void *vctx, int flags, const char *token, int n, int start, int end)
{
    token_ctx *c = vctx;
    if (c->prefix || n <= 2)
        return c->xToken(c->ctx, flags, token, n, start, end);
    const sb_symbol *s = sb_stemmer_stem(c->tok->stemmer, (const sb_symbol *)token, n);
    if (!s)
        return SQLITE_NOMEM;
    return c->xToken(c->ctx, flags, (const char *)s, sb_stemmer_length(c->tok->stemmer), start, end);
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
                        int (*xToken)(void *, int, const char *, int, int, int))
{
    baton_tokenizer *t = (baton_tokenizer *)p;
    token_ctx c = {t, ctx, xToken, (flags & FTS5_TOKENIZE_PREFIX) != 0};
    return t->base_api.xTokenize(t->base, &c, flags, text, n, stem_token);
}

static fts5_api *fts5_api_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return api;
}

int baton_tokenizer_register(sqlite3 *db)
{
    fts5_api *api = fts5_api_of(db);
    if (!api)
        return SQLITE_ERROR;
    fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
    return api->xCreateTokenizer(api, "baton", api, &tok, NULL);
}
