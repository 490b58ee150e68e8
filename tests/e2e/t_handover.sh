# Handovers: a teacher leaves and their cases are handed over in bulk; acknowledgements and the
# due list; the checklist and guardians informed through the journal; context transitions inside
# and outside the organisation, with and without a basis; the contact history; bad input.
. "$(dirname "$0")/lib.sh"

S=$T/store
export BATON_TODAY=2026-11-02 # a Monday
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
"$BATON" staff add laerer2 --name "Lone Lærer" --email laerer2@skole.example --role teacher >/dev/null
"$BATON" staff add laerer3 --name "Lise Lærer" --email laerer3@skole.example --role teacher >/dev/null
A=$(new_case "$S" "Anna Eksempel")
B=$(new_case "$S" "Bo Eksempel")
C=$(new_case "$S" "Carl Eksempel")
for c in $A $B $C; do
    "$BATON" guardian add "$c" --name "Forælder Til$c" --relation mor --frequency monthly --channel aula \
        --topics both --detail brief --agreed-on 2026-11-01 >/dev/null 2>&1
done

# ---- the main job: a teacher with 3 active cases leaves ----
expect_refused "$S" 1 "staff member 'laerer1' still holds 3 things in active cases: contact person of case" \
    "leaving is refused while holding cases" staff leave laerer1
BEFORE=$(git --git-dir "$S/repo.git" rev-list --count main)
run handover staff --from laerer1 --to laerer2 --reason "laerer1 stopper"
expect_rc 0 "bulk handover"
assert "the bulk handover is one commit" test "$(git --git-dir "$S/repo.git" rev-list --count main)" -eq $((BEFORE + 1))
cp "$OUT" "$T/bulk.out"
for c in $A $B $C; do
    assert "case $c got handover 1" grep -q "^$c handover 1$" "$T/bulk.out"
    run case show "$c" --json
    expect_out '"staff": "laerer2"' "case $c has the new contact person"
    expect_out '"since": "2026-11-02"' "case $c: the new contact person starts today"
done
run staff leave laerer1 --reason "fratrådt"
expect_rc 0 "after the bulk handover, staff leave goes through"
run due --as-of 2026-11-02 --json
python3 - "$OUT" "$A" "$B" "$C" <<'PY'
import json, sys
items = json.load(open(sys.argv[1]))
acks = sorted(i["case"] for i in items if i["kind"] == "handover_ack" and i["owner"] == "laerer2" and i["ref"] == "h1")
sys.exit(acks != sorted(sys.argv[2:]) or len(items) != 3)
PY
assert "due shows exactly the 3 pending acknowledgements, owed by the receiver" test $? -eq 0
run handover list --pending
assert "handover list --pending lists 3" test "$(grep -c PENDING "$OUT")" -eq 3
expect_refused "$S" 1 "--as: only the receiver \(laerer2\) may acknowledge handover 1" "only the receiver acknowledges" \
    handover ack "$A" 1 --as koord
for c in $A $B $C; do
    run handover ack "$c" 1 --as laerer2
    expect_rc 0 "laerer2 acknowledges $c"
done
expect_refused "$S" 1 "handover 1 of case $A was already acknowledged by laerer2" "acknowledging twice" \
    handover ack "$A" 1 --as laerer2
run due --as-of 2026-11-02
expect_out "^Nothing is due\.$" "due is clean once all are acknowledged"
run handover list --pending
expect_rc 0 "handover list --pending with nothing pending"
expect_no_out "." "nothing pending"

# ---- guardians must hear of it within 5 working days (Mon 2 Nov + 5 = Mon 9 Nov) ----
state() {
    "$BATON" due --as-of "$1" --json | python3 -c 'import json,sys; k=[i for i in json.load(sys.stdin) if i["kind"]=="guardians_not_informed" and i["case"]==sys.argv[1]]; print("%s %d %s" % (k[0]["state"], k[0]["days_overdue"], k[0]["owner"]) if k else "none")' "$2"
}
assert "guardians not informed: not due on Friday 6 Nov" test "$(state 2026-11-06 "$A")" = "none"
assert "guardians not informed: due on Monday 9 Nov, owed by who made the handover" test "$(state 2026-11-09 "$A")" = "due 0 koord"
assert "guardians not informed: overdue on Tuesday 10 Nov" test "$(state 2026-11-10 "$A")" = "overdue 1 koord"
run journal add "$A" --kind contact --with g1 --channel phone --handover 1 --at 2026-11-02 \
    --text "Mor er orienteret om den nye kontaktperson"
expect_rc 0 "guardians informed through a journal contact entry naming the handover"
assert "informed guardians owe nothing" test "$(state 2026-11-10 "$A")" = "none"
run handover show "$A" 1
expect_out "\[x\] guardians informed \(2026-11-02, phone, journal j1\)" "the checklist shows the guardians informed"
expect_refused "$S" 1 "--handover: only a contact entry with a guardian" "an observation does not inform guardians" \
    journal add "$B" --kind observation --handover 1 --text x
expect_refused "$S" 4 "--handover: case $B has no handover 7" "naming an unknown handover" \
    journal add "$B" --kind contact --with g1 --handover 7 --text x

# ---- checklist ----
run handover checklist "$A" 1 --meeting-held 2026-11-02 --child-prepared today --note "kort møde"
expect_rc 0 "ticking checklist items"
run handover show "$A" 1 --json
expect_out '"meeting_held": \{' "meeting held is recorded"
expect_out '"date": "2026-11-02"' "with its date"
expect_refused "$S" 1 "--known-adult: only for context transitions" "known adult is for context transitions" \
    handover checklist "$A" 1 --known-adult 2026-11-02
expect_refused "$S" 1 "--meeting-held: not a date" "a bad checklist date" handover checklist "$A" 1 --meeting-held soon
expect_refused "$S" 1 "--meeting-held: '2026-12-24' is in the future" "a checklist date in the future" \
    handover checklist "$A" 1 --meeting-held 2026-12-24
expect_refused "$S" 2 "nothing to tick" "checklist without items" handover checklist "$A" 1
expect_refused "$S" 4 "case $A has no handover 9" "unknown handover number" handover checklist "$A" 9 --meeting-held today

# ---- the contact person changes only through a handover ----
expect_refused "$S" 1 "contact: the contact person changes only through a handover" "case set contact.staff is refused" \
    case set "$A" contact.staff laerer3
run case show "$A" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["contact"]["staff"]="laerer3"; json.dump(d, open(sys.argv[2],"w"))' "$OUT" "$T/edit.json"
expect_refused "$S" 1 "contact: the contact person changes only through a handover" "case edit cannot change it either" \
    case edit "$A" --file "$T/edit.json"
BATON_TODAY=2026-11-05 "$BATON" handover staff "$A" --to laerer3 >/dev/null 2>&1
run contact "$A"
expect_out "^laerer1 +2026-11-02 \.\. 2026-11-02 +from the start" "contact history: the first contact person"
expect_out "^laerer2 +2026-11-02 \.\. 2026-11-05 +by handover 1" "contact history: the second, by handover 1"
expect_out "^laerer3 +2026-11-05 \.\. now +by handover 2" "contact history: the current one, by handover 2"

# ---- bulk handover with a map is all or nothing ----
run handover staff --from laerer2 --to laerer2
expect_rc 1 "handing over to the same person is refused"
printf '# sag modtager\n%s laerer3\n%s koord\n' "$B" "$C" >"$T/map"
printf '%s laerer3\n%s ghost\n' "$B" "$C" >"$T/badmap"
expect_refused "$S" 4 "--map: unknown staff member 'ghost'" "a map with an unknown receiver writes nothing" \
    handover staff --from laerer2 --map "$T/badmap"
run case show "$B" --json
expect_out '"staff": "laerer2"' "nothing moved after the refused bulk handover"
printf '%s laerer3\n' "$B" >"$T/shortmap"
expect_refused "$S" 1 "--map: no receiver for case $C of laerer2" "a map must cover every case" \
    handover staff --from laerer2 --map "$T/shortmap"
printf '%s laerer3\n%s koord\n%s koord\n' "$B" "$C" "$A" >"$T/extramap"
expect_refused "$S" 1 "--map: 'laerer2' holds nothing in case $A" "a map may not name other cases" \
    handover staff --from laerer2 --map "$T/extramap"
printf '%s\n' "$B" >"$T/malformed"
expect_refused "$S" 1 "--map: .* line 1: expected CASE STAFF" "a malformed map" handover staff --from laerer2 --map "$T/malformed"
run handover staff --from laerer2 --map "$T/map"
expect_rc 0 "bulk handover with a map"
run case list --contact laerer3
expect_out "^$B " "the map's first receiver got their case"
run case list --contact koord
expect_out "^$C " "the map's second receiver got theirs"

# ---- bad input ----
expect_refused "$S" 4 "no case with id 'nosuch'" "unknown case" handover staff nosuch --to laerer3
expect_refused "$S" 4 "--to: unknown staff member 'ghost'" "unknown receiver" handover staff "$B" --to ghost
expect_refused "$S" 1 "--to: 'laerer1' is no longer active staff" "inactive receiver" handover staff "$B" --to laerer1
expect_refused "$S" 1 "--to: 'laerer3' is already the contact person of case $B" "handing over to the contact person" \
    handover staff "$B" --to laerer3
expect_refused "$S" 2 "--to: required" "handover staff without --to" handover staff "$B"
expect_refused "$S" 2 "give either a case ID or --from" "both a case and --from" handover staff "$B" --from laerer3 --to koord
expect_refused "$S" 1 "--from: 'laerer2' holds nothing in any active case" "--from someone without cases" \
    handover staff --from laerer2 --to koord
expect_refused "$S" 1 "N: 'x' is not a handover number" "handover ack with a bad number" handover ack "$B" x --as laerer3

# ---- context transitions ----
run handover context "$B" --to-context "school:Testskolen:3.B:Testkommune" --to laerer3 --reason "ny årgang"
expect_rc 0 "grade to grade inside the organisation needs no basis"
run case show "$B" --json
expect_out '"group": "3.B"' "the context moved"
run handover show "$B" 3 --json
expect_out '"kind": "context"' "a context handover is recorded"
expect_out '"group": "2.B"' "it keeps where the child came from"
D=$("$BATON" case new --child "Dina Eksempel" --born 2019-02-03 --context daycare:Børnehuset --contact laerer3)
run guardian add "$D" --name "Dorte Eksempel" --relation mor
expect_refused "$S" 1 "--basis: required: sharing with a receiver outside the organisation" \
    "a transition out of the organisation without a basis is refused" \
    handover context "$D" --to-context "school:Nabokommunens Skole:0.A:Nabokommune" --receiver "Nina Modtager <nina@nabo.example>"
run case show "$D" --json
expect_out '"status": "active"' "the refused transition left the case active"
assert "and wrote no handover" test -z "$(git --git-dir "$S/repo.git" ls-tree -r --name-only main | grep "$D/handovers/")"
expect_refused "$S" 4 "--basis-ref: no consent 'c1' on this case" "consent that was never recorded" \
    handover context "$D" --to-context school:Nabo --receiver "Nina Modtager <nina@nabo.example>" --basis consent --basis-ref c1
run consent add "$D" --given-by g1 --date 2026-11-01 --scope strengths,voices --purpose "skoleskift"
expect_rc 0 "consent add"
expect_refused "$S" 1 "--given-by: 'g7' is not a guardian of this case" "consent by someone who is no guardian" \
    consent add "$D" --given-by g7 --scope strengths
expect_refused "$S" 1 "--scope: 'diary' is not one of strengths\|voices" "consent with an unknown section" \
    consent add "$D" --given-by g1 --scope diary
expect_refused "$S" 1 "--scope: 'journal' is not covered by consent c1" "a scope wider than the consent" \
    handover context "$D" --to-context school:Nabo --receiver "Nina Modtager <nina@nabo.example>" --basis consent \
    --basis-ref c1 --scope strengths,journal
expect_refused "$S" 1 "--receiver: expected \"NAME <EMAIL>\"" "a malformed receiver" \
    handover context "$D" --to-context school:Nabo --receiver "nina@nabo.example" --basis consent --basis-ref c1
expect_refused "$S" 1 "--to or --receiver: give exactly one" "both --to and --receiver" \
    handover context "$D" --to-context school:Nabo --to koord --receiver "N M <n@m.example>" --basis consent --basis-ref c1
expect_refused "$S" 1 "--to-context: .*'castle' is not one of" "an unknown context kind" \
    handover context "$D" --to-context castle:Nabo --to koord
expect_refused "$S" 1 "--basis: 'whim' is not one of consent\|statutory" "an unknown basis" \
    handover context "$D" --to-context school:Nabo --receiver "N M <n@m.example>" --basis whim --basis-ref x
run consent set "$D" c2 --withdrawn 2026-11-02 2>/dev/null
run consent add "$D" --given-by g1 --date 2026-10-01 --scope strengths
run consent set "$D" c2 --withdrawn 2026-11-02
expect_refused "$S" 1 "--basis-ref: consent c2 was withdrawn on 2026-11-02" "a withdrawn consent is no basis" \
    handover context "$D" --to-context school:Nabo --receiver "N M <n@m.example>" --basis consent --basis-ref c2
run handover context "$D" --to-context "school:Nabokommunens Skole:0.A:Nabokommune" \
    --receiver "Nina Modtager <nina@nabo.example>" --basis consent --basis-ref c1 --reason "flytter"
expect_rc 0 "a transition out of the organisation with consent"
run case show "$D" --json
expect_out '"status": "transferred"' "the case is transferred"
expect_refused "$S" 1 "case $D was transferred and is read-only" "a transferred case is read-only" \
    case set "$D" plan.strengths x
expect_refused "$S" 1 "case $D is transferred: only active cases are handed over" "no handover of a transferred case" \
    handover staff "$D" --to laerer3
run handover show "$D" 1 --json
expect_out '"scope": \[' "the basis and its scope are recorded"
expect_out '"ref": "c1"' "the basis names the consent"
expect_refused "$S" 1 "went outside the organisation: the receiving side acknowledges it there" \
    "an outside handover is not acknowledged here" handover ack "$D" 1 --as koord
run due --as-of 2026-12-01 --json
expect_out "\"case\": \"$D\"" "a transferred case still owes its guardians word of the handover"

# what is due, from the index, is what working it out from git gives
expect_due_same "due at the end of t_handover" --all
expect_due_same "due at the end of t_handover, as of a day long ago" --as-of 2020-01-01
finish
