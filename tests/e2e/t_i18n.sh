# The command line and the documents speak Danish and Swedish: every message the sources mark
# for translation (T() and N_() in src/lib, _() in src/cli) has a translation in po/da.po and
# po/sv.po, none fuzzy, none left empty, each keeping its printf directives; and a Danish or
# Swedish user sees the CLI's words in their language.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
xgettext --from-code=UTF-8 -k_ -kT -kN_ -o "$T/baton.pot" "$ROOT"/src/lib/*.c "$ROOT"/src/cli/*.c 2>"$ERR"
assert "xgettext reads the sources" test -s "$T/baton.pot"
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
finish
