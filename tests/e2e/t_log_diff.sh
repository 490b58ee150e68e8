# case log and case diff: every version with author, reason and changed fields; field-level
# diffs with word diffs for long texts.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
ID=$(new_case "$S")
OTHER=$(new_case "$S" "Anden Elevsen")
R0=$(head_of "$S")
"$BATON" case set "$ID" plan.works_well "Korte beskeder, en fast plads ved vinduet og pauser efter hver lektion i dansk" \
    --reason "observation i klassen" >/dev/null
BATON_USER=laerer1 "$BATON" case set "$OTHER" plan.strengths "Glad for idræt" >/dev/null
R1=$(head_of "$S")
BATON_USER=laerer1 "$BATON" case set "$ID" plan.works_well \
    "Korte beskeder, en fast plads ved døren og pauser efter hver lektion i dansk" >/dev/null
"$BATON" case set "$ID" plan.needs_predictability true >/dev/null
"$BATON" measure add "$ID" --setting school --description "Visuel dagsplan" --goal "Rolig start" \
    --responsible laerer1 --review-by 2027-01-10 >/dev/null 2>&1

run case log "$ID"
expect_rc 0 "case log"
assert "log lists exactly the 5 versions of this case" test "$(grep -c '^[0-9a-f]\{12\}  ' "$OUT")" -eq 5
expect_out "Lærke Lærer \(laerer1\)  set plan.works_well" "log shows author and change"
expect_out "why: observation i klassen" "log shows the reason"
expect_out "fields: plan.measures\[m1\]" "log shows changed fields"
expect_no_out "Glad for idræt|plan.strengths" "log leaves out other cases' commits"
run case log "$ID" --json
expect_out '"staff": "laerer1"' "log --json has the staff id"
expect_out '"fields": \[' "log --json has the fields"
run case log nosuchcase
expect_rc 4 "log of an unknown case"
# the catch-up keeps a bounded number of parsed case records; with one kept, the two cases'
# interleaved versions are read back from git, and the version map and what is due come out the same
"$BATON" case log "$ID" --json >"$T/log.kept" 2>&1
"$BATON" case log "$OTHER" --json >"$T/log2.kept" 2>&1
"$BATON" due --all --json >"$T/due.kept" 2>&1
BATON_INDEX_KEPT=1 "$BATON" reindex >/dev/null 2>&1
assert "one record kept: case log is the same" cmp -s "$T/log.kept" <("$BATON" case log "$ID" --json 2>&1)
assert "one record kept: the other case's log too" cmp -s "$T/log2.kept" <("$BATON" case log "$OTHER" --json 2>&1)
assert "one record kept: due is the same" cmp -s "$T/due.kept" <("$BATON" due --all --json 2>&1)
run fsck
expect_rc 0 "one record kept: fsck finds the index as git has it"

run case diff "$ID"
expect_rc 0 "diff of the latest change"
expect_out "plan.measures\[m1\].goal: added" "diff shows the added measure by id"
run case diff "$ID" "$R1" "$R1~0"
expect_out "no differences" "diff of a revision with itself"
run case diff "$ID" "$R1"
expect_out "plan.works_well: changed" "diff REV1 to now"
expect_out "ved \[-vinduet-\]\{\+døren\+\} og" "long texts show the changed words only"
expect_out "plan.needs_predictability: added" "diff shows added fields"
run case diff "$ID" "$R0" "$R1"
expect_out "plan.works_well: added" "diff REV1 REV2"
expect_no_out "needs_predictability" "diff REV1 REV2 stops at REV2"
run case diff "$ID" "$R1" --json
expect_out '"op": "changed"' "diff --json"
run case diff "$ID" nosuchrev
expect_rc 4 "diff with an unknown revision"
expect_err "no such revision: nosuchrev" "unknown revision: message"

# The git history is readable with plain git, authored by the people who made each change.
assert "git log shows each author" sh -c "git --git-dir '$S/repo.git' log --format=%an | sort -u | grep -qx 'Lærke Lærer'"
assert "no commit message names a child" sh -c "! git --git-dir '$S/repo.git' log --format=%B | grep -qE 'Testbarn|Eksempelsen|Elevsen'"

finish
