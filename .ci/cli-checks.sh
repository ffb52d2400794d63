#!/usr/bin/env bash
# Scripted checks of ./opsgi as a user meets it (issue 16: reports, commands, shell, configuration).
# Run after the build (`mvn -B verify`); one line per check; exits 1 if any check failed.
# Two lanes run side by side (2 cores; most of a check is a container's start and its gate run), each with
# its own deploy and config folder and output files; their lines are printed lane after lane, in script
# order. The stale-jar check rebuilds the container, so it runs last, alone.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
opsgi="$root/opsgi"
work="$(mktemp -d)"; trap 'tmux kill-session -t "opsgi-check-$$" 2>/dev/null; rm -rf "$work"' EXIT
# A deploy and config folder of our own (one per lane): the user's pins and jars are not touched, nor do they interfere.
lane=main
export OPSGI_DEPLOY="$work/deploy" OPSGI_CONFIG="$work/config"
ok() { echo "ok    $1"; }
fail() { echo "FAIL  $1: $2"; }
# check NAME WANTED_STATUS CMD...: runs CMD, keeps its stdout/stderr in $out/$err, checks the status.
check() {
  local name="$1" want="$2"; shift 2
  "$@" >"$work/$lane.out" 2>"$work/$lane.err" </dev/null; status=$?
  out="$(cat "$work/$lane.out")"; err="$(grep -v "^WARNING: Using incubator modules" "$work/$lane.err")"
  if [ "$status" != "$want" ]; then fail "$name" "exit $status, expected $want; stderr: $(echo "$err" | head -3)"; return 1; fi
}
# one_line NAME: the command's stderr is exactly one line and no stack trace.
one_line() {
  if [ "$(echo "$err" | grep -c .)" = 1 ] && ! grep -qE "^\s+at |Exception in thread" <<< "$err"; then ok "$1: $err"
  else fail "$1" "expected one line on stderr, got: $(echo "$err" | head -5)"; fi
}
has() { # has NAME TEXT WHERE
  if grep -qF -- "$2" <<< "$3"; then ok "$1"; else fail "$1" "no '$2' in: $(echo "$3" | head -5)"; fi
}

# Inputs for the checks below: shared, written before the lanes start.
python3 - "$work" <<'PY'
import struct, sys, zipfile
w = sys.argv[1]
def npy(path, descr, shape, body):
    h = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    h += " " * (63 - (10 + len(h)) % 64) + "\n"
    open(path, "wb").write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h.encode() + body)
npy(w + "/x.npy", "<f4", "(1, 64, 14, 14)", struct.pack("<%df" % (64 * 196), *([0.5] * (64 * 196))))
npy(w + "/f64.npy", "<f8", "(1, 64, 14, 14)", struct.pack("<%dd" % (64 * 196), *([0.5] * (64 * 196))))
open(w + "/garbage.npy", "w").write("not an npy file")
open(w + "/text.jar", "w").write("hello, I am not a jar")
with zipfile.ZipFile(w + "/unresolvable.jar", "w") as z:
    z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nBundle-ManifestVersion: 2\r\nBundle-SymbolicName: io.example.unresolvable\r\n"
               "Bundle-Version: 1.0.0\r\nImport-Package: io.example.nowhere\r\n\r\n")
PY
# in_lane NAME: this subshell (one lane, run in the background) is lane NAME: its own output files, deploy and config folders.
in_lane() { lane="$1"; export OPSGI_DEPLOY="$work/$1/deploy" OPSGI_CONFIG="$work/$1/config"; mkdir -p "$OPSGI_DEPLOY" "$OPSGI_CONFIG"; }

# ================= lane 1: commands, errors, summaries =================
( in_lane 1
# --- Commands that never surprise ---------------------------------------------------------------
check "--help" 0 "$opsgi" --help && has "--help lists shell" "shell " "$out"
check "help" 0 "$opsgi" help && has "help lists every command" "summary" "$out"
for cmd in list report pin unpin verify summary run shell host; do
  check "$cmd --help" 0 "$opsgi" "$cmd" --help && has "$cmd --help prints its usage" "Usage:" "$out"
done
check "help run" 0 "$opsgi" help run && has "help run prints run's usage" "--repeat" "$out"
check "host without a port" 2 "$opsgi" host && one_line "host without a port"
check "host --port not a number" 2 "$opsgi" host --port abc && one_line "host --port not a number"

model="$root/examples/resnet_basic_block/model.json"
mkdir -p "$work/adir"
check "run --output to a missing folder" 2 "$opsgi" run "$model" --input "$work/x.npy" --seed 1 --output "$work/missing/y.npy" && one_line "run --output to a missing folder"
check "run --output to a directory" 2 "$opsgi" run "$model" --input "$work/x.npy" --seed 1 --output "$work/adir" && one_line "run --output to a directory"
check "run --expected malformed" 2 "$opsgi" run "$model" --input "$work/x.npy" --seed 1 --expected "$work/garbage.npy" && one_line "run --expected malformed"
check "run --expected float64" 2 "$opsgi" run "$model" --input "$work/x.npy" --seed 1 --expected "$work/f64.npy" && one_line "run --expected float64"
check "verify --json to a missing folder" 2 "$opsgi" verify --json "$work/missing/r.json" && one_line "verify --json to a missing folder"
check "verify --bundle not a jar" 2 "$opsgi" verify --bundle "$work/text.jar" && one_line "verify --bundle not a jar"
check "verify --bundle that does not resolve" 2 "$opsgi" verify --bundle "$work/unresolvable.jar" && one_line "verify --bundle that does not resolve"
check "verify --op unknown" 2 "$opsgi" verify --op convolution && one_line "verify --op unknown"

check "run --repeat 3" 0 "$opsgi" run "$model" --input "$work/x.npy" --seed 1 --repeat 3 && has "run --repeat reports median and min" "3 runs: median" "$out" \
  && has "run --repeat counts on stderr" "run 3/3" "$err"
check "summary" 0 "$opsgi" summary "$model" && has "summary prints the layers" "residual" "$out"
# The container's set-up (deploy folder, framework cache) is skipped: summary runs in plain Java.
check "summary starts no container" 0 env OPSGI_DEPLOY="$work/never" "$opsgi" summary "$model" \
  && if [ -e "$work/never" ]; then fail "summary starts no container" "the container was set up"; else ok "summary starts no container"; fi

# --- ONNX models: the same commands, dispatched on the file name ----------------------------------
cases="$root/bundles/io.opsgi.onnx/src/test/resources/cases"
check "summary of an ONNX model" 0 "$opsgi" summary "$cases/mobilenet_block/model.onnx" && has "summary of an ONNX model: weights in memory" "weights in memory" "$out"
check "run of an ONNX model against PyTorch" 0 "$opsgi" run "$cases/upsample/model.onnx" --input "$cases/upsample/input.npy" \
  --expected "$cases/upsample/expected.npy" && has "run of an ONNX model matches PyTorch" "MATCHES" "$out"
head -c 300 "$cases/conv_bn_relu_pool/model.onnx" > "$work/truncated.onnx"
check "summary of a truncated ONNX file" 1 "$opsgi" summary "$work/truncated.onnx" && one_line "summary of a truncated ONNX file"
cp "$work/garbage.npy" "$work/garbage.onnx"
check "run of a file that is not ONNX" 1 "$opsgi" run "$work/garbage.onnx" --input "$work/x.npy" && one_line "run of a file that is not ONNX"
# The other JDK the README names, where it is installed: still one line (JDK 24+ warned about Felix's use of Unsafe).
jdk25=/usr/lib/jvm/temurin-25-jdk-amd64
if [ -x "$jdk25/bin/java" ]; then
  check "run of a file that is not ONNX on Java 25" 1 env JAVA_HOME="$jdk25" "$opsgi" run "$work/garbage.onnx" --input "$work/x.npy" \
    && one_line "run of a file that is not ONNX on Java 25"
fi
check "run of an ONNX model for another input shape" 1 "$opsgi" run "$cases/conv_bn_relu_pool/model.onnx" --input "$work/x.npy" \
  && one_line "run of an ONNX model for another input shape"

) >"$work/lane1.log" 2>&1 &
lane1=$!

# ================= lane 2: reports, configuration, the shell, ONNX models =================
( in_lane 2
# --- Reports --------------------------------------------------------------------------------------
mkdir -p "$work/r" "$work/junit"
check "verify with filters and every report" 0 "$opsgi" verify --op relu --variant direct --case 'relu_*' --cases --no-properties \
    --json "$work/r/v.json" --html "$work/r/v.html" --junit "$work/junit" \
  && has "verify --cases prints a line per case with its share of the tolerance (bit-exact relu: exact)" "relu/direct  relu_" "$(echo "$out" | grep -E "^PASSED .* exact$")" \
  && has "verify shows progress per op on stderr" "verify [1/1] relu/direct" "$err"
if python3 - "$work" <<'PY'
import json, sys, glob, xml.etree.ElementTree as ET
w = sys.argv[1]
j = json.load(open(w + "/r/v.json"))
assert j["torch_version"] and j["vector_seed"] is not None, "no provenance"
assert j["filters"] == {"op": "relu", "variant": "direct", "case": "relu_*"}, j["filters"]
assert j["cases"] and all(c["op"] == "relu" and c["variant"] == "direct" and c["caseName"].startswith("relu_") for c in j["cases"]), "filters leaked"
files = glob.glob(w + "/junit/TEST-*.xml")
assert files == [w + "/junit/TEST-opsgi.relu.direct.xml"], files
s = ET.parse(files[0]).getroot()
assert s.tag == "testsuite" and int(s.get("tests")) == len(s.findall("testcase")) == len(j["cases"]), "junit shape"
html = open(w + "/r/v.html").read()
assert "data:image/png;base64," in html, "no plot"
PY
then ok "JSON (provenance, filters, per-case), JUnit XML (a testcase per case) and HTML (embedded plot) agree"; else fail "reports" "see above"; fi

# A wrong kernel: exit 1, repro line, sign-of-zero message, failing outputs as .npy (stranger jars from verification/).
mkdir -p "$work/jars"; "$root/verification/stranger-jars/build.sh" "$work/jars" >/dev/null 2>&1 || fail "stranger jars" "could not build them"
check "verify a wrong kernel" 1 "$opsgi" verify --bundle "$work/jars/wrong-relu6.jar" --no-properties --json "$work/r/wrong.json"
has "a failure names the sign of zero plainly" "differs only in the sign of zero at" "$out"
has "a failure has a repro command" "repro: ./opsgi verify --bundle $work/jars/wrong-relu6.jar --op relu6 --variant" "$out"
if ls "$work/r/failures/"*.got.npy "$work/r/failures/"*.expected.npy >/dev/null 2>&1; then ok "failing outputs written as .npy beside the report"
else fail "failing outputs" "no .npy in $work/r/failures"; fi
repro="$(echo "$out" | grep -m1 "repro: " | sed 's/.*repro: \.\/opsgi //')"
# shellcheck disable=SC2086 # the repro line is a command line
[ -n "$repro" ] && check "the repro command replays one case" 1 "$opsgi" $repro && has "the repro command replays exactly that case" "FAILED" "$(echo "$out" | grep -E "^(PASSED|FAILED) ")"

# --- Configuration: a Karaf-style .cfg in deploy/ reaches Config Admin ---------------------------
mkdir -p "$OPSGI_DEPLOY"; printf 'threads = 1\n' > "$OPSGI_DEPLOY/io.opsgi.threads.cfg"; touch -d 2020-01-01 "$OPSGI_DEPLOY/io.opsgi.threads.cfg"
check "list with a deploy/io.opsgi.threads.cfg" 0 "$opsgi" list
# FileInstall applies the file on its own thread; a command starts only once it is in Config Admin, so one run does.
if grep -rqs 'threads="1"' "$OPSGI_CONFIG/io/opsgi/threads.config"; then ok "deploy/io.opsgi.threads.cfg (threads=1) is Config Admin's io.opsgi.threads"
else fail "deploy/io.opsgi.threads.cfg" "not in Config Admin: $(ls -R "$OPSGI_CONFIG" | head; cat "$OPSGI_CONFIG/io/opsgi/threads.config")"; fi
# The user's file is read, never rewritten (FileInstall's write-back once emptied it and the configuration).
if [ "$(cat "$OPSGI_DEPLOY/io.opsgi.threads.cfg")" = "threads = 1" ] && [ "$(date -r "$OPSGI_DEPLOY/io.opsgi.threads.cfg" +%Y)" = 2020 ]; then
  ok "deploy/io.opsgi.threads.cfg is left as written"
else fail "deploy/io.opsgi.threads.cfg" "rewritten: '$(cat "$OPSGI_DEPLOY/io.opsgi.threads.cfg")', modified $(date -r "$OPSGI_DEPLOY/io.opsgi.threads.cfg")"; fi
rm -f "$OPSGI_DEPLOY/io.opsgi.threads.cfg"

# --- The Gogo shell: completion, history, a bare exit --------------------------------------------
if command -v tmux >/dev/null; then
  s="opsgi-check-$$"
  tmux new-session -d -s "$s" -x 200 -y 50 "$opsgi shell 2>$work/shell.err"
  wait_for() { for _ in $(seq 1 120); do grep -qF -- "$1" <<< "$(tmux capture-pane -p -t "$s" 2>/dev/null)" && return 0; sleep 1; done; return 1; }
  # The shell prints kernel announcements (a new kernel serving an op) as the gate admits them, straight onto the
  # console: one arriving while a line is typed lands inside it, and one after the prompt leaves the next line
  # without a prompt. Type only once the console has been still for 5 s, on a fresh prompt (an empty line entered
  # first), and type again (up to 3 times) if an announcement came in between after all.
  still() { prev=""; same=0; for _ in $(seq 1 120); do cur="$(tmux capture-pane -p -t "$s" 2>/dev/null)"
    if [ "$cur" = "$prev" ]; then same=$((same + 1)); [ "$same" -ge 5 ] && return 0; else same=0; prev="$cur"; fi; sleep 1; done; return 1; }
  if wait_for "g!"; then
    completed=no
    for _ in 1 2 3; do
      still; tmux send-keys -t "$s" C-u Enter; sleep 1; tmux send-keys -t "$s" "opsgi:li"
      # The prompt can come before the opsgi commands are registered: Tab again until they are.
      for _ in 1 2 3 4 5 6; do tmux send-keys -t "$s" Tab; sleep 5; grep -qF "g! opsgi:list" <<< "$(tmux capture-pane -p -t "$s")" && break; done
      grep -qF "g! opsgi:list" <<< "$(tmux capture-pane -p -t "$s")" && { completed=yes; break; }
    done
    if [ "$completed" = yes ]; then ok "shell: Tab completes opsgi:li to opsgi:list"; else fail "shell completion" "$(tmux capture-pane -p -t "$s" | grep -v '^ *$' | tail -3)"; fi
    recalled=no
    for _ in 1 2 3; do
      still; tmux send-keys -t "$s" C-u Enter; sleep 1; tmux send-keys -t "$s" "echo history-probe" Enter; wait_for "history-probe" >/dev/null
      # Keys typed while the command still runs go to its input and are lost: press Up on the next prompt, once
      # the console is still. The entered line shows "g! echo history-probe" too: Up must add one more.
      still
      before="$(tmux capture-pane -p -t "$s" | grep -cF "g! echo history-probe" || true)"
      tmux send-keys -t "$s" Up
      for _ in $(seq 1 30); do
        [ "$(tmux capture-pane -p -t "$s" | grep -cF "g! echo history-probe" || true)" -gt "$before" ] && { recalled=yes; break; }; sleep 1
      done
      [ "$recalled" = yes ] && break
    done
    if [ "$recalled" = yes ]; then ok "shell: Up recalls the last command"; else fail "shell history" "$(tmux capture-pane -p -t "$s" | grep -v '^ *$' | tail -3)"; fi
    tmux send-keys -t "$s" C-u "exit" Enter
    for _ in $(seq 1 60); do tmux has-session -t "$s" 2>/dev/null || break; sleep 1; done
    if tmux has-session -t "$s" 2>/dev/null; then fail "shell: exit" "$(tmux capture-pane -p -t "$s" | tail -3)"; else ok "shell: a bare exit leaves"; fi
  else
    fail "shell" "no prompt within 120 s: $(tmux capture-pane -p -t "$s" | tail -5) $(tail -5 "$work/shell.err")"
  fi
else
  echo "skip  shell checks: tmux is not installed"
fi

# --- ONNX models: ./opsgi run matches PyTorch (examples/onnx, export.py) ---------------------------------
# Every committed model is checked against PyTorch and ONNX Runtime in mvn verify (OnnxModelsMatchPeersTest);
# here the command path, on one model per kind (each run starts a container: about a minute on 2 cores).
for m in "$root"/examples/onnx/squeezenet1_1_c10/model.onnx "$root"/examples/onnx/unet_small/model.opset11.onnx; do
  name="${m#$root/examples/onnx/}"
  check "run $name --expected" 0 "$opsgi" run "$m" --input "$(dirname "$m")/input.npy" --expected "$(dirname "$m")/expected.npy" \
    && ok "run $name matches PyTorch's expected.npy"
done
# ... and the check bites: another model's output as --expected fails with status 1.
sq="$root/examples/onnx/squeezenet1_1_c10"
check "run squeezenet with a wrong --expected" 1 "$opsgi" run "$sq/model.onnx" --input "$sq/input.npy" \
    --expected "$root/examples/onnx/example_classifier_head/expected.npy" && ok "run squeezenet with a wrong --expected exits 1"
# That second run of squeezenet found its kernels' passes remembered (.opsgi/verdicts beside the lane's config): no verification.
if grep -q "the gate is verifying" <<< "$err"; then fail "a second run serves on remembered passes" "it verified again: $(grep "run:" <<< "$err")"
else ok "a second run serves on remembered passes (no verification line)"; fi
check "report conv2d blocked" 0 "$opsgi" report conv2d blocked && has "report shows a remembered pass" "remembered pass of" "$out"
# A model with two outputs (features, logits): one --expected and one --output per output, in the graph's order.
th="$root/examples/onnx/two_heads_c10"
check "run two_heads_c10 --expected x2 --output x2" 0 "$opsgi" run "$th/model.onnx" --input "$th/input.npy" --expected "$th/expected.0.npy" \
    --expected "$th/expected.1.npy" --output "$work/features.npy" --output "$work/logits.npy" \
  && has "run of two outputs prints both" "-> outputs 'features' [1, 16, 16, 16], 'logits' [1, 10]" "$out" \
  && has "run of two outputs matches both" "(output 'logits'): max abs error" "$out" \
  && if [ -s "$work/features.npy" ] && [ -s "$work/logits.npy" ]; then ok "run of two outputs writes both"; else fail "run of two outputs writes both" "missing"; fi
check "run two_heads_c10 with one --expected" 2 "$opsgi" run "$th/model.onnx" --input "$th/input.npy" --expected "$th/expected.0.npy" \
  && one_line "run two_heads_c10 with one --expected for two outputs"
check "run two_heads_c10 with swapped --expected" 1 "$opsgi" run "$th/model.onnx" --input "$th/input.npy" --expected "$th/expected.1.npy" \
    --expected "$th/expected.0.npy" && ok "run two_heads_c10 with the --expected files swapped exits 1"

) >"$work/lane2.log" 2>&1 &
lane2=$!
wait "$lane1"; wait "$lane2"
cat "$work/lane1.log" "$work/lane2.log"

# ================= last, alone =================
{ lane=main
# --- The script rebuilds a stale jar, with a line per module -------------------------------------
touch "$root/bundles/io.opsgi.cli/src/main/java/io/opsgi/cli/package-info.java"
check "a source newer than the jar" 0 "$opsgi" --help && has "./opsgi rebuilds after an edit" "building the container (sources changed" "$err" \
  && has "the build shows a line per module" "opsgi:   io.opsgi.cli" "$err"
check "no edit since" 0 "$opsgi" --help && if grep -q "building" <<< "$err"; then fail "no rebuild without an edit" "$err"; else ok "no rebuild without an edit"; fi

} | tee "$work/main.log"
passed=$(cat "$work/lane1.log" "$work/lane2.log" "$work/main.log" | grep -c "^ok ")
failed=$(cat "$work/lane1.log" "$work/lane2.log" "$work/main.log" | grep -c "^FAIL ")
echo "cli checks: $passed passed, $failed failed"
[ "$failed" = 0 ]
