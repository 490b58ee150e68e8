# Erasure with proof: unique marker strings planted in every field, journal entry and handover
# of one case (and in a commit reason, a read's purpose and a search naming the child) are found
# in the store and its backup before; after `baton case erase` and the backup's next push and gc,
# not one byte of them is left in any file of the store directory (packs, loose objects, index.db
# with its WAL and shm, audit.db, auth.db) nor in any object or file of the remote. The other case
# is intact, git fsck --strict, baton fsck and audit verify pass, and bad input is refused with
# nothing written. An erasure cut short after the head moved is finished by running it again.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
"$BATON" staff add laerer2 --name "Lise Lærer" --email laerer2@skole.example --role teacher >/dev/null
printf 'koord kodeord 1234\n' | "$BATON" staff passwd koord >/dev/null

# the other child, with a handover whose revision the rewrite must carry to the new history
KEEP=$(new_case "$S" "Bente Bevaresen")
"$BATON" case set "$KEEP" plan.strengths "Bevaret tekst om klodser" >/dev/null

# ---- one case, a marker in every field ----
ID=$("$BATON" case new --child "Qzmfornavn Qzmefternavn" --born 2017-05-06 --national-id 060517-0000 \
    --context school:Qzmskolen:qzmklasse:Qzmkommune --contact laerer1 --reason "qzm01 henvist")
M() { echo "qzm$1"; }
{
    for f in strengths works_well child_perspective guardian_perspective transition_notes; do
        "$BATON" case set "$ID" "plan.$f" "tekst $(M "$f") her"
    done
    for f in school leisure home; do "$BATON" case set "$ID" "plan.challenges.$f" "svaert $(M "ch$f")"; done
    "$BATON" measure add "$ID" --setting school --description "$(M mdesc) billeder" --goal "$(M mgoal) selv" \
        --responsible laerer1 --review-by 2027-01-15
    "$BATON" measure set "$ID" m1 --outcome "$(M mout) gik godt"
    "$BATON" focus add "$ID" --area "$(M farea)" --text "$(M ftext) laese" --school "$(M fschool)" \
        --home "$(M fhome)" --follow-up 2027-01-20
    "$BATON" focus comment "$ID" f1 --by child --text "$(M fcomment) siger barnet"
    "$BATON" guardian add "$ID" --name "Qzmgitte Qzmefternavn" --relation "$(M grel)" --phone "+45 00 11 22 33" \
        --email qzmguardian@hjem.example --frequency weekly --channel aula,phone --topics both --detail brief \
        --agreed-on 2026-10-01
    "$BATON" consent add "$ID" --given-by g1 --date 2026-11-01 --scope strengths --purpose "$(M cpurpose)"
    "$BATON" team add "$ID" koord --role "$(M trole)" --responsible-for "$(M tresp)" --follows-up yes
    "$BATON" journal add "$ID" --kind contact --with g1 --channel phone --text "$(M jcontact) ringede" \
        --follow-up 2026-11-20 --owner laerer1
    "$BATON" journal add "$ID" --kind observation --text "$(M jobs) roligt" --restricted
    "$BATON" followup done "$ID" j1 --note "$(M jnote) lukket"
    "$BATON" handover staff "$ID" --to laerer2 --reason "$(M hreason) skift"
    "$BATON" handover checklist "$ID" 1 --meeting-held 2026-11-02 --note "$(M hnote) moede"
    "$BATON" handover ack "$ID" 1 --as laerer2
    "$BATON" case set "$ID" plan.works_well "nyere $(M works2)" --reason "$(M creason) opdateret"
} >/dev/null 2>"$T/plant.err"
assert "every marker was planted" sh -c "! grep -q '^baton:' '$T/plant.err'"
grep "^baton:" "$T/plant.err" >&2
"$BATON" handover staff "$KEEP" --to laerer2 --reason "ny kontakt" >/dev/null 2>&1
"$BATON" case show "$ID" --purpose "$(M purpose) moede" >/dev/null
"$BATON" search "Qzmfornavn" >/dev/null
# (extended regular expressions: "qzm" alone, three bytes, turns up by chance in the random bytes
# of the backup's encrypted files and in binary object ids, about once in fifty runs; every text
# the case was given says qzm and then four letters or digits, or qzm01 and a space)
MARKERS="qzm([a-z0-9]{4}|01[[:space:]]) 060517-0000 Qzmfornavn Qzmgitte qzmguardian"

# ---- bad input: refused, nothing written ----
expect_refused "$S" 1 "--reason: " "erase without a reason" case erase "$ID"
expect_refused "$S" 1 "is active: only a closed or transferred case can be erased" "an active case" \
    case erase "$ID" --reason "slettefrist"
"$BATON" case set "$ID" status closed >/dev/null
expect_refused "$S" 1 "" "a teacher cannot erase" case erase "$ID" --reason "slettefrist" --as laerer1
expect_refused "$S" 4 "no case with id 'nosuch'" "an unknown case" case erase nosuch --reason "slettefrist"
expect_refused "$S" 1 "--reason: must not contain the child's name" "a reason naming the child" \
    case erase "$ID" --reason "Qzmfornavn flyttede"
expect_refused "$S" 1 "baton key generate" "a store without a signing key" case erase "$ID" --reason "slettefrist"
"$BATON" key generate >/dev/null

# ---- the backup holds the case before ----
git init -q --bare "$T/remote.git"
"$BATON" backup add off "$T/remote.git" >/dev/null
run backup push
expect_rc 0 "push before the erasure"
objects() { git --git-dir "$1" cat-file --batch-all-objects --batch 2>/dev/null; }
objects "$S/repo.git" >"$T/before"
for m in $MARKERS; do
    assert "before: $m is in the store's objects (the check can see it)" grep -qE "$m" "$T/before"
done
assert "before: the remote holds the case" sh -c "git --git-dir '$T/remote.git' cat-file --batch-all-objects --batch | grep -qF qzmstrengths"
assert "before: audit.db holds the purpose" grep -qaF "qzmpurpose" "$S/audit.db"
HEAD_BEFORE=$(head_of "$S")

# ---- the archive takes the case over first (the package is outside the store) ----
expect_refused "$S" 1 "was never archived" "an unarchived case is not erased" case erase "$ID" --reason "slettefrist"
run archive export "$ID" -o "$T/archive"
expect_rc 0 "archive the case"
HEAD_BEFORE=$(head_of "$S")

# ---- a server keeps running through the erasure: it shows the other case before and after ----
unset BATON_USER
serve_start || not_ok "baton serve listens"
export BATON_USER=koord
python3 - "$PORT" "$KEEP" >"$T/web-before.out" 2>&1 <<'PY'
import sys
from webclient import Web, check
port, keep = sys.argv[1:]
web = Web(int(port))
tok = web.login("koord", "koord kodeord 1234")
check("the coordinator logs in", tok is not None)
s, h, d = web.get(f"/case/{keep}", tok)
check(f"the other case's page before the erasure ({s})", s == 200)
print("done")
PY
web_verdicts "$T/web-before.out"

# ---- erase, cut short after the head moved, then finished ----
BATON_FAULT=erase-stop run case erase "$ID" --reason "slettefrist udloebet"
expect_rc 1 "the injected stop"
assert "the head moved before the stop" test "$(head_of "$S")" != "$HEAD_BEFORE"
run case erase "$ID" --reason "slettefrist udloebet"
expect_rc 0 "erasing again finishes the erasure"
expect_out "cut short is finished" "the second run says it finished"
run case show "$ID"
expect_rc 4 "the case is gone"
python3 - "$PORT" "$KEEP" "$ID" >"$T/web-after.out" 2>&1 <<'PY'
import sys
from webclient import Web, check
port, keep, gone = sys.argv[1:]
web = Web(int(port))
tok = web.login("koord", "koord kodeord 1234")
s, h, d = web.get(f"/case/{keep}", tok)
check(f"the server still shows the other case after the erasure ({s})", s == 200 and "Bevaret tekst om klodser" in d)
s, h, d = web.get(f"/case/{gone}", tok)
check(f"and no longer the erased one ({s})", s == 404)
s, h, d = web.get("/search?q=klodser", tok)
check(f"its search reads the rebuilt index ({s})", s == 200 and keep in d)
print("done")
PY
web_verdicts "$T/web-after.out"
serve_stop

# ---- the backup forgets it at its next push and gc ----
run backup push
expect_rc 0 "push after the erasure"
git --git-dir "$T/remote.git" reflog expire --expire=now --all
git --git-dir "$T/remote.git" gc -q --prune=now

# ---- the proof: not one byte left ----
objects "$S/repo.git" >"$T/after"
objects "$T/remote.git" >"$T/remote-after"
for m in $MARKERS; do
    n=$(grep -raE -c "$m" "$S" | awk -F: '{s += $NF} END {print s + 0}')
    assert "no file of the store directory holds $m ($n hits)" test "$n" -eq 0
    assert "no object of the store holds $m" sh -c "! grep -qE '$m' '$T/after'"
    n=$(grep -raE -c "$m" "$T/remote.git" | awk -F: '{s += $NF} END {print s + 0}')
    assert "no file of the remote holds $m ($n hits)" test "$n" -eq 0
    assert "no object of the remote holds $m" sh -c "! grep -qE '$m' '$T/remote-after'"
done
for f in index.db audit.db auth.db; do assert "$f is there" test -s "$S/$f"; done

# ---- what stays: the record, the log's entries without their text, the other case ----
git --git-dir "$S/repo.git" show "main:erasures/$ID.json" >"$T/record"
python3 - "$T/record" "$ID" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ok = r["case"] == sys.argv[2] and r["by"] == "koord" and r["commits_dropped"] > 0 and r["audit_entries"] > 0 \
    and set(r) == {"case", "erased", "by", "old_head", "commits_rewritten", "commits_dropped", "audit_entries",
                   "audit_sha256", "public_key", "signature"}
sys.exit(not ok)
PY
assert "the erasure record keeps the id, the date, who, and counts" test $? -eq 0
run audit list --case "$ID" --json
python3 - "$OUT" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
ok = any(x["action"] == "erase" for x in e) and any(x["action"] == "read" for x in e) \
    and all(not x.get("purpose") for x in e)
sys.exit(not ok)
PY
assert "the case's log entries stay, without their text" test $? -eq 0
run fsck
expect_rc 0 "baton fsck passes after the erasure"
run audit verify
expect_rc 0 "audit verify passes after the erasure"
run case show "$KEEP"
expect_out "Bevaret tekst om klodser" "the other case is intact"
run search klodser
expect_out "$KEEP" "the rebuilt index finds the other case"
run packet "$KEEP" 1
expect_rc 0 "the other case's packet renders from its (rewritten) revision"
REV=$("$BATON" handover show "$KEEP" 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["revision"])')
assert "the other case's handover names a commit of the new history" \
    git --git-dir "$S/repo.git" merge-base --is-ancestor "$REV" main
run case new --child "Ny Elev" --born 2018-01-01 --context school:Testskolen --contact laerer1
expect_rc 0 "the store takes new cases after the erasure"

# ---- the log and the record hold each other: an erased entry changed is caught ----
cp "$S/audit.db" "$T/audit.keep"
SEQ=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT seq FROM erased LIMIT 1").fetchone()[0])' "$S/audit.db")
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE entries SET staff = ? WHERE seq = ?", ("laerer2", int(sys.argv[2]))); c.commit()' "$S/audit.db" "$SEQ"
run audit verify
expect_rc 1 "an erased entry changed afterwards"
expect_err "not what its erasure record in git says" "the change is named"
cp "$T/audit.keep" "$S/audit.db"
rm -f "$S/audit.db-wal" "$S/audit.db-shm"
run audit verify
expect_rc 0 "the log verifies again once restored"

finish
