# case edit: $EDITOR round trips, errors shown as comments and the file reopened, unchanged file
# aborts, conflicts refused (the edit kept), and --file for scripts.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
ID=$(new_case "$S")

# An editor that sets plan.works_well (after dropping the # comment lines).
cat >"$T/ed-set" <<'PY'
#!/usr/bin/python3
import json, sys, os
path = sys.argv[1]
lines = open(path, encoding="utf-8").read().split("\n")
body = "\n".join(l for l in lines if not l.startswith("#"))
doc = json.loads(body)
doc["plan"]["works_well"] = os.environ.get("WORKS", "Korte, tydelige beskeder og en fast plads")
open(path, "w", encoding="utf-8").write(json.dumps(doc, indent=2, ensure_ascii=False))
PY
chmod +x "$T/ed-set"

BEFORE=$(head_of "$S")
EDITOR="$T/ed-set" run case edit "$ID" --reason "aftalt på teammøde"
expect_rc 0 "edit through \$EDITOR"
assert "edit moved the head" test "$(head_of "$S")" != "$BEFORE"
run case show "$ID" --json
expect_out '"works_well": "Korte, tydelige beskeder og en fast plads"' "edit saved the change"
assert "edit's commit subject names the changed field" \
    git --git-dir "$S/repo.git" log -1 --format=%s | grep -q "^case $ID: edit plan.works_well$"
assert "no temporary file is left behind" sh -c "! ls /tmp/baton-edit-* 2>/dev/null | grep -q ."

# An unchanged file aborts.
expect_refused "$S" 1 "no changes; edit aborted" "unchanged file aborts" --raw env EDITOR=true "$BATON" case edit "$ID"

# First save has errors: the file reopens with them as comments; the second save fixes them.
cat >"$T/ed-fix" <<PY
#!/usr/bin/python3
import json, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
lines = text.split("\n")
body = "\n".join(l for l in lines if not l.startswith("#"))
doc = json.loads(body)
if "# The record was not saved" in text:
    open("$T/seen-errors", "w").write(text)
    doc["plan"]["measures"][0]["review_by"] = "2027-03-01"
    del doc["plan"]["mood"]
else:
    doc["plan"]["measures"] = [{"id": "m1", "setting": "school", "description": "Pausekort",
                                "goal": "Færre konflikter i frikvarteret", "responsible": "laerer1",
                                "start": "2026-11-01", "review_by": "1. marts", "status": "active"}]
    doc["plan"]["mood"] = "good"
open(path, "w", encoding="utf-8").write(json.dumps(doc, indent=2, ensure_ascii=False))
PY
chmod +x "$T/ed-fix"
EDITOR="$T/ed-fix" run case edit "$ID"
expect_rc 0 "edit succeeds once the errors are fixed"
assert "the reopened file listed the date error by field path" \
    grep -q "#   plan.measures\[0\].review_by: not a date (YYYY-MM-DD): '1. marts'" "$T/seen-errors"
assert "the reopened file listed the unknown field" grep -q "#   plan.mood: unknown field" "$T/seen-errors"
run case show "$ID" --json
expect_out '"review_by": "2027-03-01"' "the fixed record was saved"

# Errors left unfixed: the second round is unchanged, so the edit aborts without writing.
cat >"$T/ed-bad" <<'PY'
#!/usr/bin/python3
import json, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
if "# The record was not saved" in text:
    sys.exit(0)
body = "\n".join(l for l in text.split("\n") if not l.startswith("#"))
doc = json.loads(body)
doc["status"] = "sleeping"
open(path, "w", encoding="utf-8").write(json.dumps(doc, indent=2))
PY
chmod +x "$T/ed-bad"
expect_refused "$S" 1 "errors not fixed; edit aborted" "unfixed errors abort" --raw env EDITOR="$T/ed-bad" "$BATON" case edit "$ID"

# Conflict: a colleague saves the same case while the editor is open.
cat >"$T/ed-race" <<PY
#!/bin/sh
BATON_USER=laerer1 "$BATON" case set "$ID" plan.strengths "Hjælpsom over for yngre elever" >/dev/null
WORKS="Mine ændringer" exec "$T/ed-set" "\$1"
PY
chmod +x "$T/ed-race"
EDITOR="$T/ed-race" run case edit "$ID"
expect_rc 3 "a concurrent save of the same case is a conflict"
expect_err "case $ID: changed by another save since the version this edit was based on" "conflict message"
expect_err "edit based on record version [0-9a-f]{12}; now record version [0-9a-f]{12}, commit [0-9a-f]{12}" \
    "conflict message names both versions"
KEPT=$(sed -n 's/.*your edited record is kept in \([^ ]*\.json\).*/\1/p' "$ERR")
assert "the edited record is kept after a conflict" grep -q "Mine ændringer" "${KEPT:-/nonexistent}"
rm -f "$KEPT"
run case show "$ID" --json
expect_out "Hjælpsom over for yngre elever" "the colleague's save is intact"
expect_no_out "Mine ændringer" "the conflicting edit was not written"

# --file, for scripts
run case show "$ID" --json
cp "$OUT" "$T/rec.json"
BASE=$(head_of "$S")
sed 's/^  "status": "active"/  "status": "closed"/' "$T/rec.json" >"$T/closed.json"
run case edit "$ID" --file "$T/closed.json" --reason "forløb afsluttet"
expect_rc 0 "edit --file"
run case show "$ID" --json
expect_out '"status": "closed"' "edit --file saved"
run case edit "$ID" --file "$T/closed.json"
expect_rc 0 "edit --file with an unchanged record"
expect_err "unchanged; nothing written" "unchanged --file writes nothing"
expect_refused "$S" 3 "changed by another save" "--base at an older revision conflicts" \
    case edit "$ID" --file "$T/rec.json" --base "$BASE~1"
printf '{"id": "%s", "status": ' "$ID" >"$T/broken.json"
expect_refused "$S" 1 "--file .*broken.json: malformed JSON at line 1" "malformed JSON in --file" \
    case edit "$ID" --file "$T/broken.json"
printf '{"id": "x", "id": "y"}' >"$T/dup.json"
expect_refused "$S" 1 "duplicate object key" "duplicate keys in --file" case edit "$ID" --file "$T/dup.json"
printf '\377\376' >"$T/binary.json"
expect_refused "$S" 1 "not valid UTF-8" "invalid UTF-8 in --file" case edit "$ID" --file "$T/binary.json"
/usr/bin/python3 - "$T/rec.json" "$T/many.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
doc["child"]["born"] = "2017-02-30"
doc["context"]["kind"] = "moon"
doc["extra"] = 1
json.dump(doc, open(sys.argv[2], "w"))
PY
expect_refused "$S" 1 "extra: unknown field" "several errors in --file" case edit "$ID" --file "$T/many.json"
expect_err "child.born: not a date" "every error is listed (date)"
expect_err "context.kind: 'moon' is not one of" "every error is listed (enum)"
expect_refused "$S" 1 "id: cannot be changed" "changing the id through --file" \
    --raw sh -c "sed 's/\"id\": \"$ID\"/\"id\": \"other\"/' '$T/closed.json' | '$BATON' case edit '$ID' --file -"
expect_refused "$S" 4 "--file: $T/none.json" "missing --file" case edit "$ID" --file "$T/none.json"

finish
