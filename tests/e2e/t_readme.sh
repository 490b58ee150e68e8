# The README's walk-through, run exactly as written: the first ```sh block under "## A short
# walk-through", from a source tree whose build/baton is the baton under test (as after make
# demo), stopping at the first command that fails. The README can then never drift from the
# program.
. "$(dirname "$0")/lib.sh"

README=$(cd "$(dirname "$0")/../.." && pwd)/README.md
TREE=$T/tree
W=$TREE/walk-through
awk '/^## A short walk-through/ {in_section = 1; next}
     in_section && /^```sh$/ && !done {in_block = 1; next}
     in_block && /^```$/ {in_block = 0; done = 1; next}
     in_block {print}' "$README" >"$T/walk.sh"
assert "the README has a walk-through of at least 40 lines" test "$(wc -l <"$T/walk.sh")" -ge 40

# a fresh tree: nothing but build/baton, which is the baton under test
mkdir -p "$TREE/build"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$BATON" >"$TREE/build/baton"
chmod +x "$TREE/build/baton"
assert "no baton on the PATH before the walk-through" sh -c "! PATH=/usr/bin:/bin command -v baton"
(cd "$TREE" && env -u BATON_STORE -u BATON_USER PATH="/usr/local/bin:/usr/bin:/bin" \
    bash -eu -o pipefail -c 'trap '\''echo "walk-through failed at line $LINENO: $(sed -n "${LINENO}p" "$0")" >&2'\'' ERR; . "$0"' \
    "$T/walk.sh") >"$OUT" 2>"$ERR"
RC=$?
sanitizer_check "README walk-through"
expect_rc 0 "the README walk-through runs as written"
expect_no_out "Sanitizer" "no sanitizer report in the walk-through"

assert "it wrote the packet" test -s "$W/packet.html"
assert "it wrote the class briefing" test -s "$W/2b.html"
assert "it wrote the transfer file" test -s "$W/ida.btx"
expect_err "imported case [a-z0-9]+ in revision" "the receiving store imported the case"
for s in school-store:hanne.k nabo-store:nina.m; do
    run --store "$W/${s%%:*}" --as "${s#*:}" fsck
    expect_rc 0 "the walk-through's ${s%%:*} passes baton fsck"
done

# finish checks every store under $T with git fsck and the schemas
mv "$W/school-store" "$W/nabo-store" "$T/"
finish
