# The manual: `man baton` and a page per command (man/*.1.scd, built by scdoc into build/man).
# Every command the binary has has a page; every subcommand and every option its usage names is
# in that page, so the manual cannot fall behind the program; and every page renders without a
# warning from groff.
. "$(dirname "$0")/lib.sh"

MANDIR=${BATON_MAN:-$(cd "$(dirname "$0")/../.." && pwd)/build/man}
export BATON_PAGER=""
assert "the manual pages are built ($MANDIR)" test -f "$MANDIR/baton.1"
"$BATON" --help >"$T/top.txt"
commands=$(sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' "$T/top.txt")
assert "baton --help lists commands" test -n "$commands"
groff -man -Tutf8 -rLL=400n -rHY=0 -P-cbu "$MANDIR/baton.1" 2>/dev/null | sed 's/\xe2\x80\x90//g' >"$T/baton.txt"
for c in $commands; do
    page=$MANDIR/baton-$c.1
    assert "baton-$c.1 exists" test -f "$page"
    [ -f "$page" ] || continue
    grep -q "baton-$c(1)" "$T/baton.txt" && ok || not_ok "baton.1 refers to baton-$c(1)"
    # what the page says, as text: every subcommand and every option of every usage line
    groff -man -Tutf8 -P-c -ww -z "$page" 2>"$T/groff.err"
    assert "baton-$c.1 renders without warnings" test ! -s "$T/groff.err"
    groff -man -Tutf8 -rLL=400n -rHY=0 -P-cbu "$page" 2>/dev/null | sed 's/\xe2\x80\x90//g' >"$T/page.txt"
    "$BATON" "$c" --help >"$T/help.txt" 2>&1
    subs=""
    if grep -q "^usage: baton $c <command>" "$T/help.txt"; then
        subs=$(sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' "$T/help.txt")
    fi
    for s in ${subs:-""}; do
        if [ -n "$s" ]; then
            tr -s ' \n' ' ' <"$T/page.txt" | grep -q "baton $c $s" && ok || not_ok "baton-$c.1 has 'baton $c $s'"
            "$BATON" "$c" "$s" --help >"$T/sub.txt" 2>&1
        else
            cp "$T/help.txt" "$T/sub.txt"
        fi
        for o in $(sed -n '/^usage:/,/^$/p' "$T/sub.txt" | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
            grep -q -- "$o" "$T/page.txt" && ok || not_ok "baton-$c.1 names $o (baton $c $s)"
        done
    done
done
finish
