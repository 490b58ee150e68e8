# The command line as a person at a terminal meets it: long output through a pager only on a
# terminal (a pseudo-terminal from script(1) here), the pager chosen by BATON_PAGER or PAGER and
# turned off by an empty one, a reader who quits the pager early, and --version.
. "$(dirname "$0")/lib.sh"

S=$T/store
export BATON_TODAY=2026-11-02
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
ID=$(new_case "$S")
for i in $(seq 1 60); do
    "$BATON" journal add "$ID" --kind observation --text "Linje $i i en lang journal" >/dev/null 2>&1
done

# on a terminal, through the pager
BATON_PAGER="cat >'$T/paged.txt'" script -qec "'$BATON' journal list $ID" /dev/null >/dev/null 2>&1
assert "on a terminal, journal list goes through the pager" grep -q "Linje 60 i en lang journal" "$T/paged.txt"
rm -f "$T/paged.txt"
env -u BATON_PAGER PAGER="cat >'$T/paged.txt'" script -qec "'$BATON' case show $ID" /dev/null >/dev/null 2>&1
assert "PAGER is used when BATON_PAGER is not set" grep -q "Testbarn Eksempelsen" "$T/paged.txt"
rm -f "$T/paged.txt"
BATON_PAGER="" PAGER="cat >'$T/paged.txt'" script -qec "'$BATON' case show $ID" /dev/null >"$T/direct.txt" 2>&1
assert "an empty BATON_PAGER turns paging off" test ! -e "$T/paged.txt"
assert "and the output comes straight to the terminal" grep -q "Testbarn Eksempelsen" "$T/direct.txt"

# not a terminal: never paged
BATON_PAGER="cat >'$T/paged.txt'" "$BATON" journal list "$ID" >"$T/piped.txt" 2>&1
assert "output to a pipe or file is never paged" test ! -e "$T/paged.txt"
assert "and holds everything" grep -q "Linje 60 i en lang journal" "$T/piped.txt"

# the reader quits early: baton is not killed by the broken pipe, and says nothing about it
BATON_PAGER="head -c 10 >/dev/null" script -qec "'$BATON' journal list $ID; echo rc=\$?" /dev/null >"$T/quit.txt" 2>&1
assert "a pager quit early leaves baton's exit code 0" grep -q "rc=0" "$T/quit.txt"
assert "and no error" sh -c "! grep -q 'baton:' '$T/quit.txt'"

# writes are not paged: the new id comes straight back
BATON_PAGER="cat >'$T/paged.txt'" script -qec "'$BATON' case new --child 'Ny Nysson' --born 2017-01-01 --context skole:S --contact laerer1" /dev/null >"$T/new.txt" 2>&1
assert "a write's output is not paged" test ! -e "$T/paged.txt"

# ---- bash completion (completion/baton.bash), against this binary's own --help ----
mkdir -p "$T/bin"
ln -s "$BATON" "$T/bin/baton"
complete_words() { # complete_words WORD...: what <TAB> offers after them
    PATH="$T/bin:$PATH" bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _baton; echo "${COMPREPLY[*]}"' \
        _ "$(dirname "$0")/../../completion/baton.bash" "$@"
}
assert "completion: commands" test "$(complete_words baton ca)" = "case"
assert "completion: subcommands" test "$(complete_words baton case s)" = "show set"
assert "completion: options from the subcommand's usage" test "$(complete_words baton case show --js)" = "--json"
assert "completion: --format values" test "$(complete_words baton packet X --format h)" = "html"
assert "completion: staff ids" sh -c "echo '$(complete_words baton due --staff laer)' | grep -qw laerer1"
echo x >"$T/notes-for-edit.txt"
assert "completion: files" test "$(complete_words baton case edit X --file "$T/notes-for")" = "$T/notes-for-edit.txt"

run --version
expect_out "^baton [0-9]+\.[0-9]+\.[0-9]+$" "--version"
run -V
expect_out "^baton [0-9]+\.[0-9]+\.[0-9]+$" "-V"
finish
