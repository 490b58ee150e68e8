# A teacher who leaves leaves nothing behind: staff leave is refused, naming each thing they still
# hold (contact person, team role, measures, open follow-ups, a pending onboarding), and
# `handover staff --from A --to B` moves all of it in one commit; after that nobody can give them
# anything new, and `due --all` shows that B owes what A owed.
. "$(dirname "$0")/lib.sh"

S=$T/store
export BATON_TODAY=2026-11-02
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
"$BATON" staff add lars.t --name "Lars Testlærer" --email lars.t@skole.example --role teacher >/dev/null
"$BATON" staff add sara.t --name "Sara Testlærer" --email sara.t@skole.example --role teacher >/dev/null
"$BATON" staff add pia.p --name "Pia Testpædagog" --email pia.p@skole.example --role pedagogue >/dev/null
ctx() { "$BATON" case new --child "$1" --born 2017-05-06 --context "school:Testskolen:$2" --contact "$3"; }
A=$(ctx "Anna Prøve" 2.A lars.t)
B=$(ctx "Bent Prøve" 2.A sara.t)
C=$(ctx "Cille Prøve" 3.C pia.p)
D=$(ctx "Dan Prøve" 2.A lars.t)
"$BATON" measure add "$A" --setting school --description "Billedskema" --goal "Ro om morgenen" --responsible lars.t \
    --review-by 2027-01-15 >/dev/null 2>&1
"$BATON" measure add "$B" --setting school --description "Fast plads" --goal "Færre konflikter" --responsible lars.t \
    --review-by 2027-02-01 >/dev/null 2>&1
"$BATON" measure add "$B" --setting school --description "Pauser" --goal "Ro" --responsible lars.t \
    --review-by 2026-10-01 --status completed >/dev/null 2>&1
"$BATON" journal add "$A" --kind contact --text "Aftalt opfølgning om lektier" --with "Mor" --follow-up 2026-12-01 \
    --owner lars.t >/dev/null 2>&1
"$BATON" journal add "$B" --kind meeting --text "Netværksmøde; lars.t følger op" --follow-up 2026-11-20 \
    --owner lars.t >/dev/null 2>&1
"$BATON" team add "$B" lars.t --role klasselærer --responsible-for "daglig kontakt" >/dev/null 2>&1
"$BATON" team join --context Testskolen:3.C lars.t --role faglærer >/dev/null 2>&1
"$BATON" case set "$D" status closed >/dev/null 2>&1
assert "the store is set up" test -n "$A" -a -n "$B" -a -n "$C" -a -n "$D"

# ---- leaving is refused, naming each thing still held ----
expect_refused "$S" 1 "staff member 'lars.t' still holds 8 things in active cases" \
    "staff leave is refused while anything is held" staff leave lars.t
for what in "contact person of case $A" "responsible for measure m1 of case $A" "owner of follow-up j1 of case $A" \
    "team member \(klasselærer\) of case $B" "responsible for measure m1 of case $B" \
    "owner of follow-up j1 of case $B" "team member \(faglærer\) of case $C" "receiver of pending handover 1 of case $C"; do
    expect_err "$what" "the refusal names: $what"
done
expect_no_out "$D" "a closed case holds nothing"
expect_err "baton handover staff --from lars.t --to STAFF" "and says how to hand it all over"

# ---- due --all: everything open, whatever its date ----
run due --all --staff lars.t --json
python3 - "$OUT" <<'PY'
import json, sys
kinds = sorted(i["kind"] for i in json.load(open(sys.argv[1])))
sys.exit(0 if kinds == ["follow_up", "follow_up", "measure_review", "measure_review", "onboarding_ack"] else kinds)
PY
assert "due --all lists what lars.t owes, also what falls due later" test $? -eq 0
run due --staff lars.t --json
python3 -c 'import json,sys; sys.exit([i["kind"] for i in json.load(open(sys.argv[1]))] != ["onboarding_ack"])' "$OUT"
assert "plain due lists only what is due today (the onboarding)" test $? -eq 0
run due --all --staff lars.t
expect_out "^in 29 days +2026-12-01 +$A" "upcoming items say when"

# ---- one commit moves all of it ----
BEFORE=$(git --git-dir "$S/repo.git" rev-list --count main)
run handover staff --from lars.t --to sara.t --reason "lars.t stopper"
expect_rc 0 "handover --from moves everything"
assert "in one commit" test "$(git --git-dir "$S/repo.git" rev-list --count main)" -eq $((BEFORE + 1))
expect_out "^$A handover 1$" "the case lars.t was contact of gets a handover"
expect_no_out "^$B handover" "a case where lars.t was only on the team gets no handover record"
expect_err "moved: responsible for measure m1 of case $B" "it tells what else moved"
run case show "$A" --json
expect_out '"responsible": "sara.t"' "case A: the measure is sara.t's"
expect_no_out '"responsible": "lars.t"' "case A: nothing left with lars.t"
run case show "$B" --json
expect_no_out '"staff": "lars.t"' "case B: lars.t is off the team (sara.t, the contact, keeps her own place)"
python3 - "$OUT" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {m["description"]: m["responsible"] for m in d["plan"]["measures"]}
sys.exit(0 if by == {"Fast plads": "sara.t", "Pauser": "lars.t"} else by)
PY
assert "case B: the active measure moved; the completed one still says who did it" test $? -eq 0
run case show "$C" --json
expect_out '"staff": "sara.t"' "case C: lars.t's team place goes to sara.t"
run journal list "$A" --json
expect_out '"corrects": "j1"' "case A: the follow-up got a correction"
expect_out '"owner": "sara.t"' "naming sara.t as its owner"
run due --all --staff lars.t --json
expect_out '^\[\]$' "lars.t owes nothing any more (the onboarding lapsed with the team place)"
run due --all --staff sara.t --json
python3 - "$OUT" "$A" "$B" <<'PY'
import json, sys
items = json.load(open(sys.argv[1]))
fu = sorted(i["case"] for i in items if i["kind"] == "follow_up")
sys.exit(0 if fu == sorted(sys.argv[2:4]) else fu)
PY
assert "sara.t owes both follow-ups" test $? -eq 0
run staff leave lars.t --reason "fratrådt"
expect_rc 0 "then staff leave goes through"

# ---- nobody can give a leaver anything new ----
expect_refused "$S" 1 "--responsible: 'lars.t' is no longer active staff" \
    "a measure for someone who left" measure add "$A" --setting school --description "Ny" --goal "Mål" \
    --responsible lars.t --review-by 2027-03-01
expect_refused "$S" 1 "team\[[0-9]\].staff: 'lars.t' is no longer active staff" "a team place for someone who left" \
    team add "$A" lars.t --role støtte
expect_refused "$S" 1 "--owner: 'lars.t' is no longer active staff" "a follow-up for someone who left" \
    journal add "$A" --kind observation --text "Ny" --follow-up 2027-01-01 --owner lars.t
expect_refused "$S" 1 "--to: 'lars.t' is no longer active staff" "a handover to someone who left" \
    handover staff "$A" --to lars.t
run case set "$B" plan.strengths "Glad for musik"
expect_rc 0 "a case that still names a leaver (a completed measure) can be changed"

# ---- bad input ----
"$BATON" staff add ole.t --name "Ole Testlærer" --email ole.t@skole.example --role teacher >/dev/null
"$BATON" measure add "$A" --setting school --description "Læsning" --goal "Mål" --responsible ole.t \
    --review-by 2027-03-01 >/dev/null 2>&1
"$BATON" team add "$C" ole.t --role støtte >/dev/null 2>&1
printf '%s sara.t\n' "$A" >"$T/map"
expect_refused "$S" 1 "--map: no receiver for case $C of ole.t" "a map that leaves a case out" \
    handover staff --from ole.t --map "$T/map"
expect_refused "$S" 1 "--to: 'ole.t' is the one handing over" "handing over to oneself" \
    handover staff --from ole.t --to ole.t
expect_refused "$S" 4 "--from: unknown staff member 'ghost'" "--from someone unknown" \
    handover staff --from ghost --to sara.t
expect_refused "$S" 1 "laerer1 \(teacher\) may not" "a teacher may not move a colleague's cases" \
    --as laerer1 handover staff --from ole.t --to sara.t
printf '%s sara.t\n%s pia.p\n' "$A" "$C" >"$T/map"
run handover staff --from ole.t --map "$T/map"
expect_rc 0 "a map naming every case"
run case show "$C" --json
expect_no_out '"staff": "ole.t"' "case C: ole.t's place went to the map's receiver (pia.p, the contact)"

run fsck
expect_rc 0 "the store passes baton fsck"
# what is due, from the index, is what working it out from git gives
expect_due_same "due at the end of t_leave" --all
expect_due_same "due at the end of t_leave, as of a day long ago" --as-of 2020-01-01
finish
