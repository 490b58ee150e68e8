# Documents a teacher would print: the HTML packet and class briefing printed to A4 by Debian's
# chromium (tests/browser/print.mjs). A small case fits on at most 2 pages; every page names the
# child (or the class) and the date at the top and says "page N of M" at the bottom, in the
# store's language; no page holds only the closing lines and the checksum, also when a long
# journal runs over several pages.
. "$(dirname "$0")/lib.sh"

PRINT="$(dirname "$0")/../browser/print.mjs"
export BATON_TODAY=2026-11-02

# small STORE LANG: a store with one small case handed over once; prints the case id
small() {
    "$BATON" init "$1" --language "$2" --organisation "Testkommune" >/dev/null
    export BATON_STORE=$1
    env -u BATON_USER "$BATON" staff add koord --name "Kirsten Koordinator" --email koord@skole.example \
        --role coordinator >/dev/null
    export BATON_USER=koord
    "$BATON" staff add laerer1 --name "Lærke Lærer" --email laerer1@skole.example --role teacher >/dev/null
    "$BATON" staff add laerer2 --name "Lone Lærer" --email laerer2@skole.example --role teacher >/dev/null
    local id
    id=$("$BATON" case new --child "Ida Printesen" --born 2017-05-06 --context school:Testskolen:2.B --contact laerer1)
    {
        "$BATON" case set "$id" plan.works_well "Korte beskeder og en fast plads ved vinduet."
        "$BATON" case set "$id" plan.strengths "Tegner detaljeret og hjælper yngre børn."
        "$BATON" case set "$id" plan.child_perspective "Det er svært, når timerne skifter uden varsel."
        "$BATON" case set "$id" plan.needs_predictability true
        "$BATON" case set "$id" plan.challenges.school "Larm og overgange mellem timerne."
        "$BATON" measure add "$id" --setting school --description "Billedskema ved morgenstart" \
            --goal "Ser selv dagens plan" --responsible laerer1 --review-by 2027-01-15
        "$BATON" guardian add "$id" --name "Gitte Printesen" --relation mor --frequency weekly --channel aula \
            --topics both --detail brief --agreed-on 2026-10-01
        "$BATON" journal add "$id" --kind contact --with g1 --channel phone --at 2026-10-20 \
            --text "Mor fortæller om roligere morgener." --follow-up 2026-11-20 --owner laerer1
        "$BATON" handover staff "$id" --to laerer2 --reason "ny kontaktperson"
    } >/dev/null 2>&1
    echo "$id"
}

# pages PDF: the page count
pages() { pdfinfo "$1" | awk '/^Pages:/ {print $2}'; }

# each_page PDF PATTERN DESCRIPTION: every page's text matches PATTERN (grep -E)
each_page() {
    local n i bad=0
    n=$(pages "$1")
    for i in $(seq 1 "$n"); do
        pdftotext -f "$i" -l "$i" -layout "$1" - | grep -qE "$2" || bad=1
    done
    if [ "$n" -ge 1 ] && [ $bad -eq 0 ]; then ok; else not_ok "$3"; fi
}

# last_page_has_content PDF DESCRIPTION: the last page holds more than the closing lines
last_page_has_content() {
    local n
    n=$(pages "$1")
    pdftotext -f "$n" -l "$n" -layout "$1" - | grep -vE "sha256|^\s*$|Side|Sida|Page|Organisation|Lager|Lagring|Store|version|Sagens|Ärendets|Case revision|[0-9]{4}-[0-9]{2}-[0-9]{2}\s*$" \
        >"$T/rest.txt"
    if [ "$(grep -c . "$T/rest.txt")" -ge 2 ]; then ok; else not_ok "$2"; fi
}

for lang in da sv; do
    S=$T/small-$lang
    ID=$(small "$S" "$lang")
    export BATON_STORE=$S BATON_USER=koord
    run packet "$ID" --format html -o "$T/small-$lang.html"
    expect_rc 0 "packet ($lang) as html"
    node "$PRINT" "$T/small-$lang.html" "$T/small-$lang.pdf" 2>"$ERR"
    assert "chromium prints the $lang packet" test -s "$T/small-$lang.pdf"
    assert "a small case's packet ($lang) fits on at most 2 pages ($(pages "$T/small-$lang.pdf"))" \
        test "$(pages "$T/small-$lang.pdf")" -le 2
    each_page "$T/small-$lang.pdf" "Ida Printesen" "every page ($lang) names the child"
    each_page "$T/small-$lang.pdf" "2026-11-02" "every page ($lang) has the document's date"
    case $lang in
    da) each_page "$T/small-$lang.pdf" "Side [0-9]+ af [0-9]+" "every page (da) says 'Side N af M'" ;;
    sv) each_page "$T/small-$lang.pdf" "Sida [0-9]+ av [0-9]+" "every page (sv) says 'Sida N av M'" ;;
    esac
    last_page_has_content "$T/small-$lang.pdf" "the last page ($lang) holds more than the checksum"
    pdftotext -layout "$T/small-$lang.pdf" "$T/small-$lang.txt"
    assert "names, not staff ids ($lang)" sh -c "! grep -qE '\\((laerer1|laerer2|koord)\\)' '$T/small-$lang.txt'"
    assert "no stray ': ' before journal texts ($lang)" sh -c "! grep -qE '^\\s*: ' '$T/small-$lang.txt'"
done

# a long journal over several pages (written since the last handover, so the next packet holds it):
# still no page with only the checksum on it
S=$T/small-da
export BATON_STORE=$S BATON_USER=koord
ID=$("$BATON" case list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
for i in $(seq 1 45); do
    "$BATON" journal add "$ID" --kind observation --at "2026-11-02T08:$(printf %02d "$i"):00Z" \
        --text "Observation nummer $i: en rolig dag med gode pauser, leg i frikvarteret og god kontakt til de voksne." \
        >/dev/null 2>&1
done
"$BATON" handover staff "$ID" --to laerer1 --reason "tilbage" >/dev/null 2>&1
run packet "$ID" --format html -o "$T/long.html"
node "$PRINT" "$T/long.html" "$T/long.pdf" 2>"$ERR"
assert "a long packet runs over more than 2 pages ($(pages "$T/long.pdf"))" test "$(pages "$T/long.pdf")" -gt 2
each_page "$T/long.pdf" "Ida Printesen" "every page of a long packet names the child"
each_page "$T/long.pdf" "Side [0-9]+ af [0-9]+" "every page of a long packet is numbered"
last_page_has_content "$T/long.pdf" "the last page of a long packet holds more than the checksum"

# the class briefing: the class and the date on every page, a page per child
for c in "Bo Printesen" "Carl Printesen" "Dea Printesen"; do
    "$BATON" case new --child "$c" --born 2017-01-01 --context school:Testskolen:2.B --contact laerer1 >/dev/null 2>&1
done
run briefing --context Testskolen:2.B --format html -o "$T/briefing.html"
expect_rc 0 "briefing as html"
node "$PRINT" "$T/briefing.html" "$T/briefing.pdf" 2>"$ERR"
assert "the briefing has a page per child after the overview ($(pages "$T/briefing.pdf"))" \
    test "$(pages "$T/briefing.pdf")" -ge 5
each_page "$T/briefing.pdf" "Testskolen 2\.B" "every briefing page names the class"
each_page "$T/briefing.pdf" "Side [0-9]+ af [0-9]+" "every briefing page is numbered"
last_page_has_content "$T/briefing.pdf" "the briefing's last page holds more than the checksum"
finish
