# A store that defends itself against outside writers. Plain git is a peer: anyone with access
# can push any bytes. Each case here is pushed with plain git into a fresh copy of one store, then
# the commands a user runs are checked: nothing crashes, the bad record is skipped with a warning
# naming its path and commit, the case it belongs to says "invalid at REV", the other case is
# still found by search, and `baton fsck` names path, commit and rule, exit 1.
. "$(dirname "$0")/lib.sh"

TEMPLATE=$T/template
new_store "$TEMPLATE" || { not_ok "store setup"; finish; exit 1; }
export BATON_USER=koord
A=$(BATON_STORE=$TEMPLATE new_case "$TEMPLATE" "Anna Udefra")
B=$(BATON_STORE=$TEMPLATE new_case "$TEMPLATE" "Bo Indefra")
BATON_STORE=$TEMPLATE "$BATON" case set "$A" plan.strengths "Synger i koret" >/dev/null
BATON_STORE=$TEMPLATE "$BATON" case set "$B" plan.strengths "Bygger flotte vindmøller af pap" >/dev/null
BATON_STORE=$TEMPLATE "$BATON" journal add "$A" --kind contact --text "Telefonsamtale om morgenrutinen" \
    --follow-up 2026-12-01 --owner laerer1 >/dev/null 2>&1
BATON_STORE=$TEMPLATE "$BATON" measure add "$A" --setting school --description "Fast plads" --goal "Ro" \
    --responsible laerer1 --review-by 2027-01-10 >/dev/null 2>&1
BATON_STORE=$TEMPLATE "$BATON" measure add "$B" --setting school --description "Pauser i grupperum" --goal "Ro" \
    --responsible laerer1 --review-by 2027-01-10 >/dev/null 2>&1
# a sender this store trusted once, and revoked
BATON_STORE=$TEMPLATE "$BATON" key trust "8UVjhDLH36qsViC+ww00jgjj9sVmcbhYgNQ/8RtPvvs=" --name Nabokommune >/dev/null
BATON_STORE=$TEMPLATE "$BATON" key revoke 4aff1d0f9cb9154d1f80889d3d9c1de0 --reason "ny nøgle" >/dev/null
run --store "$TEMPLATE" fsck
expect_rc 0 "the store Baton wrote passes its own fsck"
CASE_A=$(git --git-dir "$TEMPLATE/repo.git" ls-tree -r --name-only main | grep "/$A/case.json")
JOURNAL_A=$(git --git-dir "$TEMPLATE/repo.git" ls-tree -r --name-only main | grep "/$A/journal/")

n=0
# outside NAME PYTHON: a fresh copy of the template, one commit made with plain git by
# "Mallory <mallory@example.invalid>" (or, with AS=koord, under koord's name and trailers), pushed to
# main. PYTHON edits the checkout: `doc(path)` reads a record, `put(path, doc)` writes one in
# canonical form, `raw(path, text)` writes bytes as they are. Sets S (the store) and REV.
outside() {
    n=$((n + 1))
    S=$T/s$n
    cp -a "$TEMPLATE" "$S"
    rm -rf "$T/w$n"
    git clone -q "$S/repo.git" "$T/w$n" 2>/dev/null
    (cd "$T/w$n" && python3 - "$2" <<'PY'
import json, sys
def doc(p): return json.load(open(p, encoding="utf-8"))
def put(p, d):
    with open(p, "w", encoding="utf-8") as f:
        f.write(json.dumps(d, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
def raw(p, t):
    with open(p, "w", encoding="utf-8") as f:
        f.write(t)
exec(sys.argv[1])
PY
    )
    local name="Mallory" email="mallory@example.invalid" trailer=""
    if [ "${AS:-}" = koord ]; then
        name="Kirsten Koordinator" email="koord@skole.example" trailer=$'\n\nBaton-Staff: koord'
    fi
    git -C "$T/w$n" add -A
    git -C "$T/w$n" -c user.name="$name" -c user.email="$email" commit -q -m "$1$trailer"
    git -C "$T/w$n" push -q origin HEAD:main 2>/dev/null
    REV=$(head_of "$S")
    export BATON_STORE=$S
}

# fsck_finds RULE PATH-PATTERN MESSAGE-PATTERN DESCRIPTION: fsck exits 1 and lists the finding
# with the commit just pushed.
fsck_finds() {
    run fsck
    expect_rc 1 "$4: fsck exits 1"
    expect_out "^$1: ${2:+$2 }at ${REV:0:12}: .*$3" "$4: fsck names rule, path and commit"
    expect_err "^baton: fsck: [0-9]+ problems? found" "$4: fsck counts its findings"
}

# still_searchable DESCRIPTION: the other case is still found, and reindex works
still_searchable() {
    run search vindmøller
    expect_rc 0 "$1: search still works"
    expect_out "^$B " "$1: the other case is still found"
    run reindex
    expect_rc 0 "$1: reindex still works"
}

# ---- a case's status set to 42 ----
outside "case: status 42" "d = doc('$CASE_A'); d['status'] = 42; put('$CASE_A', d)"
run due --as-of 2027-06-01
expect_rc 0 "status 42: due does not crash"
expect_err "^baton: warning: skipped $CASE_A: this record is invalid at ${REV:0:12}: status: must be a string" \
    "status 42: due warns, naming the path and the commit"
expect_out "$B +Bo Indefra .*review measure m1" "status 42: due still lists the rest"
expect_due_same "a record broken with plain git: due from the index" --as-of 2027-06-01
run case show "$A"
expect_rc 1 "status 42: case show refuses"
expect_err "^baton: $CASE_A: this record is invalid at ${REV:0:12}: status: must be a string" \
    "status 42: case show says the record is invalid at the revision"
expect_no_out "null" "status 42: case show prints nothing half-read"
run case list
expect_rc 0 "status 42: case list works"
expect_out "^$B " "status 42: case list shows the valid case"
expect_no_out "^$A " "status 42: and leaves out the invalid one"
expect_err "warning: skipped $CASE_A" "status 42: case list warns"
run case log "$A"
expect_rc 0 "status 42: case log reads the history"
expect_out "invalid record, not written by Baton: status: must be a string" "status 42: case log marks the version"
run journal list "$A"
expect_rc 1 "status 42: journal list of the invalid case refuses"
expect_err "this record is invalid at" "status 42: journal list: message"
still_searchable "status 42"
run search koret
expect_no_out "^$A " "status 42: the invalid case's texts are not current search hits"
fsck_finds record "$CASE_A" "status: must be a string" "status 42"
run case set "$A" plan.works_well "noget"
expect_rc 1 "status 42: a save to the invalid case is refused"
expect_err "this record is invalid at" "status 42: the save says why"

# ---- an extra field ----
outside "case: extra field" "d = doc('$CASE_A'); d['favourite_colour'] = 'blå'; put('$CASE_A', d)"
fsck_finds record "$CASE_A" "favourite_colour: unknown field" "extra field"
still_searchable "extra field"

# ---- a date that does not exist ----
outside "case: 30 February" "d = doc('$CASE_A'); d['plan']['measures'][0]['review_by'] = '2026-02-30'; put('$CASE_A', d)"
fsck_finds record "$CASE_A" "plan.measures\[0\].review_by: not a date \(YYYY-MM-DD\): '2026-02-30'" "2026-02-30"
run due --as-of 2027-06-01
expect_rc 0 "2026-02-30: due does not crash"
expect_due_same "a record broken with plain git: due from the index" --as-of 2027-06-01
still_searchable "2026-02-30"

# ---- a truncated case.json ----
outside "case: truncated" "t = open('$CASE_A', encoding='utf-8').read(); raw('$CASE_A', t[:len(t) // 2])"
fsck_finds record "$CASE_A" "malformed JSON at line" "truncated case.json"
run case show "$A"
expect_rc 1 "truncated: case show refuses"
expect_err "this record is invalid at ${REV:0:12}: malformed JSON" "truncated: case show names the problem"
still_searchable "truncated"

# ---- a journal entry rewritten (append-only) ----
outside "journal: rewritten" "d = doc('$JOURNAL_A'); d['text'] = 'Det skete aldrig'; put('$JOURNAL_A', d)"
fsck_finds append-only "$JOURNAL_A" "journal entry changed after it was written" "rewritten journal entry"
run journal list "$A"
expect_rc 0 "rewritten journal entry: journal list still works"

# ---- a journal entry removed ----
outside "journal: removed" "import os; os.remove('$JOURNAL_A')"
fsck_finds append-only "$JOURNAL_A" "journal entry removed" "removed journal entry"

# ---- the contact person changed to an unknown staff id, without a handover ----
outside "case: new contact" "d = doc('$CASE_A'); d['contact']['staff'] = 'ukendt'; put('$CASE_A', d)"
fsck_finds contact-handover "$CASE_A" "contact person became 'ukendt' without a handover" "contact without handover"
expect_out "^unknown-staff: $CASE_A at ${REV:0:12}: contact.staff: 'ukendt' is not in the staff directory" \
    "contact to unknown staff: named"

# ---- a journal kind Baton does not know ----
outside "journal: unknown kind" "
import os
p = '$JOURNAL_A'.rsplit('/', 1)[0] + '/20260101T100000Z-7.json'
d = doc('$JOURNAL_A'); d['id'] = 'j7'; d['kind'] = 'gossip'; d['recorded'] = '2026-01-01T10:00:00Z'; del d['follow_up']
put(p, d)"
JP=$(git --git-dir "$S/repo.git" ls-tree -r --name-only main | grep "/$A/journal/20260101T100000Z-7.json")
fsck_finds record "$JP" "kind: 'gossip' is not one of" "unknown journal kind"
run journal list "$A"
expect_rc 0 "unknown journal kind: journal list works"
expect_err "warning: skipped $JP: this record is invalid at ${REV:0:12}: kind:" "unknown journal kind: skipped with a warning"
run due --as-of 2027-06-01
expect_rc 0 "unknown journal kind: due does not crash"
expect_due_same "a record broken with plain git: due from the index" --as-of 2027-06-01

# ---- a staff role outside the list ----
outside "staff: role" "d = doc('staff/laerer1.json'); d['role'] = 'overlord'; put('staff/laerer1.json', d)"
fsck_finds record "staff/laerer1.json" "role: 'overlord' is not one of" "staff role outside the list"
run staff list
expect_rc 0 "bad staff role: staff list works"
expect_err "warning: skipped staff/laerer1.json" "bad staff role: staff list warns"
run case show "$B" --as laerer1
expect_rc 1 "bad staff record: that person cannot act"

# ---- a commit by someone who is not staff ----
outside "case: edited by a stranger" "d = doc('$CASE_A'); d['plan']['strengths'] = 'Ændret udefra'; put('$CASE_A', d)"
fsck_finds author "" "the author <mallory@example.invalid> is not in the staff directory" "stranger's commit"
expect_out "^trailer: at ${REV:0:12}: no Baton-Staff trailer" "stranger's commit: no trailers"

# ---- a commit that claims to be koord's, made by someone else ----
AS=koord outside "case: forged" "d = doc('$CASE_A'); d['plan']['strengths'] = 'Forfalsket'; put('$CASE_A', d)"
run fsck
expect_rc 0 "a commit in koord's name with koord's trailer is koord's as far as git can tell"
outside "case: forged trailer" "d = doc('$CASE_A'); d['plan']['strengths'] = 'Forfalsket'; put('$CASE_A', d)"
git -C "$T/w$n" -c user.name=Mallory -c user.email=mallory@example.invalid commit -q --allow-empty \
    -m $'empty\n\nBaton-Staff: koord\nBaton-Staff: laerer1'
git -C "$T/w$n" push -q origin HEAD:main 2>/dev/null
REV=$(head_of "$S")
run fsck
expect_out "^author: at ${REV:0:12}: the author \(Mallory <mallory@example.invalid>\) is not koord" \
    "a trailer naming koord on Mallory's commit"
expect_out "^trailer: at ${REV:0:12}: Baton-Staff appears more than once" "a repeated trailer"

# ---- a file Baton never writes, and a non-canonical record ----
TRUST=trust/4aff1d0f9cb9154d1f80889d3d9c1de0.json
outside "trust: a revoked key trusted again" "d = doc('$TRUST'); del d['revoked']; del d['revoked_by']; put('$TRUST', d)"
fsck_finds append-only "$TRUST" "a revoked key was changed after its revocation" "a revocation undone with plain git"

outside "extra file" "raw('notes.txt', 'hej\n'); d = doc('$CASE_A'); raw('$CASE_A', json.dumps(d, ensure_ascii=False))"
fsck_finds unknown-file "notes.txt" "Baton does not write this file" "a stray file"
expect_out "^canonical: $CASE_A at ${REV:0:12}: not in canonical form" "a record not in canonical form"

# ---- permissions ----
S=$T/perm
cp -a "$TEMPLATE" "$S"
export BATON_STORE=$S
chmod 0755 "$S"
chmod 0644 "$S/audit.db"
REV=
run fsck
expect_rc 1 "permissions: fsck exits 1"
expect_out "^permissions: \.: open to other users \(mode 0755; want 0700\)" "permissions: the store directory"
expect_out "^permissions: audit.db: open to other users \(mode 0644; want 0600\)" "permissions: audit.db"
chmod 0700 "$S"
chmod 0600 "$S/audit.db"

# ---- history rewritten under the access log ----
S=$T/rewrite
cp -a "$TEMPLATE" "$S"
export BATON_STORE=$S
run case set "$B" plan.works_well "Korte beskeder"
GONE=$(head_of "$S")
git --git-dir "$S/repo.git" update-ref refs/heads/main "$GONE^"
run fsck
expect_rc 1 "a rewritten history: fsck exits 1"
expect_out "^audit-commit: audit.db at ${GONE:0:12}: access-log entry [0-9]+ records a change in a commit that is no longer in the history" \
    "a change the access log records is gone from the history"

# ---- bit rot: an object whose bytes no longer hash to its id ----
# (reads skip libgit2's hash check, set once for the process; fsck hashes every object itself)
S=$T/rot
cp -a "$TEMPLATE" "$S"
export BATON_STORE=$S
# saves write packs: unpacked here, so that one object's file can be damaged on its own
mkdir "$T/rot-packs"
mv "$S"/repo.git/objects/pack/pack-* "$T/rot-packs/"
for p in "$T"/rot-packs/*.pack; do git --git-dir "$S/repo.git" unpack-objects -q <"$p"; done
CASE_B=$(git --git-dir "$S/repo.git" ls-tree -r --name-only main | grep "/$B/case.json")
ROT=$(git --git-dir "$S/repo.git" rev-parse "main:$CASE_A")
GOOD=$(git --git-dir "$S/repo.git" rev-parse "main:$CASE_B")
ROTF=$S/repo.git/objects/${ROT:0:2}/${ROT:2}
GOODF=$S/repo.git/objects/${GOOD:0:2}/${GOOD:2}
if [ -f "$ROTF" ] && [ -f "$GOODF" ]; then
    chmod u+w "$ROTF" && cp "$GOODF" "$ROTF"
    run fsck
    expect_rc 1 "bit rot: fsck exits 1"
    expect_out "^object: .*object $ROT is missing or damaged" "bit rot: fsck names the object"
else
    not_ok "bit rot: the template's case records were unpacked into loose objects"
fi

# ---- baton init into an existing directory makes it private ----
mkdir -m 0755 "$T/open"
( umask 022; echo notes > "$T/open/left-here.txt" )
( umask 022; "$BATON" init "$T/open" >/dev/null 2>&1 )
assert "init into an existing directory (umask 022)" test -f "$T/open/audit.db"
assert "the store directory is 0700" test "$(stat -c %a "$T/open")" = 700
assert "audit.db is 0600" test "$(stat -c %a "$T/open/audit.db")" = 600
assert "no file in the store is open to group or others" sh -c "[ -z \"\$(find '$T/open' -perm /077)\" ]"
assert "a file that was there before is closed too" test "$(stat -c %a "$T/open/left-here.txt")" = 600
assert "every directory in the store is 0700" sh -c "[ -z \"\$(find '$T/open' -type d ! -perm 0700)\" ]"
assert "a first staff member is added (umask 022)" sh -c "umask 022; BATON_STORE='$T/open' '$BATON' staff add s0001 --name 'Ada Testesen' --email ada@example.invalid --role coordinator >/dev/null 2>&1"
assert "files baton writes later (umask 022) are private too" sh -c "[ -z \"\$(find '$T/open' -perm /077)\" ]"

# the stores above broke the rules on purpose: finish's schema check must not see them
for s in "$T"/s* "$T"/perm "$T"/rewrite "$T"/rot "$T"/rot-packs; do rm -rf "$s"; done
rm -rf "$T"/w*
finish
