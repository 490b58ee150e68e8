# baton due: every kind of item, each checked the day before (not due), on the day (due) and the
# day after (overdue); ordering, --staff, follow-ups closed and contacts logged; staff leave.
. "$(dirname "$0")/lib.sh"

S=$T/store
export BATON_TODAY=2026-09-01
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
"$BATON" staff add laerer2 --name "Lars Lærer" --email laerer2@skole.example --role teacher >/dev/null
ID=$(new_case "$S")

# state AS_OF KIND REF: the state (due/overdue/none) and days of one item of `baton due --as-of`
state() {
    "$BATON" due --as-of "$1" --json >"$T/due.json" 2>"$ERR" || { echo error; return; }
    python3 - "$T/due.json" "$2" "$3" <<'PY'
import json, sys
items = [i for i in json.load(open(sys.argv[1])) if i["kind"] == sys.argv[2] and (i["ref"] or "") == sys.argv[3]]
print("%s %d %s" % (items[0]["state"], items[0]["days_overdue"], items[0]["owner"] or "null") if items else "none")
PY
}

# boundary KIND REF DUE_DATE OWNER: not due the day before, due on the day, overdue after
boundary() {
    local kind=$1 ref=$2 day=$3 owner=$4 before after
    before=$(date -u -d "$day - 1 day" +%F)
    after=$(date -u -d "$day + 1 day" +%F)
    local got
    got=$(state "$before" "$kind" "$ref")
    if [ "$got" = "none" ]; then ok; else not_ok "$kind $ref: not due on $before (got: $got)"; fi
    got=$(state "$day" "$kind" "$ref")
    if [ "$got" = "due 0 $owner" ]; then ok; else not_ok "$kind $ref: due on $day, owed by $owner (got: $got)"; fi
    got=$(state "$after" "$kind" "$ref")
    if [ "$got" = "overdue 1 $owner" ]; then ok; else not_ok "$kind $ref: overdue on $after (got: $got)"; fi
}

run due --as-of 2026-09-01
expect_rc 0 "due on a fresh case"
expect_out "^Nothing is due\.$" "nothing is due yet"

# measures past review_by (active and planned; completed and stopped owe nothing)
run measure add "$ID" --setting school --description "Billedskema om morgenen" --goal "Ser selv dagens plan" \
    --responsible laerer2 --review-by 2026-11-10
boundary measure_review m1 2026-11-10 laerer2
run measure add "$ID" --setting home --description "Fast aftenrutine" --goal "Bedre søvn" \
    --responsible laerer1 --review-by 2026-11-10 --status completed
assert "a completed measure owes no review" test "$(state 2026-12-01 measure_review m2)" = "none"

# focus points past their follow-up date, owed by the contact person
run focus add "$ID" --area matematik --text "Tabeller" --follow-up 2026-11-15
boundary focus_follow_up f1 2026-11-15 laerer1

# open follow-ups of journal entries, owed by their owner; closed ones owe nothing
run journal add "$ID" --kind meeting --text "Netværksmøde" --at 2026-09-01 --follow-up 2026-11-20 --owner koord
boundary follow_up j1 2026-11-20 koord
run journal add "$ID" --kind decision --text "Ny plan for pauser" --at 2026-09-01 --follow-up 2026-11-21 --owner laerer2
run followup done "$ID" j2
assert "a closed follow-up owes nothing" test "$(state 2026-12-01 follow_up j2)" = "none"
run journal add "$ID" --kind decision --text "Forkert dato" --at 2026-09-01 --follow-up 2026-10-01 --owner laerer2
run journal add "$ID" --corrects j4 --text "Rettet: ingen opfølgning"
assert "a follow-up withdrawn by a correction owes nothing" test "$(state 2026-12-01 follow_up j4)" = "none"

# guardians whose agreed frequency has run out since the agreement or the last contact
run guardian add "$ID" --name "Gitte Eksempelsen" --relation mor --frequency weekly --channel aula \
    --topics both --detail brief --agreed-on 2026-08-25
boundary guardian_contact g1 2026-09-01 laerer1
run journal add "$ID" --kind contact --text "Ugentlig status" --with g1 --channel aula --at 2026-08-30
boundary guardian_contact g1 2026-09-06 laerer1
run journal add "$ID" --kind observation --text "Set ved afhentning" --with g1 --at 2026-08-31
boundary guardian_contact g1 2026-09-06 laerer1 # an observation is not a contact
run guardian add "$ID" --name "Gorm Eksempelsen" --relation far --frequency fortnightly --channel phone \
    --topics progress --detail detailed --agreed-on 2026-08-20
boundary guardian_contact g2 2026-09-03 laerer1
run guardian add "$ID" --name "Bodil Eksempelsen" --relation plejemor --frequency monthly --channel email \
    --topics challenges --detail brief --agreed-on 2026-08-15
boundary guardian_contact g3 2026-09-15 laerer1
run guardian add "$ID" --name "Mads Eksempelsen" --relation bror --frequency on_news --channel sms \
    --topics both --detail brief --agreed-on 2026-08-15
assert "on_news never runs out" test "$(state 2027-12-31 guardian_contact g4)" = "none"
run journal add "$ID" --kind meeting --text "Skole-hjem-samtale" --with "Gorm Eksempelsen" --at 2026-08-31
boundary guardian_contact g2 2026-09-14 laerer1 # a meeting with the guardian restarts the clock

# communication agreements older than the review period (default 6 months, set per store)
boundary agreement_review g1 2027-02-25 laerer1
boundary agreement_review g3 2027-02-15 laerer1
run config agreement_review_months 3
expect_rc 0 "config: a shorter review period"
boundary agreement_review g1 2026-11-25 laerer1
expect_refused "$S" 1 "agreement_review_months: 'often' is not a whole number" "config with a bad value" \
    config agreement_review_months often

# cases whose contact person is no longer active staff (only possible for a case reopened
# after its contact left; handovers move the contact person otherwise)
ID2=$(new_case "$S" "Andet Barn")
run handover staff "$ID2" --to laerer2
expect_rc 0 "laerer2 becomes contact of the second case"
run case set "$ID2" status closed
expect_refused "$S" 1 "staff member 'laerer2' still holds 1 thing in active cases: responsible for measure m1 of case $ID" \
    "staff leave names a measure the person is still responsible for" staff leave laerer2
run handover staff --from laerer2 --to laerer1
expect_rc 0 "handover --from moves the measure"
run staff leave laerer2 --reason "fratrådt"
expect_rc 0 "laerer2 leaves once they hold nothing in an active case"
BATON_TODAY=2026-09-05 "$BATON" case set "$ID2" status active >/dev/null 2>&1
boundary contact_inactive "" 2026-09-01 null

# ordering and the --staff filter
run due --as-of 2026-11-30 --json
python3 - "$OUT" <<'PY'
import json, sys
d = [i["days_overdue"] for i in json.load(open(sys.argv[1]))]
sys.exit(not d or d != sorted(d, reverse=True))
PY
assert "most overdue first" test $? -eq 0
run due --as-of 2026-11-30
expect_out "^[0-9]+ days overdue +2026-09-01 +$ID2 +Andet Barn +\(coordinator\) +the contact person has left" \
    "the text view names the case, the child, the owner and what is owed"
expect_out "review measure m1: Billedskema om morgenen" "a measure item says which measure"
run due --as-of 2026-11-30 --staff koord --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not d or any(i["owner"] != "koord" for i in d))' "$OUT"
assert "--staff keeps only what that person owes" test $? -eq 0

expect_refused "$S" 1 "--as-of: not a date \(YYYY-MM-DD\): '30/11/2026'" "--as-of in the wrong format" \
    due --as-of 30/11/2026
expect_refused "$S" 4 "--staff: unknown staff member 'ghost'" "--staff unknown" due --staff ghost
expect_refused "$S" 2 "unexpected argument" "due takes no positional argument" due today

# staff leave names every active case the person is contact of
ID3=$(new_case "$S" "Tredje Barn")
ID4=$(new_case "$S" "Fjerde Barn")
expect_refused "$S" 1 "staff member 'laerer1' still holds [0-9]+ things in active cases: .*contact person of case" \
    "staff leave refuses while the person holds active cases" staff leave laerer1
for c in "$ID" "$ID3" "$ID4"; do
    expect_err "$c" "staff leave names case $c"
done
run staff show laerer1 --json
expect_out '"active": true' "a refused leave leaves the person active"

# what is due, from the index, is what working it out from git gives
expect_due_same "due at the end of t_due" --all
expect_due_same "due at the end of t_due, as of a day long ago" --as-of 2020-01-01

# ---- retention: a closed case is listed 90 days before the store's rules say it may go ----
R=$(new_case "$S" "Rita Retentionsen")
expect_refused "$S" 1 "closed: Baton sets the day a case closed" "the closing day cannot be typed in" \
    case set "$R" closed 2020-01-01
run case set "$R" status closed
expect_rc 0 "close a case"
run case show "$R" --json
expect_out '"closed": "2026-09-01"' "closing sets the day it closed"
assert "without retention rules nothing is listed" test "$(state 2099-01-01 retention_ends "")" = none
expect_refused "$S" 1 "retention_years_after_closing" "a negative retention is refused" \
    config retention_years_after_closing -- -1
run config retention_years_after_closing 5
expect_rc 0 "set the years kept after closing"
# 2031-09-01 is the end: listed from 90 days before it
assert "not listed 91 days before the end" test "$(state 2031-06-02 retention_ends "")" = none
assert "listed 90 days before the end, owed by nobody" test "$(state 2031-06-03 retention_ends "")" = "due 0 null"
run due --as-of 2031-06-03
expect_out "retention ends on 2031-09-01" "due says when the retention ends"
# born 2017-05-06: 18 years and 15 more end on 2050-05-06, later than five years after closing
run config retention_years_after_18 15
assert "the later end counts" test "$(state 2031-06-03 retention_ends "")" = none
assert "listed 90 days before the 18th birthday plus 15 years" test "$(state 2050-02-05 retention_ends "")" = "due 0 null"
expect_due_same "retention items, index and git agree" --as-of 2050-03-01
run case set "$R" status active
run case show "$R" --json
expect_no_out '"closed"' "reopening removes the closing day"
assert "an active case has no retention item" test "$(state 2099-01-01 retention_ends "")" = none
"$BATON" case set "$R" status closed >/dev/null

# an index.db of the schema's first version gets the index added since, and lists the same
run due --as-of 2026-11-30 --staff koord --json
cp "$OUT" "$T/due-v2.json"
sql() { python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); r=d.executescript(sys.argv[2]) if ";" in sys.argv[2] else print(d.execute(sys.argv[2]).fetchone()[0]); d.commit()' "$S/index.db" "$1"; }
sql "DROP INDEX due_items_owner_order; DROP INDEX cases_contact; CREATE INDEX due_items_owner ON due_items(owner, due); PRAGMA user_version = 1;"
run due --as-of 2026-11-30 --staff koord --json
expect_rc 0 "due on an index of the first schema version"
assert "lists the same items" cmp -s "$OUT" "$T/due-v2.json"
assert "the index was brought up to version 2" test "$(sql "PRAGMA user_version")" = 2
assert "with the due list's own index, the old one gone" \
    test "$(sql "SELECT group_concat(name) FROM sqlite_master WHERE name LIKE 'due_items_owner%'")" = due_items_owner_order
assert "and the index of contact persons' cases" test "$(sql "SELECT count(*) FROM sqlite_master WHERE name = 'cases_contact'")" = 1
finish
