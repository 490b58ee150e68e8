# Cases: creating, showing (now and at earlier revisions and dates), listing, setting fields,
# and every kind of bad input refused with a clear message and no write.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord

run case new --child "Mira Mønstersen" --born 2017-05-06 --context school:Testskolen:2.B:Testkommune \
    --contact laerer1 --national-id 060517-0000 --reason "henvist fra PPR"
expect_rc 0 "case new"
ID=$(cat "$OUT")
assert "case new prints the id alone" test "$(wc -l <"$OUT")" -eq 1 -a -n "$ID"
CASE_FILE=$(git --git-dir "$S/repo.git" ls-tree -r --name-only main | grep "/$ID/case.json")
# context kinds in the users' own words
for spec in "skole:school" "skola:school" "dagtilbud:daycare" "förskola:daycare" "Fritid:leisure" "fritidshem:leisure" \
    "specialskole:special_school" "andet:other"; do
    run case new --child "Kim Kontekst" --born 2017-05-06 --context "${spec%%:*}:Testskolen:2.B" --contact laerer1
    expect_rc 0 "a context kind in the users' words: ${spec%%:*}"
    run case show "$(cat "$OUT")" --json
    expect_out "\"kind\": \"${spec#*:}\"" "${spec%%:*} is stored as ${spec#*:}"
done
assert "case lives under a two-hex-digit fan-out" sh -c "echo '$CASE_FILE' | grep -qE '^cases/[0-9a-f]{2}/$ID/case.json$'"
assert "the commit names the case id" git --git-dir "$S/repo.git" log -1 --format=%s | grep -q "^case $ID: create case$"
assert "the commit keeps the reason" git --git-dir "$S/repo.git" log -1 --format=%B | grep -q "henvist fra PPR"
assert "the commit never names the child" sh -c "! git --git-dir '$S/repo.git' log --format=%B | grep -q Mønstersen"
assert "case.json is canonical (sorted keys, 2-space indent, trailing newline)" sh -c "
    git --git-dir '$S/repo.git' show main:$CASE_FILE >'$T/c.json'
    /usr/bin/python3 -c 'import json,sys; t=open(\"$T/c.json\",encoding=\"utf-8\").read(); sys.exit(t != json.dumps(json.loads(t), indent=2, sort_keys=True, ensure_ascii=False)+\"\\n\")'"

run case show "$ID"
expect_out "Mira Mønstersen" "show: child name (UTF-8 intact)"
expect_out "Contact person +laerer1" "show: contact person"
expect_out "^Strengths and what works" "show: sections"
expect_no_out "060517" "show hides the national id"
run case show "$ID" --json
expect_no_out "national_id" "show --json hides the national id"
run case show "$ID" --show-national-id
expect_out "National id +060517-0000" "--show-national-id shows it"
run case list
expect_no_out "060517" "case list hides the national id"
expect_out "^$ID +active +Mira Mønstersen +Testskolen 2.B +laerer1" "case list line"

# set and show at earlier revisions
REV1=$(head_of "$S")
run case set "$ID" plan.strengths "Fortæller levende om dyr og natur" --reason "fra skole-hjem-samtale"
expect_rc 0 "case set"
run case set "$ID" plan.challenges.home "Aftener er svære efter lange skoledage"
expect_rc 0 "case set creates the missing challenges object"
run case set "$ID" plan.needs_predictability ja
expect_rc 1 "a boolean must be true/false/yes/no"
expect_err "plan.needs_predictability: 'ja' is not true or false" "bool: message names the field"
run case set "$ID" plan.needs_predictability true
expect_rc 0 "set a boolean"
run case show "$ID" --at "$REV1"
expect_rc 0 "show --at a revision"
expect_no_out "levende" "show --at shows the old version"
run case show "$ID"
expect_out "levende" "show shows the new version"
run case show "$ID" --at 2000-01-01
expect_rc 4 "show --at a date before the store existed"
TODAY=$(date -u +%F)
run case show "$ID" --at "$TODAY"
expect_out "levende" "show --at today's date shows the latest version"
run case show "$ID" --at 2026-02-30
expect_rc 1 "show --at an impossible date"
expect_err "--at: not a date" "impossible date: message names --at"
run case set "$ID" plan.strengths "Fortæller levende om dyr og natur"
expect_rc 0 "setting the same value is not an error"
expect_err "set plan.strengths: the case already holds that; nothing written" "same value: nothing written"

# list filters
C2=$(new_case "$S")
"$BATON" case set "$C2" status closed >/dev/null 2>&1
run case list --status closed
expect_out "^$C2 " "list --status closed"
expect_no_out "^$ID " "list --status filters"
run case list --contact laerer1 --json
expect_out "\"id\": \"$ID\"" "list --contact --json"
run case list --status sleeping
expect_rc 1 "list with a bad status"
expect_err "--status: 'sleeping' is not one of" "bad --status: message"

# bad input: nothing is written, and the message names the field or argument
expect_refused "$S" 1 "--born: not a date \(YYYY-MM-DD\): '2017-13-01'" "invalid date" \
    case new --child "A B" --born 2017-13-01 --context school:X --contact laerer1
expect_refused "$S" 1 "--born: not a date" "date in the wrong format" \
    case new --child "A B" --born 06-05-2017 --context school:X --contact laerer1
expect_refused "$S" 4 "--contact: unknown staff member 'ghost'" "unknown contact staff" \
    case new --child "A B" --born 2017-01-01 --context school:X --contact ghost
expect_refused "$S" 1 "--contact: required" "missing contact person" \
    case new --child "A B" --born 2017-01-01 --context school:X
expect_refused "$S" 1 "--context: context.kind: 'moon' is not one of" "wrong context kind" \
    case new --child "A B" --born 2017-01-01 --context moon:X --contact laerer1
expect_refused "$S" 1 "--context: context.institution: required" "context without institution" \
    case new --child "A B" --born 2017-01-01 --context school --contact laerer1
expect_refused "$S" 1 "--child: not valid UTF-8" "invalid UTF-8 in a name" \
    case new --child "$(printf 'A\377B')" --born 2017-01-01 --context school:X --contact laerer1
expect_refused "$S" 1 "plan.strengths: not valid UTF-8" "invalid UTF-8 in a field value" \
    case set "$ID" plan.strengths "$(printf 'bad \300\200 bytes')"
LONG=$(head -c 10001 /dev/zero | tr '\0' 'x')
expect_refused "$S" 1 "plan.strengths: too long \(10001 characters, at most 10000\)" "over-long text" \
    case set "$ID" plan.strengths "$LONG"
LONGNAME=$(head -c 201 /dev/zero | tr '\0' 'y')
expect_refused "$S" 1 "child.name: too long" "over-long short text" case set "$ID" child.name "$LONGNAME"
expect_refused "$S" 1 "plan.favourite_colour: unknown field" "unknown field" \
    case set "$ID" plan.favourite_colour blue
expect_refused "$S" 1 "status: 'sleeping' is not one of active\|closed\|transferred" "wrong enum value" \
    case set "$ID" status sleeping
expect_refused "$S" 1 "context.kind: 'moon' is not one of" "wrong enum value, nested" \
    case set "$ID" context.kind moon
expect_refused "$S" 1 "id: cannot be changed" "read-only field" case set "$ID" id other
expect_refused "$S" 1 "child.born: required, cannot be empty" "emptying a required field" \
    case set "$ID" child.born ""
expect_refused "$S" 1 "plan.challenges: is a group of fields" "setting a group" \
    case set "$ID" plan.challenges x
expect_refused "$S" 4 "plan.measures\[m9\]: no such entry" "unknown list entry" \
    case set "$ID" "plan.measures[m9].goal" x
expect_refused "$S" 1 "contact: the contact person changes only through a handover: baton handover staff $ID --to STAFF" \
    "the contact person is not set by case set" case set "$ID" contact.staff koord
expect_refused "$S" 4 "no case with id 'nosuchcase'" "unknown case id" case set nosuchcase plan.strengths x
expect_refused "$S" 1 "--reason: must not contain the child's name" "reason naming the child" \
    case set "$ID" plan.works_well "Korte beskeder" --reason "Mira havde en god uge"
run case show nosuchcase
expect_rc 4 "show of an unknown case"
expect_err "^baton: no case with id 'nosuchcase'" "unknown case: message"
run case set "$ID" plan.strengths
expect_rc 2 "case set with a missing VALUE is a usage error"
run case bogus
expect_rc 2 "an unknown case subcommand is a usage error"
run case --help
expect_rc 0 "case --help"
for sub in new list show set edit log diff; do
    run case $sub --help
    expect_rc 0 "case $sub --help"
    expect_out "^usage: baton case $sub" "case $sub --help prints usage"
done
for cmd in init staff measure focus guardian team validate; do
    run $cmd --help
    expect_rc 0 "$cmd --help"
done

# an empty value removes an optional field
run case set "$ID" plan.challenges.home ""
expect_rc 0 "empty value removes an optional field"
run case show "$ID" --json
expect_no_out '"home"' "the field is gone"

# ---- case fields: what case set can change, from the same tables the validator uses ----
run case fields
expect_rc 0 "case fields"
expect_out "^plan\.measures\[ID\]\.status +planned \| active \| completed \| stopped; required$" "a measure's status and its values"
expect_out "^contact\.staff .*changes only through a handover" "the contact person points to handovers"
expect_out "^guardians\[ID\]\.agreement\.channels +a comma-separated list of: aula \| email" "a list says what its items take"
run case fields --json
python3 - "$OUT" <<'PY'
import json, sys
fields = {f["field"]: f for f in json.load(open(sys.argv[1]))}
ok = "plan.strengths" in fields and fields["opened"].get("note") == "cannot be changed" and fields["child.name"]["required"]
sys.exit(0 if ok else 1)
PY
assert "case fields --json: fields, what they take, required, notes" test $? -eq 0
run case set "$ID" plan.needs_predictability true
expect_rc 0 "a field case fields lists can be set"
expect_refused "$S" 2 "expected no arguments|unexpected argument" "case fields takes no argument" case fields x

finish
