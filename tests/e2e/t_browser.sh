# baton serve in Debian's chromium (tests/browser/web.mjs), as its people use it: a coordinator
# hands over a leaving teacher's cases and the colleague acknowledges; a psychologist finds when a
# word first appeared in a child's history and opens that change; a new class teacher joins a
# class, reads the briefing and acknowledges it; two people save the same plan at once; then every
# page of each person in Danish and in Swedish. Every page is checked with axe-core (WCAG 2.1 AA),
# for anything its Content-Security-Policy refused, and for its language. Screenshots of every page
# go to build/screenshots/{da,sv}/ for review (BATON_SCREENSHOTS=DIR elsewhere).
. "$(dirname "$0")/lib.sh"

command -v "${CHROMIUM:-/usr/bin/chromium}" >/dev/null || { not_ok "chromium is installed (tools/install-deps)"; finish; exit 1; }
SHOTS=${BATON_SCREENSHOTS:-$(cd "$(dirname "$0")/../.." && pwd)/build/screenshots}
rm -rf "$SHOTS/da" "$SHOTS/sv"
S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S
export BATON_USER=koord
A=$(new_case "$S" "Alma Eksempel")
"$BATON" case set "$A" plan.works_well "Faste makkere ved overgange" >/dev/null
"$BATON" case set "$A" plan.challenges.school "Overgangen mellem timerne" >/dev/null
"$BATON" case set "$A" plan.strengths "Tegner flot og hjælper de yngre" >/dev/null
"$BATON" case set "$A" plan.challenges.leisure "Larm i klubben; høretelefoner hjælper" >/dev/null
"$BATON" measure add "$A" --setting school --description "Billedskema på bordet" --goal "Ser selv dagens plan" \
    --responsible laerer1 --review-by 2026-11-01 >/dev/null 2>&1
"$BATON" guardian add "$A" --name "Mor Eksempel" --relation mor --frequency weekly --channel aula,phone \
    --topics both --detail brief --agreed-on 2026-10-01 >/dev/null 2>&1
"$BATON" journal add "$A" --kind contact --text "Mor ringede" --follow-up 2026-11-02 --owner laerer1 >/dev/null 2>&1
MATE=$(new_case "$S" "Bent Klassekammerat")
"$BATON" staff add laerer2 --name "Lars Lærer" --email laerer2@skole.example --role teacher >/dev/null
"$BATON" staff add ny --name "Nina Nylærer" --email ny@skole.example --role teacher >/dev/null
"$BATON" staff add psyk --name "Per Psykolog" --email psyk@ppr.example --role psychologist >/dev/null
for who in koord laerer1 laerer2 ny psyk; do
    printf 'kodeord for %s her\n' "$who" | "$BATON" staff passwd "$who" >/dev/null
done
unset BATON_USER
serve_start || not_ok "baton serve listens"

cat >"$T/story.json" <<JSON
{"passwords": {"koord": "kodeord for koord her", "laerer1": "kodeord for laerer1 her", "laerer2": "kodeord for laerer2 her",
               "ny": "kodeord for ny her", "psyk": "kodeord for psyk her"},
 "coordinator": "koord", "leaving": "laerer1", "receiver": "laerer2", "psychologist": "psyk", "newteacher": "ny",
 "cases": {"handed": "$A", "word": "$A"}, "word": "høretelefoner", "klass": "Testskolen:2.B", "child": "Bent Klassekammerat",
 "walks": [
  {"staff": "laerer2",
   "pages": ["/", "/case/$A", "/case/$A/history", "/case/$A/journal", "/case/$A/measure", "/case/$A/focus",
             "/case/$A/guardian", "/case/$A/handover", "/case/$A/edit", "/search?q=makkere",
             "/class?context=Testskolen:2.B", "/password", "/case/$A/packet", "/class/briefing?context=Testskolen:2.B"]},
  {"staff": "koord",
   "pages": ["/staff", "/audit", "/audit/review", "/audit/export?case=$A", "/case/$MATE/transition",
             "/case/$A/checklist?number=1"]}
 ]}
JSON
node "$(dirname "$0")/../browser/web.mjs" "http://127.0.0.1:$PORT" "$T/story.json" "$SHOTS" >"$T/browser.out" 2>&1
while read -r verdict what; do
    case $verdict in ok) ok ;; FAIL) not_ok "$what" ;; esac
done <"$T/browser.out"
assert "the browser checks ran to the end" grep -q "^end of the browser checks" "$T/browser.out"
assert "every journey and page was checked (at least 200 checks)" test "$(grep -c '^ok\|^FAIL' "$T/browser.out")" -ge 200
assert "a screenshot of every page in Danish and in Swedish" test "$(ls "$SHOTS/da" "$SHOTS/sv" | grep -c png)" -ge 40
grep -v "^ok " "$T/browser.out" | head -20 >&2
kill -TERM "$SERVED"
wait_deadline 20 "$SERVED"
finish
