#!/bin/bash
# Times every training reproduction's quick plan on --backend wasm and --backend webgpu on a bare Linux GPU host
# (no Node, no node_modules), from the device CLI pack (scripts/device/pack-cli.mjs puts this script beside cli.mjs).
#   bash examples/dist-device/train-backends.sh [ids...]
# Writes train-backends.json (per reproduction and backend: wall s, training steps, ms per step, step-graph use,
# webgpu speedup), train-backends.md and train-backends-logs.tar.xz to $OUT (default ./train-backends-out); the CLI's
# report folders stay in $WORK (default /tmp/lemma-train-backends).
# Environment: BACKENDS ("wasm webgpu"), WORKERS (unset: the CLI's default, all cores on wasm and 1 on webgpu),
# RUN_TIMEOUT (s per run, 1500), NODE_FLAGS (extra node flags, e.g. --cpu-prof --cpu-prof-dir=DIR, which NODE_OPTIONS refuses), LEMMA_GPU_PACK (folder with node.xz / dawn.node.xz / the Vulkan .debs when they
# are not beside this script; else <repo>/.bench/devpack/gpu, then <repo>/.bench/gpu), VK_DRIVER_FILES (default:
# the NVIDIA ICD of the driver mount; e.g. /usr/share/vulkan/icd.d/lvp_icd.json for lavapipe).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${OUT:-$PWD/train-backends-out}
WORK=${WORK:-/tmp/lemma-train-backends}
BACKENDS=${BACKENDS:-wasm webgpu}
mkdir -p "$OUT" "$WORK"
LOG=$WORK/train-backends.log
: > "$LOG"
IDS=("$@")
[ ${#IDS[@]} -gt 0 ] || IDS=(optim-char-lm optim-plrf-horizon ot-lmc-mnist ot-lmc-paper ot-lmc-width equivariant-prune-rotmnist equivariant-prune-sets equivariant-prune-ign curated-retrain-digits curated-retrain-ring curated-retrain-bias)

# The first folder (beside this script, LEMMA_GPU_PACK, the devpack, the bench pack) that holds a file matching $1.
find_in_packs() {
  for d in "$HERE" ${LEMMA_GPU_PACK:+"$LEMMA_GPU_PACK"} "$ROOT/.bench/devpack/gpu" "$ROOT/.bench/gpu"; do
    compgen -G "$d/$1" > /dev/null && { echo "$d"; return 0; }
  done
  echo "train-backends: $1 not found beside $HERE, in LEMMA_GPU_PACK, .bench/devpack/gpu or .bench/gpu (run pnpm bench:gpu, then node scripts/device/pack-cli.mjs)" >&2
  return 1
}
NODE=$HERE/node
if [ ! -x "$NODE" ]; then
  d=$(find_in_packs node.xz) || exit 2
  xz -dc "$d/node.xz" > "$NODE" && chmod +x "$NODE"
fi
DAWN=$HERE/node_modules/webgpu/dist/linux-x64/dawn.node
if [ ! -f "$DAWN" ]; then
  d=$(find_in_packs dawn.node.xz) || exit 2
  mkdir -p "$(dirname "$DAWN")"
  xz -dc "$d/dawn.node.xz" > "$DAWN"
fi
case " $BACKENDS " in
  *" webgpu "*)
    debs=$(find_in_packs 'libvulkan1_*.deb') || exit 2
    . "$HERE/vulkan-env.sh" "$debs" "$LOG" ;;
esac
{ echo "== $(date -u +%FT%TZ) $(uname -a)"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 | head -3; echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"; } >> "$LOG"

status=0
for id in "${IDS[@]}"; do
  for b in $BACKENDS; do
    base=$WORK/$id.$b
    rm -rf "$base" "$base.timing.jsonl"
    echo "== $id on $b" | tee -a "$LOG" >&2
    t0=$(date +%s%N)
    LEMMA_TRAIN_TIMING=$base.timing.jsonl timeout "${RUN_TIMEOUT:-1500}" "$NODE" ${NODE_FLAGS:-} "$HERE/cli.mjs" "$id" --quick --backend "$b" ${WORKERS:+--workers "$WORKERS"} --out "$base" > "$base.stdout" 2> "$base.stderr"
    rc=$?
    echo "$rc" > "$base.rc"
    echo "   rc $rc in $(( ($(date +%s%N) - t0) / 1000000 )) ms: $(tail -1 "$base.stdout")" | tee -a "$LOG" >&2
    [ "$rc" = 0 ] || { status=1; tail -5 "$base.stderr" | tee -a "$LOG" >&2; }
  done
done
"$NODE" "$HERE/train-backends-table.mjs" "$WORK" "$OUT/train-backends.json" "$OUT/train-backends.md" | tee -a "$LOG"
tar -C "$WORK" -cJf "$OUT/train-backends-logs.tar.xz" --exclude='*/figures' --exclude='*.svg' --exclude='*.html' . 2>/dev/null
exit $status
