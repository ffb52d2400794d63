#!/usr/bin/env bash
# CI: the template kernel project builds on opsgi's published API alone and its jar passes
# ./opsgi verify --bundle; the same project with a wrong relu is refused, naming the failing case.
# Needs the API artifacts and the BOM in the local Maven repository: run after `mvn -B install`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT

mvn -B -q -f "$here/pom.xml" package
jar="$(ls "$here"/target/opsgi-kernel-template-*.jar)"
"$root/opsgi" verify --bundle "$jar" > "$work/good.txt" 2>&1 \
  || { cat "$work/good.txt"; echo "FAIL: the template kernel was rejected"; exit 1; }
grep -q "template" "$work/good.txt" || { cat "$work/good.txt"; echo "FAIL: the report does not show the template kernel"; exit 1; }

# The check bites: Math.max turns relu(-0.0) into +0.0 where PyTorch keeps -0.0. (The template's own unit
# test catches it too; it is skipped here so that the container's verification has to.)
# Built under target/ so that it sees the same Maven settings (.mvn/) as the template.
wrong="$here/target/wrong-template"; rm -rf "$wrong"; mkdir -p "$wrong"
cp -r "$here/pom.xml" "$here/bnd.bnd" "$here/src" "$wrong/"
sed -i 's/y\[i\] = x\[i\] < 0f ? 0f : x\[i\];/y[i] = Math.max(x[i], 0f);/' "$wrong/src/main/java/org/example/kernels/template/TemplateRelu.java"
grep -q "Math.max" "$wrong/src/main/java/org/example/kernels/template/TemplateRelu.java" || { echo "FAIL: could not make the wrong kernel"; exit 1; }
mvn -B -q -f "$wrong/pom.xml" package -DskipTests
status=0; "$root/opsgi" verify --bundle "$(ls "$wrong"/target/opsgi-kernel-template-*.jar)" > "$work/wrong.txt" 2>&1 || status=$?
[ "$status" = 1 ] || { cat "$work/wrong.txt"; echo "FAIL: the wrong template kernel gave exit $status, expected 1"; exit 1; }
grep -q "FAILED relu_special_values" "$work/wrong.txt" || { cat "$work/wrong.txt"; echo "FAIL: the report does not name relu_special_values"; exit 1; }
echo "kernel template: the template passes ./opsgi verify --bundle, a wrong copy is refused (relu_special_values)"
