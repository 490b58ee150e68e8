# The access log: every read, search, change, export and import appends an entry; reading needs a
# known, active identity; the hash chain catches a removed, an edited and a reordered entry, and
# its anchors in git catch a log whose hashes were recomputed; a family's access request;
# retention with a checkpoint; a missing, damaged or read-only log stops every command.
. "$(dirname "$0")/lib.sh"

S=$T/store
export BATON_TODAY=2026-11-02
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
ID=$(new_case "$S")
"$BATON" case set "$ID" plan.strengths "Tegner detaljeret" >/dev/null

# ---- reading needs a known, active identity, and is logged ----
expect_refused "$S" 1 "a known, active staff identity is needed: no identity: say who you are with --as STAFF or BATON_USER" "case show without an identity" \
    --raw env -u BATON_USER "$BATON" case show "$ID"
expect_refused "$S" 1 "a known, active staff identity is needed: --as: unknown staff member 'ghost'" \
    "search as unknown staff" search tegner --as ghost
"$BATON" staff add vikar --name "Vera Vikar" --email vikar@skole.example --role teacher >/dev/null
"$BATON" staff leave vikar >/dev/null
expect_refused "$S" 1 "--as: staff member 'vikar' is no longer active" "staff who left cannot read" \
    case show "$ID" --as vikar
run case show "$ID" --purpose "forberedelse af netværksmøde"
expect_rc 0 "case show with a purpose"
run search "tegner"
run case log "$ID"
run packet "$ID"
run audit list --json
python3 - "$OUT" "$ID" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
cid = sys.argv[2]
def has(**kw):
    return any(all(x.get(k) == v for k, v in kw.items()) for x in e)
ok = has(action="change", case=cid, staff="koord") and has(action="read", case=cid, purpose="forberedelse af netværksmøde") \
    and has(action="search", query="tegner") and has(action="read", case=cid, query="packet") \
    and all(x["time"].endswith("Z") for x in e)
sys.exit(not ok)
PY
assert "the log holds the change, the read with its purpose, the search with its terms, the packet" test $? -eq 0
run audit list --case "$ID"
expect_out "read +koord +case $ID +\(forberedelse af netværksmøde\)" "audit list --case shows who read the case and why"
run audit list --staff nobody --json
expect_out "^\[\]$" "audit list --staff filters"
expect_refused "$S" 1 "--since: not a date" "audit list --since in the wrong format" audit list --since lastweek

# ---- a family's access request ----
run audit export --case "$ID" --json
expect_rc 0 "audit export"
expect_out '"action": "read"' "the export lists the reads"
expect_out '"purpose": "forberedelse af netværksmøde"' "and their purposes"
expect_no_out '"staff"' "without staff names"
run audit export --case "$ID" --with-staff --json
expect_out '"staff": "koord"' "--with-staff names them"
expect_refused "$S" 4 "no case with id 'nosuch'" "audit export of an unknown case" audit export --case nosuch
expect_refused "$S" 2 "--case: required" "audit export without a case" audit export

# ---- the chain ----
run audit verify
expect_rc 0 "audit verify on an untouched log"
expect_out "^ok: [0-9]+ entries" "verify says how many entries it checked"
cp "$S/audit.db" "$T/audit.orig"
tamper() { # tamper SQL DESCRIPTION PATTERN
    cp "$T/audit.orig" "$S/audit.db"
    python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.commit()' \
        "$S/audit.db" "$1"
    run audit verify
    expect_rc 1 "verify catches $2"
    expect_err "$3" "verify names what is wrong: $2"
}
tamper "DELETE FROM entries WHERE seq = 3;" "a removed entry" "entry 3 is missing"
tamper "UPDATE entries SET purpose = 'noget andet' WHERE seq = 4;" "an edited entry" "entry 4 was changed after it was written"
tamper "UPDATE entries SET staff = 'laerer1' WHERE seq = 2;" "an edited staff id" "entry 2 was changed"
tamper "CREATE TABLE t AS SELECT * FROM entries WHERE seq IN (3, 4);
        UPDATE entries SET time = (SELECT time FROM t WHERE seq = 4), staff = (SELECT staff FROM t WHERE seq = 4),
          action = (SELECT action FROM t WHERE seq = 4), case_id = (SELECT case_id FROM t WHERE seq = 4),
          query = (SELECT query FROM t WHERE seq = 4), purpose = (SELECT purpose FROM t WHERE seq = 4),
          prev = (SELECT prev FROM t WHERE seq = 4), hash = (SELECT hash FROM t WHERE seq = 4) WHERE seq = 3;
        UPDATE entries SET time = (SELECT time FROM t WHERE seq = 3), staff = (SELECT staff FROM t WHERE seq = 3),
          action = (SELECT action FROM t WHERE seq = 3), case_id = (SELECT case_id FROM t WHERE seq = 3),
          query = (SELECT query FROM t WHERE seq = 3), purpose = (SELECT purpose FROM t WHERE seq = 3),
          prev = (SELECT prev FROM t WHERE seq = 3), hash = (SELECT hash FROM t WHERE seq = 3) WHERE seq = 4;" \
    "two entries swapped" "entry 3 does not follow the entry before it"
cp "$T/audit.orig" "$S/audit.db"
expect_refused "$S" 1 "refusing to purge a log that does not verify" "no purge of a tampered log" \
    --raw sh -c "python3 -c 'import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); db.execute(\"DELETE FROM entries WHERE seq=2\"); db.commit()' '$S/audit.db' && '$BATON' audit purge"
cp "$T/audit.orig" "$S/audit.db"

# ---- retention: entries past it go, a checkpoint keeps the chain whole ----
run config audit_retention_days 10
# (the log keeps the clock's time: a "today" 20 days on makes every entry older than 10 days)
LATER=$(date -u -d '+20 days' +%F)
BEFORE=$(date -u -d '+10 days' +%F)
BATON_TODAY=$LATER run audit purge
expect_rc 0 "audit purge"
expect_out "^[1-9][0-9]* entries older than $BEFORE removed \(retention 10 days\)" "purge says what it removed"
run audit verify
expect_rc 0 "the chain still verifies after a purge"
run audit list --json
expect_out '"action": "purge"' "the purge itself is in the log"
run case show "$ID"
run audit verify
expect_rc 0 "and keeps verifying as entries are added"
expect_out "matches its [0-9]+ anchors in git" "verify holds the log to its anchors in git"
assert "the purge anchored its checkpoint in git" \
    sh -c "git --git-dir '$S/repo.git' log --format=%B refs/baton/audit | grep -q 'the checkpoint of a purge'"
expect_refused "$S" 1 "laerer1 \(teacher\) may not do this: only coordinators and leaders" "a teacher may not purge the log" \
    audit purge --as laerer1
expect_refused "$S" 1 "laerer1 \(teacher\) may not do this" "nor read it" audit list --as laerer1

# ---- rewriting the log: delete a row and recompute every hash after it ----
"$BATON" case set "$ID" plan.works_well "Korte beskeder" >/dev/null
"$BATON" case show "$ID" >/dev/null
cp "$S/audit.db" "$T/audit.before-rewrite"
recompute() { # the chain after deleting entry $1 (and renumbering), hashed exactly as Baton does
    python3 - "$S/audit.db" "$1" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1]); gone = int(sys.argv[2])
def h(seq, fields):
    s = f"{seq};" + "".join("~;" if f is None else f"{len(f.encode())}:{f};" for f in fields)
    return hashlib.sha256(s.encode()).hexdigest()
rows = db.execute("SELECT seq, time, staff, action, case_id, query, purpose, prev, hash, commit_id FROM entries ORDER BY seq").fetchall()
db.execute("DELETE FROM entries")
prev = rows[0][7]; seq = rows[0][0]
for r in rows:
    if r[0] == gone:
        continue
    fields = [r[1], r[2], r[3], r[4], r[5], r[6], prev, r[9]]
    new = h(seq, fields)
    db.execute("INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?)", (seq, r[1], r[2], r[3], r[4], r[5], r[6], prev, new, r[9]))
    prev = new; seq += 1
db.commit()
PY
}
LAST=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select max(seq) from entries").fetchone()[0])' "$S/audit.db")
recompute $((LAST - 3))
python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT seq, prev, hash FROM entries ORDER BY seq").fetchall()
sys.exit(any(b[1] != a[2] for a, b in zip(rows, rows[1:])))' "$S/audit.db"
assert "the rewritten log is a whole chain on its own" test $? -eq 0
run audit verify
expect_rc 1 "verify catches a log whose hashes were recomputed after a deletion"
expect_err "does not match its anchor in git|are anchored in git, but the log ends" "and says the log no longer matches git"
run fsck
expect_out "^audit: audit.db: " "fsck reports it too"
cp "$T/audit.before-rewrite" "$S/audit.db"
run audit verify
expect_rc 0 "the log as it was verifies again"

# ---- a checkpoint no purge made ----
cp "$S/audit.db" "$T/audit.before-forgery"
python3 -c '
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
seq, h = db.execute("SELECT seq, hash FROM entries ORDER BY seq LIMIT 1 OFFSET 2").fetchone()
db.execute("INSERT INTO checkpoints(time, staff, upto, removed, before, hash) VALUES (?, ?, ?, ?, ?, ?)",
           ("2026-11-30T00:00:00Z", "koord", seq, 3, "2026-11-29", h))
db.execute("DELETE FROM entries WHERE seq <= ?", (seq,))
db.commit()' "$S/audit.db"
run audit verify
expect_rc 1 "verify catches a checkpoint no purge made"
expect_err "does not match its anchor|has no anchor in git: no purge made it" "and names it"
cp "$T/audit.before-forgery" "$S/audit.db"

# ---- the log cannot be written: the change is refused, the head stays ----
expect_refused "$S" 1 "the access log cannot be written .*nothing was shown or written" \
    "a read-only access log stops a save before the commit" --raw env BATON_FAULT=audit-readonly "$BATON" case set "$ID" plan.works_well "Ingen log, ingen gemning"
expect_refused "$S" 1 "the access log cannot be written" "and a read, which could not be logged" \
    --raw env BATON_FAULT=audit-readonly "$BATON" case show "$ID"
if chattr +i "$S/audit.db" 2>/dev/null; then
    expect_refused "$S" 1 "the access log cannot be written" "an immutable audit.db (chattr +i) stops a save too" \
        case set "$ID" plan.works_well "Ingen log, ingen gemning"
    chattr -i "$S/audit.db"
else
    echo "t_audit: chattr +i is not available here; the read-only log is checked through BATON_FAULT only" >&2
fi
run case set "$ID" plan.works_well "Med log"
expect_rc 0 "with the log writable again, the save goes through"
run audit verify
expect_rc 0 "and the log is whole"

# ---- a change that reached git without its entry is recorded late ----
W=$T/work
git clone -q "$S/repo.git" "$W" 2>/dev/null
F=$(cd "$W" && git ls-files | grep "/$ID/case.json")
python3 -c 'import json,sys; p=sys.argv[1]; d=json.load(open(p)); d["plan"]["home_note"]=None; d["plan"].pop("home_note"); d["plan"]["works_well"]="Udefra"; open(p,"w").write(json.dumps(d,indent=2,sort_keys=True,ensure_ascii=False)+"\n")' "$W/$F"
(cd "$W" && git -c user.name="Kirsten Koordinator" -c user.email=koord@skole.example commit -qam "case $ID: set plan.works_well

Baton-Case: $ID
Baton-Staff: koord" && git push -q origin HEAD:main) 2>/dev/null
PUSHED=$(head_of "$S")
run audit list --json
assert "the next command records the pushed change in the log, with its commit" \
    python3 -c "import json,sys; e=json.load(open(sys.argv[1])); sys.exit(not any(x.get('query','').startswith('recorded late') and x.get('case')=='$ID' for x in e))" "$OUT"
run fsck
expect_rc 0 "and fsck finds every commit's entry in order"

# ---- a missing log: every command is refused until an administrator acts ----
mv "$S/audit.db" "$T/audit.kept"
for args in "case show $ID" "case list" "staff list" "config" "search tegner" "case set $ID plan.works_well x"; do
    before=$(head_of "$S")
    run $args
    expect_rc 1 "without a log: $args is refused"
    expect_err "the access log \(.*audit.db\) is missing: nothing is shown or changed until an administrator" \
        "without a log: $args says what an administrator can do"
    assert "without a log: $args wrote nothing" test "$(head_of "$S")" = "$before"
done
assert "no log was made up" test ! -e "$S/audit.db"
expect_refused "$S" 1 "only an active coordinator or leader may start a new access log" "a teacher cannot start a new log" \
    audit init --reason "den forsvandt" --as laerer1
expect_refused "$S" 1 "--reason: required" "a new log needs a reason" audit init --as koord
run audit init --reason "disken fejlede natten til mandag" --as koord
expect_rc 0 "a coordinator starts a new log"
expect_out "the previous one was missing" "and is told what happened"
assert "the new start is recorded in git, with who and why" \
    sh -c "git --git-dir '$S/repo.git' log -1 --format=%B refs/baton/audit | grep -q 'disken fejlede natten til mandag'"
run case show "$ID"
expect_rc 0 "commands work again"
run audit verify
expect_rc 0 "the new log verifies"
expect_refused "$S" 1 "the access log is whole" "a whole log is not started again" audit init --reason "igen" --as koord

# ---- a damaged log ----
printf 'this is not a database, it was overwritten' >"$S/audit.db"
run case show "$ID"
expect_rc 1 "a damaged log refuses commands"
expect_err "the access log \(.*\) is damaged|was written by an older Baton, or is not an access log" "and says so"
run audit verify --as koord
expect_rc 1 "audit verify on a damaged file fails"
run audit init --reason "filen blev overskrevet" --as koord
expect_rc 0 "a new log after a damaged one"
expect_out "the previous one was damaged and is kept as .*audit.db.damaged-" "the damaged file is kept beside"
assert "the damaged file is still there, as it was" sh -c "grep -q 'not a database' '$S'/audit.db.damaged-*"

finish
