#!/bin/bash
# Runs every packed GPU benchmark bundle and its PyTorch peer on a bare Linux GPU host.
# Writes <pkg>.json, <pkg>.torch.json, run.log, results.json and results.md to $OUT (default ./out).
# Arguments are passed to every benchmark (e.g. --quick). BENCH_ONLY=<glob> runs only the matching bundles.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
export OUT=${OUT:-$HERE/out}
mkdir -p "$OUT"
LOG=$OUT/run.log
cd "$HERE"
[ -x ./node ] || { xz -dc node.xz > node && chmod +x node; }
[ -f ./dawn.node ] || xz -dc dawn.node.xz > dawn.node
# Dawn needs the Vulkan loader; the NVIDIA ICD ships with the driver mount.
for f in ./*.deb; do dpkg -x "$f" /; done
ldconfig
export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
# If the ICD's library still misses shared libraries, add the fallback X11 libs (unpacked here, not into /).
icdlib=$(sed -n 's/.*"library_path" *: *"\([^"]*\)".*/\1/p' "${VK_DRIVER_FILES%%:*}" 2>/dev/null | head -1)
icdpath=$( [ -n "$icdlib" ] && { [ -f "$icdlib" ] && echo "$icdlib" || ldconfig -p | awk -v l="$icdlib" '$1==l {print $NF; exit}'; } )
{ ls -l /dev/nvidia* 2>&1 | head -8; ls /usr/local/nvidia/lib64 2>/dev/null | grep -i -E "vulkan|glx|glcore|gpucomp" | head; } >> "$LOG"
echo "ICD: ${VK_DRIVER_FILES} -> ${icdlib:-?} (${icdpath:-not found})" >> "$LOG"
if [ -n "$icdpath" ] && ldd "$icdpath" 2>/dev/null | grep -q 'not found'; then
  ldd "$icdpath" | grep 'not found' >> "$LOG"
  mkdir -p "$HERE/sysroot"
  for f in ./extra/*.deb; do dpkg -x "$f" "$HERE/sysroot"; done
  export LD_LIBRARY_PATH="$HERE/sysroot/usr/lib/x86_64-linux-gnu:$HERE/sysroot/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "after fallback:" >> "$LOG"; ldd "$icdpath" | grep 'not found' >> "$LOG" || echo "  all resolved" >> "$LOG"
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/xdg-runtime}
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
status=0
{ echo "== $(date -u +%FT%TZ) $(uname -a)"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1; } >> "$LOG"
for b in bundles/${BENCH_ONLY:-*}.mjs; do
  name=$(basename "$b" .mjs)
  echo "== node $b $*" | tee -a "$LOG" >&2
  if ! ./node "$b" "$@" > "$OUT/$name.json" 2> >(tee -a "$LOG" >&2); then
    echo "!! $name failed; Vulkan loader diagnostics follow" | tee -a "$LOG" >&2; status=1
    VK_LOADER_DEBUG=error,warn,driver ./node -e "import('./bundles/node_modules/webgpu/index.js').then(async (m) => { const a = await m.create([]).requestAdapter(); console.error('adapter', a && a.info && a.info.description); process.exit(0); })" 2>&1 | tail -40 >> "$LOG"
  fi
  if [ -f "peers/$name.py" ]; then
    echo "== python3 peers/$name.py $*" | tee -a "$LOG" >&2
    PYTHONUNBUFFERED=1 python3 "peers/$name.py" "$@" > "$OUT/$name.torch.json" 2> >(tee -a "$LOG" >&2) || { echo "!! $name peer failed" | tee -a "$LOG" >&2; status=1; }
  fi
done
sleep 0.2
./node merge.mjs "$OUT" | tee -a "$LOG"
exit $status
