#!/usr/bin/env bash
# End to end: ./opsgi verify --bundle accepts the correct stranger jar and rejects the wrong one,
# naming the failing case. Run after the build (CI runs it after the README's test command).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
"$here/build.sh" "$out"
"$root/opsgi" verify --bundle "$out/good-relu6.jar" > "$out/good.txt" 2>/dev/null || { cat "$out/good.txt"; echo "FAIL: the correct jar was rejected"; exit 1; }
status=0; "$root/opsgi" verify --bundle "$out/wrong-relu6.jar" --json "$out/wrong.json" > "$out/wrong.txt" 2>/dev/null || status=$?
cat "$out/wrong.txt"
[ "$status" = 1 ] || { echo "FAIL: the wrong jar gave exit $status, expected 1"; exit 1; }
grep -q "FAILED relu6_special_values" "$out/wrong.txt" || { echo "FAIL: the report does not name relu6_special_values"; exit 1; }
grep -q '"failed"' "$out/wrong.json" || { echo "FAIL: no JSON report"; exit 1; }
echo "stranger jars: 2 passed, 0 failed"
