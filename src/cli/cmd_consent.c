/* baton consent: the parents' consent to share parts of the record, with who gave it, when, its
 * scope (packet sections) and purpose. A context transition that leaves the organisation names
 * one as its basis; a withdrawn consent can no longer be one. */
#include "cli.h"

static const cli_entry_field fields[] = {
    {"given-by", "given_by", 1, 1},
    {"date", "date", 0, 0},
    {"scope", "scope", 1, 1},
    {"purpose", "purpose", 0, 0},
    {"withdrawn", "withdrawn", 0, 0},
    {NULL, NULL, 0, 0},
};
static const char *const required[] = {"given-by", "scope", NULL};
static const char *const defaults[] = {"date", "@today", NULL};

static const cli_entry_kind consent = {
    "consent", "consents", "c", "C", fields, required, defaults, N_("--given-by takes the guardians' ids (g1,g2). --scope lists the packet sections the consent\n"
    "covers: strengths, voices, predictability, challenges, measures, focus, communication, team,\n"
    "follow_ups, journal, changes, checklist. --date defaults to today; --purpose says for what\n"
    "(\"overgang til Demoskolen\"). Withdraw with: baton consent set ID C --withdrawn DATE.\n")};

static int add(int argc, char **argv) { return cli_entry_add(&consent, argc, argv); }
static int set(int argc, char **argv) { return cli_entry_set(&consent, argc, argv); }

int cmd_consent(int argc, char **argv)
{
    static const cli_command subs[] = {
        {"add", add, N_("record consent: baton consent add ID --given-by g1 --scope strengths,measures")},
        {"set", set, N_("change or withdraw a consent: baton consent set ID c1 --withdrawn DATE")},
        {NULL, NULL, NULL},
    };
    return cli_dispatch("consent", subs, argc, argv);
}
