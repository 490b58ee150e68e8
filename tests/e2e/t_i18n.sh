# The command line and the documents speak Danish and Swedish: every message the sources mark
# for translation (T() and N_() in src/lib, _() in src/cli) has a translation in po/da.po and
# po/sv.po, none fuzzy, none left empty, each keeping its printf directives; and a Danish or
# Swedish user sees the CLI's words in their language.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
"$ROOT/tools/pot" "$T/baton.pot" 2>"$ERR"
assert "tools/pot reads the sources" test -s "$T/baton.pot"
# the template holds the help texts and the library's error messages too, not only labels
for msg in '"usage: baton case new' 'msgid "no case with id' 'msgid "unknown option %s; did you mean %s?"' \
    'msgid "the staff directory: add, list, show, leave, passwd, sso"'; do
    assert "the template holds $msg" grep -q "^$msg" "$T/baton.pot"
done
for lang in da sv; do
    msgmerge -q --no-fuzzy-matching "$ROOT/po/$lang.po" "$T/baton.pot" -o "$T/$lang.po" 2>"$ERR"
    untranslated=$(msgattrib --untranslated --no-obsolete "$T/$lang.po" | grep -c '^msgid "[^"]' || true)
    fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$T/$lang.po" | grep -c '^msgid "[^"]' || true)
    assert "po/$lang.po translates every marked message ($untranslated untranslated)" test "$untranslated" -eq 0
    assert "po/$lang.po has no fuzzy translation ($fuzzy)" test "$fuzzy" -eq 0
    msgfmt --check -o /dev/null "$T/$lang.po" 2>"$ERR"
    assert "po/$lang.po keeps every printf directive (msgfmt --check)" test $? -eq 0
    if [ "$untranslated" -gt 0 ]; then
        msgattrib --untranslated --no-obsolete "$T/$lang.po" | grep '^msgid "[^"]' | head -5 >&2
    fi
done

# the command line's own words in the user's language
S=$T/store
export BATON_TODAY=2026-11-02
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord BATON_PAGER=""
ID=$(new_case "$S")
LANGUAGE=da LC_ALL=C.UTF-8 "$BATON" case show "$ID" >"$OUT" 2>"$ERR"
expect_out "^  Født +2017-05-06" "case show in Danish: Født"
expect_out "^  Gruppe +2.B" "case show in Danish: Gruppe"
LANGUAGE=sv LC_ALL=C.UTF-8 "$BATON" due --all >"$OUT" 2>"$ERR"
expect_out "Inget ska göras\.|om [0-9]+ dagar|försenat|ska göras i dag" "due in Swedish"

# help, summaries and errors (the library's too) in the user's language; the option names,
# placeholders and values stay as they are typed
LANGUAGE=da LC_ALL=C.UTF-8 "$BATON" --help >"$OUT" 2>"$ERR"
expect_out "^brug: baton \[--store PATH\]" "baton --help in Danish: brug"
expect_out "^  staff +medarbejderregistret: add, list, show, leave" "command summaries in Danish"
LANGUAGE=sv LC_ALL=C.UTF-8 "$BATON" case new --help >"$OUT" 2>"$ERR"
expect_out "^användning: baton case new --child NAME --born YYYY-MM-DD" "case new --help in Swedish, options as typed"
expect_out "Skapar ett ärende" "case new --help in Swedish: the text"
LANGUAGE=da LC_ALL=C.UTF-8 "$BATON" case show zzzzzzzzzz >"$OUT" 2>"$ERR"
assert "an unknown case is still an error in Danish (exit 4)" test $? -eq 4
expect_err "^baton: ingen sag med id 'zzzzzzzzzz'" "the library's error message in Danish"
LANGUAGE=sv LC_ALL=C.UTF-8 "$BATON" serach x >"$OUT" 2>"$ERR"
expect_err "'serach' är inte ett baton-kommando; menade du 'search'\?" "did you mean, in Swedish"
LANGUAGE=da LC_ALL=C.UTF-8 "$BATON" case show >"$OUT" 2>"$ERR"
expect_err "forventede ét sags-ID" "a usage error in Danish"
LANGUAGE=sv LC_ALL=C.UTF-8 "$BATON" case show a b >"$OUT" 2>"$ERR"
expect_err "väntade ett ärende-ID" "a usage error in Swedish"
expect_err "^användning: baton case show ID" "the usage line in Swedish"
LANGUAGE=da LC_ALL=C.UTF-8 "$BATON" case access a b >"$OUT" 2>"$ERR"
expect_err "^baton: forventede 1 argument$" "a count in Danish (ngettext)"
# the refusal to let someone leave lists what they hold in the same language as the sentence
LANGUAGE=da LC_ALL=C.UTF-8 "$BATON" staff leave laerer1 >"$OUT" 2>"$ERR"
expect_err "^baton: medarbejder 'laerer1' har stadig 1 ting i aktive sager: kontaktperson for sag $ID;" \
    "staff leave refused in Danish, what they hold in Danish too"
LANGUAGE=sv LC_ALL=C.UTF-8 "$BATON" staff leave laerer1 >"$OUT" 2>"$ERR"
expect_err "^baton: medarbetare 'laerer1' har fortfarande 1 sak i aktiva ärenden: kontaktperson för ärende $ID;" \
    "and in Swedish (one thing: the singular)"
# a malformed search says what is wrong in the reader's language, the details too
LANGUAGE=da LC_ALL=C.UTF-8 "$BATON" search '"aaben' >"$OUT" 2>"$ERR"
expect_err "^baton: search: forkert forespørgsel: en sætning i anførselstegn bliver aldrig lukket" "a malformed query, all in Danish"
LANGUAGE=sv LC_ALL=C.UTF-8 "$BATON" search 'a OR' >"$OUT" 2>"$ERR"
expect_err "OR behöver något att söka efter på båda sidor" "a malformed query, all in Swedish"
# a document is written in its store's language whatever its reader's: a Swedish user prints a
# Danish store's handover packet, and the command's own words around it are Swedish
"$BATON" handover staff "$ID" --to koord >/dev/null 2>&1
LANGUAGE=sv LC_ALL=C.UTF-8 "$BATON" packet "$ID" --format text >"$OUT" 2>"$ERR"
expect_out "^Overleveringspakke: " "the packet is in the store's language (Danish)"
expect_no_out "Överlämningspaket|Handover packet" "and in no other"
LANGUAGE=sv LC_ALL=C.UTF-8 "$BATON" packet "$ID" 99 >"$OUT" 2>"$ERR"
assert "the reader's error is in Swedish" grep -q "överlämning\|Överlämning\|finns" "$ERR"

# nothing in the library switches the process's language: no setlocale, no LANGUAGE (i18n.c
# switches the calling thread's locale only), and no strtok's hidden state either: a server's
# threads share all three
assert "src/lib sets no process-wide locale or LANGUAGE" sh -c "! grep -n 'setlocale *(\\|\"LANGUAGE\"' '$ROOT'/src/lib/*.c | grep -v 'getenv'"
assert "src/ uses no strtok" sh -c "! grep -rn '[^_]strtok *(' '$ROOT/src'"
# nor its environment (times are shown in the store's zone from its TZif file, not through TZ)
assert "src/lib changes no environment variable" sh -c "! grep -n 'setenv *(\\|putenv *(\\|tzset *(' '$ROOT'/src/lib/*.c"

finish
