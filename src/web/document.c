/* Documents the library renders, served as they are: a handover packet and a class briefing are
 * the same bytes a printed copy has (A4, the child or class and the date on every page, page
 * numbers), so the sha256 line at their end can be checked against the store. Their print rules
 * are an inline <style>, since the page header names the child; the page's Content-Security-Policy
 * allows that one style element by its hash, and nothing else inline. */
#include "pages.h"

#include <libintl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void serve_document(web_req *q, char *html, size_t len)
{
    const char *open = strstr(html, "<style>"), *close = open ? strstr(open, "</style>") : NULL;
    char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)] = "";
    if (open && close) {
        unsigned char h[crypto_hash_sha256_BYTES];
        open += strlen("<style>");
        crypto_hash_sha256(h, (const unsigned char *)open, (unsigned long long)(close - open));
        sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
    }
    snprintf(q->csp, sizeof q->csp,
             "default-src 'none'; style-src 'sha256-%s'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
             b64);
    web_document(&q->page, html, len);
    free(html);
}

/* GET /case/ID/packet?number=N (no number: the latest handover, or a preview of the case now) */
void web_packet(web_req *q, const char *id)
{
    const char *number = web_field(q->query, "number");
    char *end = NULL;
    long n = number && *number ? strtol(number, &end, 10) : 0;
    if (number && *number && (*end || n < 1 || n > 9999)) {
        web_error_page(q, 400, dgettext("baton", "number: not a handover number"));
        return;
    }
    char *html;
    size_t len;
    int rc = baton_packet_in(q->s, id, (int)n, BATON_FORMAT_HTML, q->lang, &html, &len);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    serve_document(q, html, len);
}

/* GET /class/briefing?context=INSTITUTION[:GROUP][&mine=1] */
void web_briefing(web_req *q)
{
    baton_class c;
    json_t *model = NULL;
    char *html;
    size_t len;
    int rc = baton_class_parse(web_field(q->query, "context"), &c);
    if (rc == 0)
        rc = baton_briefing_model(q->s, &c, web_field(q->query, "mine") ? q->staff : NULL, &model);
    if (rc == 0)
        rc = baton_briefing_render(model, BATON_FORMAT_HTML, q->lang, &html, &len);
    json_decref(model);
    if (rc) {
        web_library_error(q, rc);
        return;
    }
    serve_document(q, html, len);
}
