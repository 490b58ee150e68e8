# The store (init, discovery) and the staff directory with identity rules.
. "$(dirname "$0")/lib.sh"

S=$T/store
run init "$S" --language sv --organisation "Exempelkommun"
expect_rc 0 "init creates a store"
assert "repo.git is a bare repository" test -f "$S/repo.git/HEAD" -a ! -d "$S/repo.git/.git"
assert "lock file exists" test -f "$S/lock"
assert "HEAD points at main" grep -q "refs/heads/main" "$S/repo.git/HEAD"
git --git-dir "$S/repo.git" show main:baton.json >"$OUT" 2>"$ERR"
expect_out '"language": "sv"' "baton.json keeps the language"
expect_out '"organisation": "Exempelkommun"' "baton.json keeps the organisation"
expect_out '"format": 1' "baton.json has a format version"

run init "$S"
expect_rc 1 "init on an existing store is refused"
expect_err "already holds a store" "init twice: message"

run init "$T/other" --language xx
expect_rc 1 "init with an unknown language is refused"
expect_err "language: 'xx' is not one of da\|sv\|nb\|en" "bad language: message names the field"
assert "nothing created for a refused init" test ! -e "$T/other/repo.git"

# finding the store
mkdir -p "$T/elsewhere"
run_in "$T/elsewhere" case list
expect_rc 4 "no store: not found"
expect_err "^baton: no store found" "no store: message"
run --store "$T/nowhere" case list
expect_rc 4 "--store to a missing store: not found"
expect_err "no store at $T/nowhere" "missing store: message names the path"
mkdir -p "$S/sub/dir"
run_in "$S/sub/dir" staff list
expect_rc 0 "the store is found from a subdirectory"
BATON_STORE=$S run staff list
expect_rc 0 "BATON_STORE finds the store"

# bootstrap: the first staff member needs no --as, and a BATON_USER left over from another
# store does not stand in the way
export BATON_STORE=$S
BATON_USER=someone.elsewhere run staff add anna.k --name "Anna Kvist" --email anna@skola.example --role coordinator
expect_rc 0 "first staff member without --as (a BATON_USER from another store is ignored)"
assert "first staff member authored their own commit" \
    test "$(git --git-dir "$S/repo.git" log -1 --format=%an)" = "Anna Kvist"
expect_refused "$S" 1 "a known, active staff identity is needed: no identity" "second staff member without --as" \
    staff add bo.l --name "Bo Lind" --email bo@skola.example --role teacher
expect_refused "$S" 1 "--as: unknown staff member 'ghost'" "unknown --as" \
    staff add bo.l --name "Bo Lind" --email bo@skola.example --role teacher --as ghost
export BATON_USER=anna.k
run staff add bo.l --name "Bo Lind" --email bo@skola.example --role teacher --institution "Exempelskolan"
expect_rc 0 "staff add with BATON_USER"
assert "git author is the acting staff member" \
    test "$(git --git-dir "$S/repo.git" log -1 --format='%an <%ae>')" = "Anna Kvist <anna@skola.example>"
assert "commit message names the staff id, not a person" \
    git --git-dir "$S/repo.git" log -1 --format=%B | grep -q "^staff: add bo.l$"
expect_refused "$S" 1 "already exists" "duplicate staff id" \
    staff add bo.l --name "Bo Lind" --email bo@skola.example --role teacher
expect_refused "$S" 1 "--email: 'not-an-address' is not an e-mail address" "bad email" \
    staff add cia --name "Cia" --email not-an-address --role teacher
expect_refused "$S" 1 "--role: 'janitor' is not one of" "bad role" \
    staff add cia --name "Cia" --email cia@skola.example --role janitor
expect_refused "$S" 1 "staff id: 'Cia Big' is not a valid id" "bad staff id" \
    staff add "Cia Big" --name "Cia" --email cia@skola.example --role teacher
run staff add cia --email cia@skola.example --role teacher
expect_rc 2 "missing --name is a usage error"
expect_err "--name: required" "missing --name: message"
run staff add cia --name "Cia" --email cia@skola.example --role teacher --bogus
expect_rc 2 "unknown option is a usage error"

run staff list
expect_out "^anna.k +Anna Kvist +coordinator" "staff list shows members"
# columns line up by what a terminal shows, not by bytes: å, ä, ö and a decomposed Å (A + ring)
"$BATON" staff add asa.o --name "Åsa Öberg-Älvström" --email asa@skola.example --role teacher >/dev/null 2>&1
"$BATON" staff add nfd.o --name "$(printf 'A\xcc\x8asa Nfd')" --email nfd@skola.example --role teacher >/dev/null 2>&1
run staff list
python3 - "$OUT" <<'PY'
import sys, unicodedata
cols = set()
for line in open(sys.argv[1], encoding="utf-8"):
    i = line.find(" teacher ") if " teacher " in line else line.find(" coordinator ")
    if i >= 0:
        cols.add(sum(0 if unicodedata.combining(c) else 1 for c in line[:i]))
sys.exit(0 if len(cols) == 1 else sorted(cols))
PY
assert "staff list: the role column starts at the same column on every line" test $? -eq 0
run staff show bo.l --json
expect_out '"institution": "Exempelskolan"' "staff show --json"
run staff show nobody
expect_rc 4 "staff show of an unknown id: not found"

# leaving: refused while contact person of active cases, naming every one of them
C1=$(BATON_USER=anna.k "$BATON" case new --child "Testa Testsson" --born 2015-01-02 --context school:Exempelskolan:3A --contact bo.l)
C2=$(BATON_USER=anna.k "$BATON" case new --child "Prova Provsson" --born 2016-02-03 --context school:Exempelskolan:2B --contact bo.l)
expect_refused "$S" 1 "still holds 2 things in active cases: contact person of case" "staff leave while holding cases" staff leave bo.l
expect_err "$C1" "staff leave names the first case"
expect_err "$C2" "staff leave names the second case"
"$BATON" handover staff "$C1" --to anna.k >/dev/null 2>&1
"$BATON" case set "$C2" status closed >/dev/null 2>&1
run staff leave bo.l --reason "moved to another school"
expect_rc 0 "staff leave once the cases have moved on"
run staff show bo.l
expect_out "active +no" "left staff are inactive"
expect_refused "$S" 1 "--as: staff member 'bo.l' is no longer active" "inactive staff cannot write" \
    case set "$C1" plan.strengths "x" --as bo.l
expect_refused "$S" 1 "'bo.l' is not active staff" "inactive staff cannot become contact person" \
    case new --child "Ny Nysson" --born 2016-02-03 --context school:Exempelskolan --contact bo.l
run staff list
expect_no_out "^bo.l" "staff list hides those who left"
run staff list --all
expect_out "^bo.l .*\(left\)" "staff list --all shows them"

finish
