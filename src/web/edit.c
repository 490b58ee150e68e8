/* Editing the plan's texts against the revision they were read at: a conflicting save shows the
 * person's text beside what the case holds now, and loses nothing. */
#include "pages.h"

#include <libintl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- editing the plan's texts ---- */

static const struct {
    const char *path, *label;
} edit_fields[] = {
    {"plan.works_well", N_("What works")},          {"plan.strengths", N_("Strengths")},
    {"plan.challenges.school", N_("At school")},    {"plan.challenges.leisure", N_("In leisure time")},
    {"plan.challenges.home", N_("At home")},
};
#define NEDIT (sizeof edit_fields / sizeof *edit_fields)

/* The text at a dotted path of doc (plan.challenges.home), or NULL. */
static const char *text_at(const json_t *doc, const char *path)
{
    char part[64];
    const json_t *v = doc;
    for (const char *p = path; v && *p;) {
        size_t n = strcspn(p, ".");
        snprintf(part, sizeof part, "%.*s", (int)n, p);
        v = json_object_get(v, part);
        p += n + (p[n] == '.');
    }
    return json_string_value(v);
}

typedef struct {
    const json_t *form;
} edit_ctx;

static int apply_edit(json_t *doc, const baton_identity *as, void *ctx)
{
    const edit_ctx *e = ctx;
    (void)as;
    for (size_t i = 0; i < NEDIT; i++) {
        const char *v = web_field(e->form, edit_fields[i].path);
        if (!v)
            continue;
        /* an emptied field is removed; the text otherwise as typed */
        char *clean = web_lines(v);
        if (!clean)
            return baton_error_set(BATON_ERROR, "out of memory");
        int rc = baton_record_path_set(doc, BATON_RECORD_CASE, edit_fields[i].path, clean);
        free(clean);
        if (rc)
            return rc;
    }
    return 0;
}

/* The form: each text as given (the person's own after a refused save), the base revision it was
 * read at, and after a conflict what the case holds now beside it, word by word. */
static void edit_form(web_req *q, const char *id, const json_t *doc, const json_t *mine, const char *base,
                      const char *message)
{
    web_page *o = &q->page;
    web_case_head(q, doc, N_("Edit the plan"));
    web_alert(o, message);
    char action[128];
    snprintf(action, sizeof action, "/case/%s/edit", id);
    web_form(q, action);
    WEB_RAW(o, "<input type=\"hidden\" name=\"base\" value=\"");
    web_text(o, base);
    WEB_RAW(o, "\">\n");
    for (size_t i = 0; i < NEDIT; i++) {
        const char *now = text_at(doc, edit_fields[i].path);
        const char *theirs = mine ? web_field(mine, edit_fields[i].path) : NULL;
        WEB_RAW(o, "<p><label for=\"f");
        web_int(o, (long long)i);
        WEB_RAW(o, "\">");
        web_t(o, edit_fields[i].label);
        WEB_RAW(o, "</label><br><textarea id=\"f");
        web_int(o, (long long)i);
        WEB_RAW(o, "\" name=\"");
        web_text(o, edit_fields[i].path);
        WEB_RAW(o, "\" rows=\"4\" cols=\"70\">");
        web_text(o, theirs ? theirs : now);
        WEB_RAW(o, "</textarea></p>\n");
        if (mine && theirs && strcmp(theirs, now ? now : "") != 0) {
            WEB_RAW(o, "<p class=\"meta\">");
            web_t(o, "The case holds now, against your text:");
            WEB_RAW(o, " ");
            web_word_diff(o, now ? now : "", theirs);
            WEB_RAW(o, "</p>\n");
        }
    }
    WEB_RAW(o, "<p><label for=\"reason\">");
    web_t(o, "Why (optional)");
    WEB_RAW(o, "</label> <input id=\"reason\" name=\"reason\" size=\"60\" value=\"");
    web_text(o, mine ? web_field(mine, "reason") : NULL);
    WEB_RAW(o, "\"></p>\n<p><button type=\"submit\">");
    web_t(o, "Save");
    WEB_RAW(o, "</button> <a href=\"/case/");
    web_text(o, id);
    WEB_RAW(o, "\">");
    web_t(o, "Back to the case");
    WEB_RAW(o, "</a></p></form>\n");
    web_foot(q);
}

void web_edit(web_req *q, const char *id, int post)
{
    json_t *doc = NULL;
    baton_oid_hex head_rev;
    int rc = 0;
    char message[1200] = "";
    if (post) {
        /* the save first: the library checks the access and the base itself, and a save that lands
         * shows nothing of the case (it redirects), so the case is read (and that read logged)
         * only when the form has to be shown again */
        edit_ctx e = {q->form};
        baton_oid_hex commit;
        rc = baton_case_update(q->s, id, web_arg(q->form, "base"), "edit the plan on the web",
                               web_arg(q->form, "reason"), apply_edit, &e, commit);
        if (rc == 0) {
            char to[128];
            snprintf(to, sizeof to, "/case/%s", id);
            web_redirect(q, to);
            return;
        }
        snprintf(message, sizeof message, "%s", baton_error_last());
    }
    int refused = rc;
    rc = baton_case_load(q->s, NULL, id, &doc, NULL);
    if (rc == 0 && baton_store_head(q->store, head_rev) != 0)
        rc = BATON_ERROR;
    if (rc == 0 && !post)
        rc = baton_access_check(q->s, BATON_ACCESS_CHANGE, doc, NULL);
    if (rc) {
        json_decref(doc);
        web_library_error(q, rc);
        return;
    }
    if (!post) {
        edit_form(q, id, doc, NULL, head_rev, NULL);
        json_decref(doc);
        return;
    }
    /* refused: the form again, with what the person wrote, so nothing is lost */
    const char *base = web_field(q->form, "base");
    q->status = refused == BATON_ECONFLICT ? 409 : refused == BATON_EDENIED ? 403 : 400;
    web_page_free(&q->page);
    edit_form(q, id, doc, q->form, refused == BATON_ECONFLICT ? head_rev : (base ? base : head_rev),
              refused == BATON_ECONFLICT ? dgettext("baton", "Someone changed the case since you opened it. Your text "
                                                             "is kept below, beside what the case holds now: save "
                                                             "again to replace it, or change your text first.")
                                         : message);
    json_decref(doc);
}
