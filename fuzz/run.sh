#!/usr/bin/env bash
# Seed the corpora and run one cargo-fuzz target (see README.md).
#
#   fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags...]
#
# TARGET is `check`, `dsl`, `expr` or `yaml_fast`; SECONDS defaults to 600. Needs cargo-fuzz
# (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 lets it pass its
# nightly-only flags. Crashes land in fuzz/artifacts/TARGET/; the run goes on after a crash
# (fork mode), so one run can find several.
set -euo pipefail
cd "$(dirname "$0")"

target=${1:?usage: fuzz/run.sh check|dsl|expr|yaml_fast [SECONDS] [libFuzzer flags...]}
seconds=${2:-600}
shift $(( $# >= 2 ? 2 : 1 ))

mkdir -p "corpus/$target"
case "$target" in
  check|yaml_fast)
    # Every pipeline we have: pipeline_ex's corpus (beside the checkout), our examples and,
    # for the YAML fast path, the checker's fixtures too.
    find ../../shared/corpus/pipeline_ex ../examples ../compiler/pipec-check/tests/fixtures \
      -name '*.yaml' 2>/dev/null | while read -r f; do
      cp "$f" "corpus/$target/$(printf '%s' "$f" | md5sum | cut -c1-16).yaml"
    done
    max_len=16384
    ;;
  dsl)
    # Every `.pipe` file we have: the examples and the checker's DSL fixtures.
    find ../examples ../compiler/pipec-check/tests/fixtures/dsl -name '*.pipe' 2>/dev/null | while read -r f; do
      cp "$f" "corpus/dsl/$(printf '%s' "$f" | md5sum | cut -c1-16).pipe"
    done
    max_len=16384
    ;;
  expr)
    # Conditions and template strings lifted from the same files.
    python3 - <<'EOF'
import glob, hashlib, re
files = glob.glob("../../shared/corpus/pipeline_ex/**/*.yaml", recursive=True)
files += glob.glob("../examples/**/*.yaml", recursive=True)
seeds = set()
for f in files:
    for line in open(f, errors="replace"):
        m = re.search(r"(?:when|condition|if|while|until)\s*:\s*[\"']?(.+?)[\"']?\s*$", line)
        if m:
            seeds.add(m.group(1))
        seeds.update(t.strip() for t in re.findall(r"[^\"']*\{\{.*?\}\}[^\"']*", line))
for s in seeds:
    with open("corpus/expr/" + hashlib.md5(s.encode()).hexdigest()[:16], "w") as out:
        out.write(s)
EOF
    max_len=4096
    ;;
  *)
    echo "unknown target: $target (check, dsl, expr or yaml_fast)" >&2
    exit 2
    ;;
esac

sanitizer=()
# The address sanitizer needs its runtime in the toolchain; fall back to none without it.
if ! ls "$(rustc --print sysroot)"/lib/rustlib/*/lib/librustc-*_rt.asan.a >/dev/null 2>&1; then
  echo "note: no ASan runtime in this toolchain; running with --sanitizer none" >&2
  sanitizer=(--sanitizer none)
fi

RUSTC_BOOTSTRAP=1 exec cargo fuzz run -O "${sanitizer[@]}" "$target" "corpus/$target" -- \
  -dict="dicts/$target.dict" -max_total_time="$seconds" -max_len="$max_len" \
  -rss_limit_mb=2048 -timeout=10 \
  -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 "$@"
