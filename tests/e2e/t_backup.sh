# Backup and restore over git remotes: a push to a path, to git daemon (git://) and to git's
# http-backend (smart HTTP), all on loopback; the restore drill (a new store whose fsck and
# audit verify pass, reading what the old one held); what the remote may and may not see; each
# push replacing the last; and bad input refused with nothing written.
. "$(dirname "$0")/lib.sh"

S=$T/store
new_store "$S" || { not_ok "store setup"; finish; exit 1; }
export BATON_STORE=$S BATON_USER=koord
ID=$(new_case "$S")
"$BATON" case set "$ID" plan.strengths "Bygger broer af klodser" >/dev/null
"$BATON" key generate >/dev/null
printf 'koord kodeord 1234\n' | "$BATON" staff passwd koord >/dev/null
# a purpose is free text: it goes to the access log, which leaves the machine only encrypted
PURPOSE="formaal-markoer-q7v2"
"$BATON" case show "$ID" --purpose "$PURPOSE" >/dev/null
"$BATON" audit purge >/dev/null # anchors the log on refs/baton/audit
git init -q --bare "$T/remote.git"

# ---- bad input: a clear error naming what is wrong, nothing written ----
run backup push
expect_rc 4 "push with no backup"
expect_err "no backup to push to" "push with no backup: message"
run backup add "bad name" "$T/remote.git"
expect_rc 1 "a name with a space"
expect_err "^baton: NAME: " "a bad name is named"
run backup add off ""
expect_rc 1 "an empty URL"
expect_err "^baton: URL: " "an empty URL is named"
assert "nothing was added" test -z "$("$BATON" backup list)"
assert "no key was made for refused adds" test ! -e "$S/keys/backup.key"
run backup add off "$T/remote.git" --as laerer1
expect_rc 1 "a teacher cannot add a backup"
assert "the teacher's add left no key" test ! -e "$S/keys/backup.key"

# ---- a push to a path ----
run backup add off "$T/remote.git"
expect_rc 0 "backup add"
expect_out "keys/backup.key" "add names the key to keep apart"
assert "the backup key is private" test "$(stat -c %a "$S/keys/backup.key")" = 600
run backup add off "$T/other.git"
expect_rc 1 "the same name twice"
expect_err "exists already" "the same name twice: message"
run backup list --json
python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); sys.exit(not (len(b)==1 and b[0]["name"]=="off" and b[0]["url"].endswith("remote.git")))' "$OUT"
assert "backup list names the remote" test $? -eq 0
run backup push nosuch
expect_rc 4 "push to an unknown name"
run backup push --json
expect_rc 0 "backup push"
HEAD=$(head_of "$S")
assert "the remote has the head" test "$(git --git-dir "$T/remote.git" rev-parse refs/heads/main)" = "$HEAD"
assert "the remote has the log's anchors" test "$(git --git-dir "$T/remote.git" rev-parse refs/baton/audit)" = \
    "$(git --git-dir "$S/repo.git" rev-parse refs/baton/audit)"
assert "the store keeps no backup commit of its own" test -z "$(git --git-dir "$S/repo.git" for-each-ref refs/baton/backup)"
assert "no scratch repository is left in the store" test -z "$(ls -d "$S"/backup.tmp-* 2>/dev/null)"
git --git-dir "$T/remote.git" ls-tree --name-only refs/baton/backup >"$T/files"
assert "the backup holds the sealed log, passwords and signing key and a manifest" \
    test "$(tr '\n' ' ' <"$T/files")" = "audit.db.sealed auth.db.sealed manifest.json signing.key.sealed "
# every object of the remote, uncompressed: the case's text is there (the history), the log's is not
git --git-dir "$T/remote.git" cat-file --batch-all-objects --batch >"$T/objects"
assert "the remote holds the history" grep -q "Bygger broer af klodser" "$T/objects"
assert "the access log's text is not readable on the remote" sh -c "! grep -q '$PURPOSE' '$T/objects'"
assert "the signing key is not readable on the remote" sh -c "! grep -q 'ed25519-secret' '$T/objects'"
run audit list --json
assert "the push is in the access log" grep -q '"backup"' "$OUT"

# a second push replaces the first: one backup commit, no history of old copies
"$BATON" case set "$ID" plan.works_well "Korte beskeder" >/dev/null
run backup push off
expect_rc 0 "a second push"
assert "the backup ref has no parent: old copies are not kept" \
    test "$(git --git-dir "$T/remote.git" rev-list --count refs/baton/backup)" = 1
assert "the remote follows the head" test "$(git --git-dir "$T/remote.git" rev-parse refs/heads/main)" = "$(head_of "$S")"

# ---- restore drill ----
run restore "$T/remote.git" "$T/r1"
expect_rc 2 "restore without --key"
run restore "$T/remote.git" "$T/r1" --key "$T/nokey"
expect_rc 4 "restore with a missing key file"
expect_err "^baton: --key: " "a missing key is named"
"$BATON" init "$T/other" >/dev/null 2>&1
BATON_STORE=$T/other BATON_USER= "$BATON" staff add k2 --name "Anden Koordinator" --email k2@x.example --role coordinator >/dev/null
BATON_STORE=$T/other BATON_USER=k2 "$BATON" backup add x "$T/x.git" >/dev/null
run restore "$T/remote.git" "$T/r1" --key "$T/other/keys/backup.key"
expect_rc 1 "restore with another store's key"
expect_err "cannot be opened with this key" "the wrong key is said"
assert "a failed restore leaves nothing" test ! -e "$T/r1"
mkdir "$T/busy" && touch "$T/busy/x"
run restore "$T/remote.git" "$T/busy" --key "$S/keys/backup.key"
expect_rc 1 "restore into a directory that is not empty"
expect_err "^baton: DIR: " "the directory is named"
assert "the busy directory is untouched" test "$(ls "$T/busy")" = x
git init -q --bare "$T/empty.git"
run restore "$T/empty.git" "$T/r1" --key "$S/keys/backup.key"
expect_rc 4 "restore from a remote without a backup"
expect_err "holds no Baton backup" "a remote without a backup is said"
assert "nothing left after a remote without a backup" test ! -e "$T/r1"

cp "$S/keys/backup.key" "$T/backup.key"
run restore "$T/remote.git" "$T/r1" --key "$T/backup.key"
expect_rc 0 "restore from a path"
expect_out "access-log entries verified" "restore says the log verified"
R=$T/r1
assert "the restored head is the pushed one" test "$(head_of "$R")" = "$(head_of "$S")"
assert "the restored store is private" test "$(stat -c %a "$R")" = 700
for f in audit.db auth.db keys/signing.key keys/backup.key; do
    assert "restored $f is private" test "$(stat -c %a "$R/$f")" = 600
done
BATON_STORE=$R run fsck
expect_rc 0 "baton fsck passes on the restored store"
BATON_STORE=$R run audit verify
expect_rc 0 "audit verify passes on the restored store"
BATON_STORE=$R run case show "$ID"
expect_out "Korte beskeder" "the restored store reads the case"
BATON_STORE=$R run search klodser
expect_out "$ID" "the restored index finds the case"
BATON_STORE=$R run key show
expect_out "^fingerprint: $("$BATON" key show | sed -n 's/^fingerprint: //p')\$" "the restored signing key is the same key"
BATON_STORE=$R run audit list --json
assert "the restored log holds the read with its purpose" grep -q "$PURPOSE" "$OUT"

# drill NAME URL DIR HOW: a backup at URL added as NAME, pushed, and restored into DIR, which
# passes fsck and audit verify (HOW names the transport in the descriptions)
drill() {
    run backup add "$1" "$2"
    expect_rc 0 "add a $4 backup"
    run backup push "$1"
    expect_rc 0 "push over $4"
    run restore "$2" "$3" --key "$T/backup.key"
    expect_rc 0 "restore over $4"
    BATON_STORE=$3 run fsck
    expect_rc 0 "fsck passes on the store restored over $4"
    BATON_STORE=$3 run audit verify
    expect_rc 0 "audit verify passes on the store restored over $4"
}

# ---- git daemon (git://) ----
GPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
git init -q --bare "$T/daemon/d.git"
spawn git daemon --reuseaddr --listen=127.0.0.1 --port="$GPORT" --base-path="$T/daemon" --export-all \
    --enable=receive-pack "$T/daemon" 2>/dev/null
DAEMON=$SPAWNED
for _ in $(seq 200); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$GPORT" 2>/dev/null && break
    sleep 0.05
done
drill daemon "git://127.0.0.1:$GPORT/d.git" "$T/r2" "git://"
kill_group "$DAEMON"

# ---- smart HTTP (git http-backend) ----
git init -q --bare "$T/http/h.git"
spawn python3 "$(dirname "$0")/git_http.py" "$T/http" "$T/http.port"
HTTPD=$SPAWNED
for _ in $(seq 200); do [ -s "$T/http.port" ] && break; sleep 0.05; done
drill web "http://127.0.0.1:$(cat "$T/http.port")/h.git" "$T/r3" "smart HTTP"
kill_group "$HTTPD"

# the restored store backs up again with the same key
BATON_STORE=$R run backup add again "$T/remote.git"
expect_rc 0 "the restored store takes a backup"
BATON_STORE=$R run backup push again
expect_rc 0 "the restored store pushes under the key it was restored with"

finish
