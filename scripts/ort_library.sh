# Sourced by the test and benchmark scripts: `ort_library` prints the path of the ONNX Runtime
# library the engine is built for, the file Microsoft's CPU build ships in its Python package
# (fetched with pip once, cached under ~/.cache/facectl-ort; `facectl models install --onnxruntime`
# checks the same file against its pinned SHA-256).
ort_library() {
  local ver=1.31.1
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/facectl-ort/$ver"
  local lib="$dir/libonnxruntime.so.$ver"
  if [ ! -f "$lib" ]; then
    echo "fetching the ONNX Runtime $ver library (pip download onnxruntime==$ver)" >&2
    rm -rf "$dir/wheel" && mkdir -p "$dir/wheel"
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
      --platform manylinux_2_28_x86_64 --python-version 3.11 --implementation cp \
      -d "$dir/wheel" "onnxruntime==$ver" >&2 || return 1
    python3 - "$dir/wheel" "$lib" <<'PY'
import glob, os, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "onnxruntime-*.whl"))[0]
name = "onnxruntime/capi/" + os.path.basename(sys.argv[2])
with zipfile.ZipFile(wheel) as z, open(sys.argv[2] + ".partial", "wb") as out:
    out.write(z.read(name))
os.replace(sys.argv[2] + ".partial", sys.argv[2])
PY
    [ -f "$lib" ] || return 1
    rm -rf "$dir/wheel"
  fi
  echo "$lib"
}
