# The C validator (`baton validate`) and the JSON Schemas in schemas/ agree on every record of
# the corpus in tests/records/, of every kind (the file name's first word: case, staff, store,
# journal, handover, trust): python3-jsonschema and ajv (strict mode) are two independent
# validators. tests/records/c-only/ holds what a JSON Schema cannot say: the C validator refuses
# each of those with its message, the schema validators accept them. Every schema compiles
# under ajv's strict mode.
. "$(dirname "$0")/lib.sh"

R=$(cd "$(dirname "$0")/../records" && pwd)
SC="$(dirname "$0")/schema_check.py"
AJV="$(dirname "$0")/../schema/ajv-check.mjs"

kind_of() { basename "$1" | cut -d- -f1; }

# ajv: strict compilation, then its verdict on every corpus file
ARGS=""
for f in "$R"/good/*.json "$R"/bad/*.json "$R"/c-only/*.json; do ARGS="$ARGS $(kind_of "$f"):$f"; done
node "$AJV" $ARGS >"$T/ajv.out" 2>&1
AJV_RC=$?
for s in case staff store journal handover trust transfer; do
    if grep -q "^$s.schema.json: compiles in strict mode$" "$T/ajv.out"; then ok; else
        not_ok "$s.schema.json compiles under ajv's strict mode: $(grep "^$s.schema.json" "$T/ajv.out")"; fi
done
assert "ajv ran (exit $AJV_RC)" test "$AJV_RC" -eq 0
ajv_says() { grep -F "$1: " "$T/ajv.out" | tail -1 | sed 's/.*: //'; }

for f in "$R"/good/*.json; do
    k=$(kind_of "$f")
    run validate --kind "$k" "$f"
    expect_rc 0 "C validator accepts $(basename "$f")"
    /usr/bin/python3 "$SC" files "$k" "$f" >"$OUT" 2>"$ERR"
    expect_out ": valid$" "JSON Schema (python) accepts $(basename "$f")"
    assert "JSON Schema (ajv) accepts $(basename "$f")" test "$(ajv_says "$f")" = valid
done
n=0
kinds=""
for f in "$R"/bad/*.json; do
    n=$((n + 1))
    k=$(kind_of "$f")
    kinds="$kinds $k"
    run validate --kind "$k" "$f"
    expect_rc 1 "C validator rejects $(basename "$f")"
    expect_err "^baton: " "C validator explains $(basename "$f")"
    /usr/bin/python3 "$SC" files "$k" "$f" >"$OUT" 2>"$ERR"
    expect_out ": invalid$" "JSON Schema (python) rejects $(basename "$f")"
    assert "JSON Schema (ajv) rejects $(basename "$f")" test "$(ajv_says "$f")" = invalid
done
assert "the bad corpus has at least 50 records" test "$n" -ge 50
for k in case staff store journal handover trust; do
    assert "the bad corpus has records of kind $k" sh -c "echo '$kinds' | grep -qw $k"
done
while IFS="$(printf '\t')" read -r name message; do
    f=$R/c-only/$name
    run validate --kind "$(kind_of "$f")" "$f"
    expect_rc 1 "C validator rejects $name (a rule no JSON Schema can state)"
    expect_err "^baton: $f: $message" "C validator explains $name"
    /usr/bin/python3 "$SC" files "$(kind_of "$f")" "$f" >"$OUT" 2>"$ERR"
    expect_out ": valid$" "JSON Schema (python) accepts $name: the rule is C's alone, as README says"
    assert "JSON Schema (ajv) accepts $name" test "$(ajv_says "$f")" = valid
done <"$R/c-only/messages.tsv"
assert "every c-only record has its message" test "$(ls "$R"/c-only/*.json | wc -l)" -eq "$(wc -l <"$R/c-only/messages.tsv")"

# field paths in the C validator's messages
run validate "$R/bad/case-review-not-date.json"
expect_err "plan.measures\[0\].review_by: not a date \(YYYY-MM-DD\): 'soon'" "error names the field path"
run validate "$R/bad/case-missing-contact.json"
expect_err ": contact: required$" "missing field named"
run validate --kind handover "$R/bad/handover-number-zero.json"
expect_err "number: 0 is out of range \(1 to 9999\)" "integer ranges are C rules too"
run validate --kind store "$R/bad/store-format-2.json"
expect_err "format: 2 is out of range \(1 to 1\)" "a newer store format is named"
run validate --kind journal "$R/bad/journal-recorded-not-utc.json"
expect_err "recorded: not a UTC time" "times are checked as times"
run validate --kind trust "$R/bad/trust-short-fingerprint.json"
expect_err "fingerprint: '4aff1d0f' is not 32 lowercase hex digits" "fingerprints are checked"
run validate --kind staff "$R/good/case-full.json"
expect_rc 1 "a case is not a staff record"
run validate --kind robot "$R/good/case-full.json"
expect_rc 2 "unknown --kind is a usage error"
expect_err "--kind: 'robot' is not one of case\|staff\|store\|journal\|handover\|trust" "unknown --kind names the kinds"

finish
