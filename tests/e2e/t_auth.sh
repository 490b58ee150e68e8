# Local passwords for the web front end: `baton staff passwd` reads the password from standard
# input (or twice from a terminal), keeps an argon2id hash in the store's auth.db (0600, never in
# git), logs the change, and writes nothing for a weak password or a person who may not set it.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S
HEAD=$(head_of "$S")

printf 'korrekt hest batteri\n' >"$T/pw"
BATON_USER=koord run staff passwd laerer1 <"$T/pw"
expect_rc 0 "a coordinator sets a teacher's password"
expect_out "^password set for laerer1$" "passwd says whose"
assert "auth.db is the owner's alone" test "$(stat -c %a "$S/auth.db")" = 600
assert "auth.db holds an argon2id hash" grep -qa 'argon2id' "$S/auth.db"
assert "auth.db holds no password" sh -c "! grep -qa 'korrekt hest batteri' '$S/auth.db'"
assert "the head has not moved: a password is no part of the history" test "$(head_of "$S")" = "$HEAD"
assert "git holds no auth.db" sh -c "! git --git-dir '$S/repo.git' ls-tree -r --name-only main | grep -q auth"
hash_of() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT hash FROM passwords WHERE staff=?\", (sys.argv[2],)).fetchone()[0])" "$S/auth.db" "$1"; }
HASH=$(hash_of laerer1)
BATON_USER=koord run audit list
expect_out "password +koord +\"laerer1\"" "the access log has the change, by whom, for whom"

# bad input: named, exit 1, nothing written
for pw in "kort" "" "$(printf 'med\ttab og mere tekst')"; do
    printf '%s\n' "$pw" >"$T/pw"
    BATON_USER=koord run staff passwd laerer1 <"$T/pw"
    expect_rc 1 "a weak or odd password is refused ('$pw')"
    expect_err "^baton: password: " "the refusal names the password"
done
BATON_USER=koord run staff passwd laerer1 </dev/null
expect_rc 1 "no password on standard input"
expect_err "^baton: password: none on standard input" "says there was none"
NOW=$(hash_of laerer1)
assert "after the refusals the password is the one set first" test "$NOW" = "$HASH"

# who may: one's own, yes; another's, only a coordinator; a stranger or an unknown person, no
printf 'min egen hemmelighed\n' >"$T/pw"
BATON_USER=laerer1 run staff passwd laerer1 <"$T/pw"
expect_rc 0 "a teacher sets their own password"
BATON_USER=laerer1 run staff passwd koord <"$T/pw"
expect_rc 1 "a teacher may not set someone else's"
expect_err "only coordinators and leaders" "the refusal says who may"
BATON_USER=koord run staff passwd ghost <"$T/pw"
expect_rc 4 "an unknown staff id"
run staff passwd
expect_rc 2 "passwd without an id"
run staff passwd --help
expect_out "^usage: baton staff passwd ID" "passwd --help"
finish
