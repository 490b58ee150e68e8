# The access log: every read, search, change, export and import appends an entry; reading needs a
# known, active identity; the hash chain catches a removed, an edited and a reordered entry; a
# family's access request; retention with a checkpoint.
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
BATON_TODAY=2026-11-30 run audit purge
expect_rc 0 "audit purge"
expect_out "entries older than 2026-11-20 removed \(retention 10 days\)" "purge says what it removed"
run audit verify
expect_rc 0 "the chain still verifies after a purge"
run audit list --json
expect_out '"action": "purge"' "the purge itself is in the log"
run case show "$ID"
run audit verify
expect_rc 0 "and keeps verifying as entries are added"

finish
