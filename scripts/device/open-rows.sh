#!/bin/bash
# The GPU measurements still open for the "Training at GPU speed" issue, in one device call (~5 min on an H100 host).
# Build the device pack first, on the development machine:
#   pnpm build && node scripts/gpu-bench/pack.mjs
#   rm -rf .bench/devpack && mkdir -p .bench/devpack/gpu && (cd .bench/gpu && cp -r $(ls | grep -v bundles) ../devpack/gpu/)
#   tar -C .bench/gpu -cJf .bench/devpack/bundles.tar.xz bundles && node scripts/device/pack-cli.mjs --devpack
# then run `bash scripts/device/open-rows.sh` on the device with .bench/devpack carried. It writes bench.tgz to $OUT:
# 1. optim_adamw_step_clip_100M with its PyTorch peer (the row's speedup), then the row and its _hostprelude,
#    _deviceidle and _deviceinit variants, each in a fresh process without the peer (which of them is slow tells what
#    makes host-made 100M tensors' kernels slow);
# 2. equivariant-prune-ign and -sets quick mode on wasm and webgpu (train-backends.sh);
# 3. equivariant-prune-ign on webgpu once more under node --cpu-prof (where its wall time goes).
set -u
R=${OUT:?OUT must name the folder the results go to}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export OUT=/tmp/open-rows; mkdir -p "$OUT"
D=$ROOT/.bench/devpack
[ -d "$D/gpu/bundles" ] || tar -xJf "$D/bundles.tar.xz" -C "$D/gpu"
cd "$D/gpu"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$OUT/card.txt" 2>&1
OPTIM_BENCH_ONLY=optim_adamw_step_clip_100M BENCH_ONLY=optim OUT=$OUT/adamw_peer timeout 120 ./run.sh > "$OUT/adamw_peer.stdout" 2>&1
mv peers/optim.py /tmp/optim_peer.py
for v in optim_adamw_step_clip_100M optim_adamw_step_clip_100M_hostprelude optim_adamw_step_clip_100M_deviceidle optim_adamw_step_clip_100M_deviceinit; do
  OPTIM_BENCH_ONLY=$v BENCH_ONLY=optim OUT=$OUT/$v timeout 60 ./run.sh > "$OUT/$v.stdout" 2>&1
done
mv /tmp/optim_peer.py peers/optim.py
cd "$ROOT"
tar -xJf "$D/dist-device.tar.xz" -C examples
BACKENDS="wasm webgpu" OUT=$OUT/tb WORK=/tmp/open-rows-tb RUN_TIMEOUT=90 bash examples/dist-device/train-backends.sh equivariant-prune-ign equivariant-prune-sets > "$OUT/tb.log" 2>&1
mkdir -p "$OUT/ignprof/cpu"
BACKENDS=webgpu NODE_FLAGS="--cpu-prof --cpu-prof-dir=$OUT/ignprof/cpu" OUT=$OUT/ignprof WORK=/tmp/open-rows-prof RUN_TIMEOUT=90 \
  bash examples/dist-device/train-backends.sh equivariant-prune-ign > "$OUT/ignprof/log.txt" 2>&1
tar -C "$OUT" -czf "$R/bench.tgz" .
