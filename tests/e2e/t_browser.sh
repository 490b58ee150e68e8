# baton serve in Debian's chromium (tests/browser/web.mjs): each kind of person logs in through
# the form and walks their pages, every page checked with axe-core (WCAG 2.1 A and AA) and for
# anything its Content-Security-Policy refused, a form saved with the browser; in Danish and in
# Swedish. BATON_SCREENSHOTS=DIR keeps a screenshot of every page.
. "$(dirname "$0")/lib.sh"

command -v "${CHROMIUM:-/usr/bin/chromium}" >/dev/null || { not_ok "chromium is installed (tools/install-deps)"; finish; exit 1; }
S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S
export BATON_USER=koord
A=$(new_case "$S" "Alma Eksempel")
"$BATON" case set "$A" plan.works_well "Faste makkere ved overgange" >/dev/null
"$BATON" case set "$A" plan.challenges.school "Overgangen mellem timerne" >/dev/null
"$BATON" measure add "$A" --setting school --description "Billedskema på bordet" --goal "Ser selv dagens plan" \
    --responsible laerer1 --review-by 2026-11-01 >/dev/null 2>&1
"$BATON" guardian add "$A" --name "Mor Eksempel" --relation mor --frequency weekly --channel aula,phone \
    --topics both --detail brief --agreed-on 2026-10-01 >/dev/null 2>&1
"$BATON" journal add "$A" --kind contact --text "Mor ringede" --follow-up 2026-11-02 --owner laerer1 >/dev/null 2>&1
"$BATON" handover staff "$A" --to laerer1 >/dev/null 2>&1 || true
"$BATON" staff add psyk --name "Per Psykolog" --email psyk@ppr.example --role psychologist >/dev/null
"$BATON" config set language sv >/dev/null 2>&1 || true
printf 'korrekt hest batteri\n' | "$BATON" staff passwd laerer1 >/dev/null
printf 'koordinatorens kodeord\n' | "$BATON" staff passwd koord >/dev/null
unset BATON_USER
serve_start || not_ok "baton serve listens"

cat >"$T/journey.json" <<JSON
{"logins": [
  {"staff": "laerer1", "password": "korrekt hest batteri", "lang": "da",
   "pages": ["/case/$A", "/case/$A/history", "/case/$A/journal", "/case/$A/measure", "/case/$A/guardian",
             "/case/$A/edit", "/search?q=makkere", "/class?context=Testskolen:2.B", "/password",
             "/case/$A/packet", "/class/briefing?context=Testskolen:2.B"],
   "edit": {"path": "/case/$A/edit", "field": "plan.strengths", "text": "Tegner flot i detaljer",
            "expect": "Tegner flot i detaljer"}},
  {"staff": "koord", "password": "koordinatorens kodeord", "lang": "sv",
   "pages": ["/staff", "/audit", "/audit/review", "/audit/export?case=$A", "/case/$A/transition"]}
]}
JSON
node "$(dirname "$0")/../browser/web.mjs" "http://127.0.0.1:$PORT" "$T/journey.json" ${BATON_SCREENSHOTS:+"$BATON_SCREENSHOTS"} \
    >"$T/browser.out" 2>&1
while read -r verdict what; do
    case $verdict in ok) ok ;; FAIL) not_ok "$what" ;; esac
done <"$T/browser.out"
assert "the browser checks ran to the end" grep -q "^end of the browser checks" "$T/browser.out"
assert "they checked every page (at least 60 checks)" test "$(grep -c '^ok\|^FAIL' "$T/browser.out")" -ge 60
grep -v "^ok " "$T/browser.out" | head -20 >&2
kill -TERM "$SERVED"
wait_deadline 20 "$SERVED"
finish
