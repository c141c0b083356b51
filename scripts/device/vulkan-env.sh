# Sourced (bash): sets up Vulkan for Dawn on a bare Linux GPU host, as scripts/gpu-bench/run.sh does.
#   . vulkan-env.sh <dir with libvulkan1_*.deb etc. (the bench pack, .bench/gpu)> <log file>
# Unpacks the loader + glvnd .debs into / only when libvulkan.so.1 or libGLdispatch.so.0 is missing (a machine that
# has them, e.g. a dev box with lavapipe, is left alone), defaults VK_DRIVER_FILES to the NVIDIA ICD of the driver
# mount, and adds the fallback X11 libraries (extra/*.deb, unpacked beside the pack, never into /) if the ICD misses any.
__vk_pack=$1
__vk_log=$2
if ! ldconfig -p | grep -q 'libvulkan\.so\.1 ' || ! ldconfig -p | grep -q 'libGLdispatch\.so\.0 '; then
  echo "vulkan-env: unpacking $(ls "$__vk_pack"/*.deb 2>/dev/null | wc -l) loader .deb(s) from $__vk_pack into /" >> "$__vk_log"
  for f in "$__vk_pack"/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
__vk_icdlib=$(sed -n 's/.*"library_path" *: *"\([^"]*\)".*/\1/p' "${VK_DRIVER_FILES%%:*}" 2>/dev/null | head -1)
__vk_icdpath=$( [ -n "$__vk_icdlib" ] && { [ -f "$__vk_icdlib" ] && echo "$__vk_icdlib" || ldconfig -p | awk -v l="$__vk_icdlib" '$1==l {print $NF; exit}'; } )
echo "vulkan-env: ICD ${VK_DRIVER_FILES:-<loader default>} -> ${__vk_icdlib:-?} (${__vk_icdpath:-not found})" >> "$__vk_log"
if [ -n "$__vk_icdpath" ] && ldd "$__vk_icdpath" 2>/dev/null | grep -q 'not found'; then
  ldd "$__vk_icdpath" | grep 'not found' >> "$__vk_log"
  __vk_sysroot=${TMPDIR:-/tmp}/lemma-vulkan-sysroot
  mkdir -p "$__vk_sysroot"
  for f in "$__vk_pack"/extra/*.deb; do dpkg -x "$f" "$__vk_sysroot"; done
  export LD_LIBRARY_PATH="$__vk_sysroot/usr/lib/x86_64-linux-gnu:$__vk_sysroot/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  { echo "vulkan-env: after the fallback libraries:"; ldd "$__vk_icdpath" | grep 'not found' || echo "  all resolved"; } >> "$__vk_log"
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/xdg-runtime}
mkdir -p -m 700 "$XDG_RUNTIME_DIR"
unset __vk_pack __vk_log __vk_icdlib __vk_icdpath __vk_sysroot
