#!/usr/bin/env bash
# Cuts a GPU bundle (kernels/gpu-recipe.sh) into parts small enough to travel separately, for a GPU machine
# that has a PyTorch wheel for CUDA but no Java: the parts leave libtorch out (the -gpu jar's libtorch_cuda.so
# alone is 500 MB) and keep only JavaCPP's JNI glue for it (libjnitorch*.so, 8 MB compressed); the bundle
# then loads the wheel's libtorch (bin/env.sh does that when the file SLIM is present).
#
#   kernels/gpu-parts.sh [--bundle DIR] [--out DIR] [--max-mb N]
#
# Writes OUT/part1, OUT/part2, ... (each at most N MB, default 44), each with a copy of assemble.sh. On the
# GPU machine, with the parts copied under one folder P (in any number of trips), `bash P/part1/assemble.sh
# P /tmp/ubundle` builds the bundle; then /tmp/ubundle/bin/unison, bin/test and bin/bench run as in a full
# bundle.
#
# The wheel's libtorch is a different version than the presets' 2.10.0 (2.11 on the machines seen so far):
# JavaCPP's glue resolved all but three of its ~4,700 libtorch symbols there (two sparse-tensor switches,
# one logging constructor; CUDA: the cuSOLVER handle and memory pools), and nothing we call needs them.
# Functions missing from the wheel fail when first called, so a newer wheel can break what works today;
# record the wheel's version with every measurement taken this way.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bundle=$root/target/gpu-bundle
out=$root/.gpu/parts
max_mb=44
while [[ $# -gt 0 ]]; do
    case $1 in
        --bundle) bundle=$(realpath "$2"); shift 2 ;;
        --out) out=$(realpath -m "$2"); shift 2 ;;
        --max-mb) max_mb=$2; shift 2 ;;
        *) echo "gpu-parts.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
gpu_jar=$(compgen -G "$bundle/lib/pytorch-*-linux-x86_64-gpu.jar" | head -1) ||
    { echo "gpu-parts.sh: $bundle/lib has no pytorch-*-linux-x86_64-gpu.jar (run kernels/gpu-recipe.sh first)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/files" "$stage/slim"

# the JNI glue alone, under the jar's own paths and name, so that JavaCPP finds it as usual
(cd "$stage/slim" && unzip -q "$gpu_jar" 'org/bytedeco/pytorch/linux-x86_64-gpu/libjni*' 'META-INF/*' &&
    zip -q -r -9 "$stage/files/lib.$(basename "$gpu_jar")" .)
for jar in "$bundle"/lib/*.jar; do
    name=$(basename "$jar")
    case $name in
        pytorch-*-linux-x86_64*.jar) continue ;;  # libtorch itself: the machine's wheel provides it
        tokenizers-*.jar)  # only the Linux x86-64 build of its native library
            cp "$jar" "$stage/files/lib.$name"
            zip -q -d "$stage/files/lib.$name" 'native/lib/win-*' 'native/lib/osx-*' 'native/lib/linux-aarch64/*' \
                >/dev/null || true ;;
        *) cp "$jar" "$stage/files/lib.$name" ;;
    esac
done
tar -C "$bundle" -cf - jre | xz -T0 -6 >"$stage/files/jre.tar.xz"
tar -C "$bundle" -czf "$stage/files/rest.tar.gz" bin test README.txt

# first fit, largest first
rm -rf "$out"
mkdir -p "$out"
limit=$((max_mb * 1000 * 1000))
declare -a used=()
while read -r size file; do
    (( size <= limit )) || { echo "gpu-parts.sh: $file alone is $((size / 1000000)) MB, over --max-mb $max_mb" >&2; exit 1; }
    placed=false
    for i in "${!used[@]}"; do
        if (( used[i] + size <= limit )); then
            used[i]=$((used[i] + size)); mv "$stage/files/$file" "$out/part$((i + 1))/"; placed=true; break
        fi
    done
    if ! $placed; then
        used+=("$size"); mkdir -p "$out/part${#used[@]}"; mv "$stage/files/$file" "$out/part${#used[@]}/"
    fi
done < <(cd "$stage/files" && stat -c '%s %n' * | sort -rn)

cat >"$out/assemble.sh" <<'EOF'
#!/usr/bin/env bash
# assemble.sh PARTS_DIR BUNDLE_DIR: builds a slim Unison-J bundle from the parts of kernels/gpu-parts.sh
set -euo pipefail
parts=$1 bundle=$2
mkdir -p "$bundle/lib" "$bundle/natives"
for part in "$parts"/part*/; do
    for f in "$part"*; do
        case $(basename "$f") in
            lib.*) cp "$f" "$bundle/lib/$(basename "$f" | cut -c5-)" ;;
            jre.tar.xz) [[ -x $bundle/jre/bin/java ]] || tar -xJf "$f" -C "$bundle" ;;
            rest.tar.gz) tar -xzf "$f" -C "$bundle" ;;
        esac
    done
done
touch "$bundle/SLIM"
missing=()
[[ -x $bundle/jre/bin/java ]] || missing+=(jre)
[[ -x $bundle/bin/unison ]] || missing+=(bin)
ls "$bundle"/lib/unison-runtime*.jar >/dev/null 2>&1 || missing+=(unison-runtime.jar)
if (( ${#missing[@]} )); then echo "assemble.sh: still missing: ${missing[*]} (copy the other parts first)" >&2; exit 1; fi
echo "assemble.sh: $bundle ready ($(du -sh "$bundle" | cut -f1)); try $bundle/bin/unison info"
EOF
chmod +x "$out/assemble.sh"
for part in "$out"/part*/; do cp "$out/assemble.sh" "$part"; done  # each part travels alone
for i in "${!used[@]}"; do echo "[gpu-parts] part$((i + 1)): $((used[i] / 1000000)) MB: $(ls "$out/part$((i + 1))" | tr '\n' ' ')"; done
echo "[gpu-parts] PARTS/partN/assemble.sh PARTS BUNDLE puts them together on the GPU machine"
