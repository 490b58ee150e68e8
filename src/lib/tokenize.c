/* The FTS5 tokenizer "baton": text first goes to Unicode NFC (libunistring), so that "å" typed as
 * one character and "å" pasted as a + combining ring (macOS, PDFs) are the same letter; then
 * unicode61 with remove_diacritics 0 (æ, ø, å, ä, ö are letters of their own, not a, o); then the
 * Snowball stemmer of the store's language, so that "overgangen" and "overgange" meet
 * "overgang". The offsets FTS5 gets back are those of the original text, so snippets highlight
 * what was stored, byte for byte. A prefix query (overgange*) searches its token as typed and,
 * beside it, its stem: a stem of a prefix is not always a prefix of the stems, and a prefix
 * longer than the stem ("høretelefoner*" against the stem "høretelefon") must still find its
 * words. Same shape as the public fts5-snowball extension. */
#include "tokenize.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

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
    const int *map; /* offset in the normalised text -> offset in the original (NULL: the same) */
    int aux;        /* tokenizing for a snippet or a highlight */
} token_ctx;

/* ---- NFC with a map back to the original offsets ---- */

typedef struct {
    char *text;
    int len, cap;
    int *map; /* map[i]: where byte i of text came from; map[len]: the original's length */
} normalised;

static int grow(normalised *o, int more)
{
    if (o->len + more + 1 <= o->cap)
        return 0;
    int cap = (o->len + more + 1) * 2;
    char *t = realloc(o->text, (size_t)cap);
    if (!t)
        return -1;
    o->text = t;
    int *m = realloc(o->map, (size_t)cap * sizeof *m);
    if (!m)
        return -1;
    o->map = m;
    o->cap = cap;
    return 0;
}

static int append(normalised *o, const char *bytes, int n, int from, int exact)
{
    if (grow(o, n))
        return -1;
    for (int k = 0; k < n; k++) {
        o->text[o->len + k] = bytes[k];
        o->map[o->len + k] = exact ? from + k : from;
    }
    o->len += n;
    return 0;
}

/* A code point that composes with what comes before it: a combining mark, or a Hangul vowel or
 * final consonant jamo. A run of text is a starter and every such code point after it. */
static int continues(ucs4_t c)
{
    return uc_combining_class(c) != UC_CCC_NR || (c >= 0x1161 && c <= 0x1175) || (c >= 0x11a8 && c <= 0x11c2);
}

/* 1 and out filled when text changes under NFC; 0 when it is NFC already (nothing to map). Each
 * run is composed on its own, so offsets between runs map exactly; inside one they map to its
 * start. Text and queries go through the same function, so they always meet. */
static int nfc(const char *text, int n, normalised *out)
{
    int i = 0;
    memset(out, 0, sizeof *out);
    /* every code point below U+0300 (UTF-8 lead bytes below 0xCC) is a starter NFC leaves alone */
    while (i < n && (unsigned char)text[i] < 0xcc)
        i++;
    if (i == n)
        return 0;
    const uint8_t *s = (const uint8_t *)text;
    for (i = 0; i < n;) {
        ucs4_t c;
        int len = u8_mbtouc(&c, s + i, (size_t)(n - i)), run = len;
        while (i + run < n) {
            ucs4_t next;
            int nl = u8_mbtouc(&next, s + i + run, (size_t)(n - i - run));
            if (!continues(next))
                break;
            run += nl;
        }
        if (run == len && c < 0x300) {
            if (append(out, text + i, run, i, 1))
                return -1;
        } else {
            uint8_t buf[64];
            size_t blen = sizeof buf;
            uint8_t *r = u8_normalize(UNINORM_NFC, s + i, (size_t)run, buf, &blen);
            int rc = r ? append(out, (const char *)r, (int)blen, i, 0) : append(out, text + i, run, i, 1);
            if (r && r != buf)
                free(r);
            if (rc)
                return -1;
        }
        i += run;
    }
    if (grow(out, 0))
        return -1;
    out->map[out->len] = n;
    return 1;
}

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
    if (c->map) {
        start = c->map[start];
        end = c->map[end];
    }
    /* snippets and highlights (FTS5_TOKENIZE_AUX) count tokens and read their offsets; the stem
     * is one token where the word is, so it can be left out there: a snippet costs no stemming */
    if (n <= 2 || c->aux)
        return c->xToken(c->ctx, flags, token, n, start, end);
    const sb_symbol *s = sb_stemmer_stem(c->tok->stemmer, (const sb_symbol *)token, n);
    if (!s)
        return SQLITE_NOMEM;
    int slen = sb_stemmer_length(c->tok->stemmer);
    if (!c->prefix)
        return c->xToken(c->ctx, flags, (const char *)s, slen, start, end);
    /* a prefix query: the token as typed, and its stem at the same position (a synonym) */
    char stem[256];
    if (slen <= 0 || slen >= (int)sizeof stem || (slen == n && memcmp(s, token, (size_t)n) == 0))
        return c->xToken(c->ctx, flags, token, n, start, end);
    memcpy(stem, s, (size_t)slen);
    int rc = c->xToken(c->ctx, flags, token, n, start, end);
    return rc ? rc : c->xToken(c->ctx, flags | FTS5_TOKEN_COLOCATED, stem, slen, start, end);
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
                        int (*xToken)(void *, int, const char *, int, int, int))
{
    baton_tokenizer *t = (baton_tokenizer *)p;
    token_ctx c = {t, ctx, xToken, (flags & FTS5_TOKENIZE_PREFIX) != 0, NULL, (flags & FTS5_TOKENIZE_AUX) != 0};
    normalised norm;
    int changed = nfc(text, n, &norm);
    if (changed < 0) {
        free(norm.text);
        free(norm.map);
        return SQLITE_NOMEM;
    }
    if (!changed)
        return t->base_api.xTokenize(t->base, &c, flags, text, n, stem_token);
    c.map = norm.map;
    int rc = t->base_api.xTokenize(t->base, &c, flags, norm.text, norm.len, stem_token);
    free(norm.text);
    free(norm.map);
    return rc;
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
