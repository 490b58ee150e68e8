# The journal: append-only entries, corrections shown under the entry they correct, follow-ups
# closed by entries of their own, concurrent appends, search over journal texts, and bad input
# refused with the head unmoved.
. "$(dirname "$0")/lib.sh"

S=$T/store
export BATON_TODAY=2026-10-01
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
ID=$(new_case "$S")
run guardian add "$ID" --name "Gitte Eksempelsen" --relation mor --frequency weekly --channel aula \
    --topics both --detail brief --agreed-on 2026-09-28
expect_rc 0 "guardian for the journal"

# ---- adding and listing ----
run journal add "$ID" --kind contact --text "Ringede om læsningen derhjemme" --with "gitte eksempelsen" \
    --with "PPR-psykolog" --channel phone --at 2026-09-30T14:05Z --follow-up 2026-10-10 --owner laerer1
expect_rc 0 "journal add: a contact with a guardian"
expect_out "^j1$" "the first entry is j1, printed alone on stdout"
run journal add "$ID" --kind observation --text "Leger med to nye kammerater i frikvarteret" --at 2026-10-01
expect_out "^j2$" "the second entry is j2"
run journal add "$ID" --kind status_update --text "Kort status sendt via Aula" --channel aula --with g1
expect_out "^j3$" "an entry without --at gets today"
run journal list "$ID" --json
expect_out '"at": "2026-09-30T14:05:00Z"' "--at is stored as a UTC time"
expect_out '"guardians": \[' "a guardian named in --with is linked by id"
expect_out '"with": \[' "other people in --with are kept by name"
expect_out '"PPR-psykolog"' "the other person's name is kept"
expect_out '"at": "2026-10-01"' "a date-only --at stays a date"
expect_out '"by": "koord"' "the author is recorded"
ENTRY_FILE=$(git --git-dir "$S/repo.git" ls-tree -r --name-only main | grep '/journal/.*-1\.json$')
assert "each entry is its own file under the case's journal/" test -n "$ENTRY_FILE"
run journal list "$ID"
expect_out "^j1 +2026-09-30T14:05:00Z +contact +phone +by koord" "list shows id, time, kind, channel and author"
expect_out "Gitte Eksempelsen \(g1\), PPR-psykolog +\(with\)" "list shows who took part"
expect_out "follow-up by 2026-10-10, owner laerer1 \[open\]" "list shows the open follow-up"
run journal list "$ID" --kind observation
expect_out "^j2 " "--kind keeps observations"
expect_no_out "^j1 " "--kind leaves out other kinds"
run journal list "$ID" --since 2026-10-01
expect_no_out "^j1 " "--since leaves out earlier entries"
expect_out "^j2 " "--since keeps entries on that day"

# ---- corrections: a new entry, shown under the one it corrects; the old file never changes ----
BLOB_BEFORE=$(git --git-dir "$S/repo.git" rev-parse "main:$ENTRY_FILE")
run journal add "$ID" --corrects j1 --text "Rettelse: samtalen var om matematik, ikke læsning" --with g1 \
    --channel phone --at 2026-09-30T14:05Z --follow-up 2026-10-12 --owner laerer1
expect_rc 0 "journal add --corrects"
expect_out "^j4$" "the correction is a new entry"
run journal list "$ID"
awk '/^j1 /{a=NR} /^    j4 /{b=NR} END{exit !(a && b == a + 4)}' "$OUT"
assert "the correction is printed, indented, right under the entry it corrects" test $? -eq 0
expect_out "^    j4 +2026-09-30T14:05:00Z +contact +phone +by koord +\(corrects j1\)" "the correction keeps j1's kind"
expect_out "owner laerer1 \[withdrawn by the correction\]" "the corrected entry's follow-up is withdrawn"
run journal list "$ID" --json
python3 -c 'import json,sys; d={e["id"]:e for e in json.load(open(sys.argv[1]))}; sys.exit(d["j1"]["corrected_by"] != ["j4"])' "$OUT"
assert "--json: j1 is corrected_by j4" test $? -eq 0
assert "the corrected entry's file is unchanged" test "$(git --git-dir "$S/repo.git" rev-parse "main:$ENTRY_FILE")" = "$BLOB_BEFORE"
assert "the corrected entry's file was written by one commit only" \
    test "$(git --git-dir "$S/repo.git" log --format=%H main -- "$ENTRY_FILE" | wc -l)" -eq 1

# ---- nothing edits or removes an entry ----
expect_refused "$S" 2 "'remove' is not a 'baton journal' command" "there is no journal remove" journal remove "$ID" j1
expect_refused "$S" 2 "'set' is not a 'baton journal' command" "there is no journal set" journal set "$ID" j1 --text x
expect_refused "$S" 2 "'edit' is not a 'baton journal' command" "there is no journal edit" journal edit "$ID" j1
expect_refused "$S" 1 "journal: unknown field" "case set cannot reach the journal" case set "$ID" journal.j1.text x
run case show "$ID" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["journal"]=[{"id":"j1","text":"x"}]; json.dump(d, open(sys.argv[2],"w"))' "$OUT" "$T/edit.json"
expect_refused "$S" 1 "journal: unknown field" "case edit cannot reach the journal" case edit "$ID" --file "$T/edit.json"

# ---- follow-ups ----
expect_refused "$S" 1 "ENTRY: j1 was corrected by j4" "the withdrawn follow-up cannot be closed" followup done "$ID" j1
run followup done "$ID" j4 --note "Aftalt ny samtale med mor"
expect_rc 0 "followup done"
expect_out "^j5$" "closing a follow-up is a journal entry of its own"
run journal list "$ID"
expect_out "owner laerer1 \[closed by j5\]" "the follow-up shows as closed"
expect_out "^j5 .*follow_up_done .*\(closes the follow-up of j4\)" "the closing entry says what it closes"
expect_refused "$S" 1 "ENTRY: the follow-up of j4 was already closed by j5" "closing twice" followup done "$ID" j4
expect_refused "$S" 1 "ENTRY: j2 has no follow-up to close" "closing an entry without a follow-up" followup done "$ID" j2
expect_refused "$S" 4 "ENTRY: no entry j9" "closing an unknown entry" followup done "$ID" j9
expect_refused "$S" 1 "ENTRY: 'x1' is not a journal entry id" "closing a malformed entry id" followup done "$ID" x1

# ---- bad input: a clear message naming the option, and the head does not move ----
expect_refused "$S" 4 "no case with id 'nosuch'" "unknown case" journal add nosuch --kind contact --text x
expect_refused "$S" 1 "--owner: required: every follow-up has an owner" "a follow-up without an owner" \
    journal add "$ID" --kind decision --text x --follow-up 2026-12-01
expect_refused "$S" 1 "--follow-up: required with an owner" "an owner without a follow-up date" \
    journal add "$ID" --kind decision --text x --owner laerer1
expect_refused "$S" 4 "--owner: unknown staff member 'ghost'" "a follow-up owned by unknown staff" \
    journal add "$ID" --kind decision --text x --follow-up 2026-12-01 --owner ghost
expect_refused "$S" 1 "--follow-up: not a date \(YYYY-MM-DD\): '01-12-2026'" "a follow-up date in the wrong format" \
    journal add "$ID" --kind decision --text x --follow-up 01-12-2026 --owner laerer1
expect_refused "$S" 1 "--at: not a date or time" "--at in the wrong format" \
    journal add "$ID" --kind contact --text x --at "i går"
expect_refused "$S" 1 "--at: '2026-10-02' is in the future" "--at in the future" \
    journal add "$ID" --kind contact --text x --at 2026-10-02
expect_refused "$S" 1 "--kind: 'gossip' is not one of contact\|meeting\|observation\|status_update\|decision" \
    "an unknown kind" journal add "$ID" --kind gossip --text x
expect_refused "$S" 1 "--kind: follow_up_done entries are written by 'baton followup done'" \
    "follow_up_done is not for journal add" journal add "$ID" --kind follow_up_done --text x
expect_refused "$S" 1 "--channel: 'pigeon' is not one of aula\|email\|phone\|meeting\|sms\|other" "an unknown channel" \
    journal add "$ID" --kind contact --text x --channel pigeon
expect_refused "$S" 2 "--text: required" "an entry without text" journal add "$ID" --kind contact
expect_refused "$S" 2 "--kind: required" "an entry without a kind" journal add "$ID" --text x
expect_refused "$S" 4 "--corrects: no entry j42" "correcting an unknown entry" journal add "$ID" --corrects j42 --text x
expect_refused "$S" 1 "--corrects: j5 closes a follow-up" "correcting a closing entry" journal add "$ID" --corrects j5 --text x
expect_refused "$S" 1 "--with: must not be empty" "an empty --with" journal add "$ID" --kind contact --text x --with ""
expect_refused "$S" 1 "--reason: must not contain the child's name" "the child's name in the commit message" \
    journal add "$ID" --kind contact --text x --reason "om Testbarn"
expect_refused "$S" 1 "--since: not a date" "journal list --since in the wrong format" journal list "$ID" --since yesterday
expect_refused "$S" 1 "--kind: 'x' is not one of" "journal list --kind unknown" journal list "$ID" --kind x
expect_refused "$S" 4 "no case with id 'nosuch'" "journal list of an unknown case" journal list nosuch

# ---- the store stays clean: no personal data in commit messages ----
git --git-dir "$S/repo.git" log --format=%B main >"$T/messages"
if grep -q "Gitte\|læsning\|Testbarn" "$T/messages"; then not_ok "commit messages hold no journal text or names"; else ok; fi
git --git-dir "$S/repo.git" log -1 --format=%s main >"$OUT"
expect_out "^case $ID: journal j5 \(follow_up_done\)$" "the commit subject names the case by id and the entry"

# ---- concurrent appends to one journal all land, each with its own number ----
append() { "$BATON" journal add "$ID" --kind observation --text "Samtidig observation $1" >"$T/par.$1" 2>&1; }
export BATON ID T BATON_STORE BATON_USER
pids=""
for i in 1 2 3 4 5 6; do spawn append "$i"; pids="$pids $SPAWNED"; done
wait_deadline 120 $pids
cat "$T/par."* | grep -c '^j[0-9]*$' >"$OUT"
expect_out "^6$" "six concurrent appends all succeed"
cat "$T/par."* | grep '^j[0-9]*$' | sort -u | wc -l >"$OUT"
expect_out "^6$" "and each got its own entry number"
run journal list "$ID" --json
python3 -c 'import json,sys; ids=[e["id"] for e in json.load(open(sys.argv[1]))]; sys.exit(sorted(ids, key=lambda i:int(i[1:])) != ["j%d" % n for n in range(1, 12)])' "$OUT"
assert "the journal holds j1..j11 with no gaps or duplicates" test $? -eq 0

# ---- search finds journal texts, in all their forms ----
run search "samtale"
expect_out "journal\[j4\]\.text" "search finds a journal entry (samtale matches samtalen)"
run search "kammerat" --field journal
expect_out "journal\[j2\]\.text" "--field journal limits to journal texts"
run search "kammerat" --field plan
expect_rc 0 "search --field plan"
expect_no_out "journal" "--field plan leaves the journal out"
rm -f "$S/index.db"
run search "kammerater" --json
expect_out '"field": "journal\[j2\]\.text"' "a rebuilt index finds the journal again"
run fsck
expect_rc 0 "fsck: the index with journal entries agrees with git"

# ---- a transferred case is read-only ----
ID2=$(new_case "$S" "Andet Barn")
run guardian add "$ID2" --name "Anna Andet" --relation mor
expect_refused "$S" 1 "status: a case is transferred only by a handover" "case set cannot mark a case transferred" \
    case set "$ID2" status transferred
run handover context "$ID2" --to-context "school:Nabokommunens Skole:1.A:Nabokommune" \
    --receiver "Nina Modtager <nina@nabo.example>" --basis statutory --basis-ref "Folkeskoleloven (syntetisk henvisning)"
expect_rc 0 "a transition out of the organisation marks the case transferred"
expect_refused "$S" 1 "case $ID2 was transferred and is read-only" "no journal entries on a transferred case" \
    journal add "$ID2" --kind contact --text x
run journal add "$ID2" --kind contact --with g1 --handover 1 --channel phone --text "Mor er orienteret om skiftet"
expect_rc 0 "but the guardians can still be told of the handover"

# what is due, from the index, is what working it out from git gives
expect_due_same "due at the end of t_journal" --all
expect_due_same "due at the end of t_journal, as of a day long ago" --as-of 2020-01-01
finish
