# The C validator and the JSON Schemas in schemas/ (checked by python3-jsonschema, an
# independent validator) must agree on every record of the corpus in tests/records/.
. "$(dirname "$0")/lib.sh"

R=$(cd "$(dirname "$0")/../records" && pwd)
SC="$(dirname "$0")/schema_check.py"

for f in "$R"/good/*.json; do
    run validate "$f"
    expect_rc 0 "C validator accepts $(basename "$f")"
    /usr/bin/python3 "$SC" files case "$f" >"$OUT" 2>"$ERR"
    expect_out ": valid$" "JSON Schema accepts $(basename "$f")"
done
n=0
for f in "$R"/bad/*.json; do
    n=$((n + 1))
    run validate "$f"
    expect_rc 1 "C validator rejects $(basename "$f")"
    expect_err "^baton: " "C validator explains $(basename "$f")"
    /usr/bin/python3 "$SC" files case "$f" >"$OUT" 2>"$ERR"
    expect_out ": invalid$" "JSON Schema rejects $(basename "$f")"
done
assert "the bad corpus has at least 25 records" test "$n" -ge 25

# field paths in the C validator's messages
run validate "$R/bad/case-review-not-date.json"
expect_err "plan.measures\[0\].review_by: not a date \(YYYY-MM-DD\): 'soon'" "error names the field path"
run validate "$R/bad/case-missing-contact.json"
expect_err ": contact: required$" "missing field named"

# stricter than the schema can say: entry ids must be unique
/usr/bin/python3 - "$R/good/case-full.json" "$T/dup-ids.json" <<'PY'
import json, sys, copy
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["plan"]["measures"].append(copy.deepcopy(d["plan"]["measures"][0]))
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
run validate "$T/dup-ids.json"
expect_rc 1 "duplicate measure ids are refused"
expect_err "plan.measures\[1\].id: duplicate value 'm1'" "duplicate id: message"
run validate --kind staff "$R/good/case-full.json"
expect_rc 1 "a case is not a staff record"
run validate --kind robot "$R/good/case-full.json"
expect_rc 2 "unknown --kind is a usage error"

finish
