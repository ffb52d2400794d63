#!/usr/bin/env bash
# Builds two kernel bundles the way a stranger might: plain javac and jar, a hand-written manifest
# and DS descriptor, no Maven, no bnd. Usage: build.sh OUT_DIR (needs bundles/io.opsgi.op built).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"; out="$1"
api="$(ls "$root"/bundles/io.opsgi.op/target/io.opsgi.op-*.jar | head -1)"
tensor="$(ls "$root"/bundles/io.opsgi.tensor/target/io.opsgi.tensor-*.jar | head -1)"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
javac --release 17 -d "$work/classes" -cp "$api:$tensor" "$here"/src/org/example/kernels/*.java
for kernel in StrangerRelu6:stranger-relu6:good MathMaxRelu6:mathmax-relu6:wrong; do
  IFS=: read -r cls variant name <<<"$kernel"
  dir="$work/$name"; mkdir -p "$dir/org/example/kernels" "$dir/OSGI-INF" "$dir/META-INF"
  cp "$work/classes/org/example/kernels/$cls.class" "$dir/org/example/kernels/"
  cat > "$dir/OSGI-INF/$cls.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="org.example.kernels.$cls">
  <property name="opsgi.op" type="String">relu6</property>
  <property name="opsgi.variant" type="String" value="$variant"/>
  <property name="service.ranking" type="Integer" value="500"/>
  <service><provide interface="io.opsgi.op.Kernel"/><provide interface="io.opsgi.op.ElementwiseKernel"/></service>
  <implementation class="org.example.kernels.$cls"/>
</scr:component>
XML
  printf 'Manifest-Version: 1.0\nBundle-ManifestVersion: 2\nBundle-SymbolicName: org.example.kernels.%s\nBundle-Version: 1.0.0\nImport-Package: io.opsgi.op;version="[1.0,2)"\nService-Component: OSGI-INF/%s.xml\n' "$name" "$cls" > "$work/MANIFEST.MF"
  jar --create --file "$out/$name-relu6.jar" --manifest "$work/MANIFEST.MF" -C "$dir" .
done
echo "built $out/good-relu6.jar and $out/wrong-relu6.jar"
