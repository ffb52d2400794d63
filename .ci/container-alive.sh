#!/usr/bin/env bash
# CI: the container runs until told to stop. Starts `./opsgi shell` fed by a FIFO, leaves it idle
# for more than twice the old 120 s limit (OPSGI_ALIVE_SECONDS, default 250) while six `./opsgi pin`
# processes run at once against the same configuration folder, then asks the live shell for its
# kernels, pins and unpins, and ends it with a bare `exit`: the output must show the kernels and the
# status must be 0. Needs the container built (./opsgi builds it on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${OPSGI_ALIVE_SECONDS:-250}"
work="$(mktemp -d)"
shell_pid=""
cleanup() {
  exec 7>&- 2>/dev/null || true
  if [ -n "$shell_pid" ] && kill -0 "$shell_pid" 2>/dev/null; then kill "$shell_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT
export OPSGI_CONFIG="$work/config" OPSGI_DEPLOY="$work/deploy"
mkfifo "$work/in"
./opsgi shell <"$work/in" >"$work/out" 2>&1 &
shell_pid=$!
exec 7>"$work/in"
started=$(date +%s)

# Meanwhile: six pin commands at once, each its own container process; every pin must land.
ops="conv2d relu max_pool2d avg_pool2d linear pad"
pids=()
for op in $ops; do ./opsgi pin "$op" direct >"$work/pin-$op" 2>&1 & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; done
./opsgi pin conv2d nosuchvariant >"$work/pin-bad" 2>&1 && { echo "FAIL: pinning an unknown variant exited 0"; exit 1; }
grep -q "direct" "$work/pin-bad" || { echo "FAIL: the refusal does not name the valid variants:"; cat "$work/pin-bad"; exit 1; }
./opsgi list >"$work/list" 2>&1
for op in $ops; do
  grep -Eq "^$op +direct +.*\*.* pinned" "$work/list" || { echo "FAIL: the concurrent pin of $op did not land:"; cat "$work/list"; exit 1; }
done
for op in $ops; do ./opsgi unpin "$op" >/dev/null 2>&1; done

left=$(( seconds - ($(date +%s) - started) ))
if [ "$left" -gt 0 ]; then sleep "$left"; fi
kill -0 "$shell_pid" 2>/dev/null || { echo "FAIL: the shell ended before ${seconds} s:"; cat "$work/out"; exit 1; }
echo "opsgi:list" >&7
echo "opsgi:pin conv2d direct" >&7
echo "opsgi:unpin conv2d" >&7
echo "opsgi:unpin conv2d" >&7
sleep 5
echo "exit" >&7
exec 7>&-
status=0
wait "$shell_pid" || status=$?
shell_pid=""
alive=$(( $(date +%s) - started ))
grep -Eq "^conv2d +direct +[0-9]+ +verified" "$work/out" || { echo "FAIL: no kernel list from the shell after ${alive} s:"; cat "$work/out"; exit 1; }
grep -q "unpinned conv2d (was direct)" "$work/out" || { echo "FAIL: pin/unpin in the shell:"; cat "$work/out"; exit 1; }
grep -q "conv2d was not pinned; nothing to unpin" "$work/out" || { echo "FAIL: unpin of nothing not reported:"; cat "$work/out"; exit 1; }
[ "$status" -eq 0 ] || { echo "FAIL: the shell ended with status $status:"; cat "$work/out"; exit 1; }
echo "container alive: served opsgi:list after ${alive} s, six concurrent pins landed, exit status 0"
