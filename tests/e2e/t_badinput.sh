# The bad-input corpus (tests/bad-input/): malformed arguments, dates, UTF-8, records, queries and
# transfer files. Each must be refused with a clear message and a non-zero exit, and the store's
# head must not move.
. "$(dirname "$0")/lib.sh"

CORPUS=$(cd "$(dirname "$0")/../bad-input" && pwd)
RECORDS=$(cd "$(dirname "$0")/../records/bad" && pwd)
S=$T/store
export BATON_TODAY=2026-11-02
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
ID=$(new_case "$S")
# a teacher with no part in the case, for the corpus's attacks on access
"$BATON" staff add laerer2 --name "Lars Lærer" --email laerer2@skole.example --role teacher >/dev/null ||
    not_ok "staff add laerer2"
python3 - "$T" <<'PY'
import os, random, sys
d = sys.argv[1]
random.seed(3)
open(d + "/random", "wb").write(bytes(random.getrandbits(8) for _ in range(4096)))
open(d + "/truncated", "wb").write(b"BATONTX1" + bytes(random.getrandbits(8) for _ in range(100)))
open(d + "/empty", "wb").write(b"BATONTX1")
open(d + "/short", "wb").write(b"BAT")
open(d + "/version2", "wb").write(b"BATONTX2" + bytes(random.getrandbits(8) for _ in range(100)))
PY
tried=0
while IFS= read -r line; do
    case "$line" in '#'* | '') continue ;; esac
    code=$(printf '%s' "$line" | cut -f1)
    pattern=$(printf '%s' "$line" | cut -f2)
    args=()
    rest=$(printf '%s' "$line" | cut -f3-)
    IFS=$'\t' read -r -a raw <<<"$rest"
    for a in "${raw[@]}"; do
        a=${a//ID/$ID}
        case "$a" in FILE:*) a="$T/${a#FILE:}" ;; esac
        args+=("$(printf '%b' "$a")")
    done
    # an empty last argument (a required value left empty) is kept as such
    case "$rest" in *$'\t') args+=("") ;; esac
    tried=$((tried + 1))
    expect_refused "$S" "$code" "$pattern" "bad input: ${raw[*]}" "${args[@]}"
done <"$CORPUS/commands.tsv"

# one option wrong, one error line (getopt's own complaint is not printed beside Baton's)
for args in "case show $ID --emergency" "case show $ID --bogus" "packet $ID -o" "due -x"; do
    # shellcheck disable=SC2086
    "$BATON" $args >/dev/null 2>"$T/one.err"
    assert "one error line for: $args" test "$(grep -vc '^usage: ' "$T/one.err")" -eq 1
done

# malformed records, given whole to case edit: refused with the message listed, head unchanged
listed=0
while IFS=$'\t' read -r file pattern; do
    case "$file" in '#'* | '') continue ;; esac
    case "$file" in records/*) f=$CORPUS/$file ;; *) f=$RECORDS/$file ;; esac
    tried=$((tried + 1))
    listed=$((listed + 1))
    expect_refused "$S" 1 "$pattern" "bad record: $file" case edit "$ID" --file "$f"
done <"$CORPUS/records.tsv"
# (records/bad holds other kinds too; case edit takes case records)
n_files=$(($(find "$RECORDS" -name 'case-*.json' | wc -l) + $(find "$CORPUS/records" -name '*.json' | wc -l)))
assert "every bad record file is listed with its message ($listed of $n_files)" test "$listed" -eq "$n_files"
assert "at least 60 bad inputs were tried ($tried)" test "$tried" -ge 60
echo "bad input: $tried tried" >&2

finish
