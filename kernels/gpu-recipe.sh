#!/usr/bin/env bash
# Packs Unison-J for a GPU machine that has an NVIDIA driver for CUDA 13 but no Java and no Maven.
#
#   kernels/gpu-recipe.sh [--out DIR] [--cpu] [--tar]
#
# Run it where the project builds (JDK 17+ with jlink and jdeps, Maven with its repository filled or
# reachable, and nvcc so that the CUDA kernels are built). It writes DIR (default target/gpu-bundle):
#
#   jre/           a Java runtime made by jlink with only the modules the jars use
#   lib/           unison-runtime.jar (with libunison_kernels and its JNI glue), unison-benchmarks.jar and
#                  the dependency jars, among them the native ones (libtorch for CUDA, the CUDA presets'
#                  JNI, OpenBLAS, JavaCPP)
#   natives/       JavaCPP's cache for this bundle: the native libraries unpacked from those jars (with the
#                  links JavaCPP makes between their names) by the first run, here for --cpu and on the
#                  GPU machine otherwise (bin/unison info; about a minute for libtorch's 2 GB)
#   test/          the runtime's test classes and JUnit, to run the GPU tests (bin/test)
#   kernels/       the kernel sources and the standalone harness (kernels/build/, prebuilt when nvcc was here)
#   bin/unison     the CLI        bin/bench   JMH benchmarks        bin/test   JUnit test classes
#   bin/harness    the kernel harness (no Java)
#
# --cpu packs the default (CPU) build instead: a dry run of the recipe on a machine without a GPU.
# --tar also writes DIR.tar.gz. The GPU bundle is large (libtorch for CUDA alone is ~2 GB unpacked):
# copy it with rsync/scp. On the GPU machine the CUDA libraries (cudart, cuBLAS, cuDNN, cuFFT, cuRAND,
# cuSOLVER, cuSPARSE, nvRTC, nvJitLink) come from the machine: the launchers add UNISON_CUDA_LIBS
# (colon-separated folders), the CUDA toolkit's lib64 and the lib folders of pip's nvidia-* packages.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/target/gpu-bundle
profile=(-Pgpu)
tarball=false
while [[ $# -gt 0 ]]; do
    case $1 in
        --out) out=$(realpath -m "$2"); shift 2 ;;
        --cpu) profile=(); shift ;;
        --tar) tarball=true; shift ;;
        *) echo "gpu-recipe.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
for tool in jlink jdeps javac; do
    [[ -x $java_home/bin/$tool ]] || { echo "gpu-recipe.sh: $java_home/bin/$tool missing (set JAVA_HOME to a JDK 17+)" >&2; exit 1; }
done
step() { echo "[gpu-recipe] $*"; }
start=$SECONDS

step "building (mvn ${profile[*]:-} package, tests compiled, not run)"
(cd "$root" && mvn -B -q "${profile[@]}" -DskipTests package)
listing=$(unzip -Z1 "$root/java/target/unison-runtime.jar")  # not piped into grep -q: pipefail + SIGPIPE
if ! grep -q libunison_kernels.so <<<"$listing"; then
    echo "[gpu-recipe] WARNING: no CUDA kernels in unison-runtime.jar (nvcc missing here?): the bundle will" \
         "compute every fused operation with the libtorch fallback" >&2
fi

rm -rf "$out"
mkdir -p "$out"/{lib,natives,test/lib,bin}

step "collecting jars"
cp "$root"/java/target/lib/*.jar "$root/java/target/unison-runtime.jar" "$root"/benchmarks/target/unison-benchmarks-*.jar \
    "$out/lib/"
for jar in "$root"/benchmarks/target/lib/*.jar; do  # JMH and its needs (the runtime's own jars are there already)
    [[ $(basename "$jar") == unison-runtime* ]] || cp -n "$jar" "$out/lib/"
done
(cd "$root" && mvn -B -q "${profile[@]}" -pl java dependency:copy-dependencies -DincludeScope=test \
    -DoutputDirectory="$out/test/lib")
for jar in "$out"/test/lib/*.jar; do  # keep the test-only jars (JUnit)
    [[ -e $out/lib/$(basename "$jar") ]] && rm "$jar"
done
junit_platform=$(ls "$out"/test/lib/junit-platform-engine-*.jar | sed 's/.*junit-platform-engine-\(.*\)\.jar/\1/')
(cd "$root" && mvn -B -q dependency:copy -Dartifact="org.junit.platform:junit-platform-launcher:$junit_platform" \
    -DoutputDirectory="$out/test/lib")
cp -r "$root/java/target/test-classes" "$out/test/classes"

step "linking a Java runtime"
# jdeps cannot resolve the modular jars whose descriptors name absent optional modules, so the modules come
# from a base list (the libraries' needs: Unsafe and MXBeans for JavaCPP, java.desktop for image I/O and
# JNA, java.sql/java.xml/java.naming for Jackson) plus whatever jdeps finds in each jar it can read
modules=java.base,java.desktop,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported,jdk.zipfs
for jar in "$out"/lib/*.jar; do
    [[ $jar == *-linux-x86_64* ]] && continue  # native libraries only
    found=$("$java_home/bin/jdeps" --multi-release 17 --ignore-missing-deps --print-module-deps "$jar" 2>/dev/null) \
        && modules=$modules,$found
done
modules=$(tr ',' '\n' <<<"$modules" | sort -u | paste -sd,)
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
    --output "$out/jre"
step "  modules: $modules"

step "compiling the JUnit runner"
mkdir -p "$out/test/runner"
"$java_home/bin/javac" --release 17 -d "$out/test/runner" -cp "$out/test/lib/*" "$root/kernels/recipe/RunTests.java"

step "copying the kernels and the harness"
mkdir -p "$out/kernels"
cp -r "$root"/kernels/{include,src,harness,Makefile,build.sh,README.md} "$out/kernels/"
if [[ -x $root/kernels/build/harness ]]; then
    mkdir -p "$out/kernels/build"
    cp "$root/kernels/build/harness" "$root/kernels/build/libunison_kernels.so" "$out/kernels/build/"
fi

cat >"$out/bin/env.sh" <<'EOF'
# sourced by the launchers: the bundle's Java and library paths, with the machine's CUDA libraries
bundle=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cuda_libs=${UNISON_CUDA_LIBS:-}
for dir in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib; do
    [[ -d $dir ]] && cuda_libs=$cuda_libs:$dir
done
for python in python3 /opt/torch/.venv/bin/python3; do
    site=$("$python" -c 'import nvidia, os; print(os.path.dirname(nvidia.__path__[0]))' 2>/dev/null) || continue
    for dir in "$site"/nvidia/*/lib "$site"/nvidia/cu13/lib; do [[ -d $dir ]] && cuda_libs=$cuda_libs:$dir; done
    break
done
slim_opts=()
if [[ -e $bundle/SLIM ]]; then
    # a slim bundle (kernels/gpu-parts.sh) carries JavaCPP's JNI glue for libtorch but not libtorch itself: it
    # uses the libtorch of the machine's PyTorch wheel, found on the library path ahead of the jars
    for python in python3 /opt/torch/.venv/bin/python3; do
        torch_lib=$("$python" -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' \
            2>/dev/null) && { cuda_libs=$torch_lib:$cuda_libs; break; }
    done
    slim_opts=(-Dorg.bytedeco.javacpp.pathsFirst=true)
fi
cuda_libs=${cuda_libs#:}
export LD_LIBRARY_PATH=$cuda_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
java_opts=(-Dorg.bytedeco.javacpp.cachedir="$bundle/natives" ${cuda_libs:+-Djava.library.path="$cuda_libs"}
           "${slim_opts[@]}" ${UNISON_JAVA_OPTS:--Xmx16g})
java=$bundle/jre/bin/java
EOF
cat >"$out/bin/unison" <<'EOF'
#!/usr/bin/env bash
# the Unison-J CLI, e.g. bin/unison info
source "$(dirname "$0")/env.sh"
exec "$java" "${java_opts[@]}" -cp "$bundle/lib/*" ai.unison.cli.Main "$@"
EOF
cat >"$out/bin/bench" <<'EOF'
#!/usr/bin/env bash
# JMH, e.g. bin/bench 'kernels.*' -p device=cuda -p dtype=bfloat16
source "$(dirname "$0")/env.sh"
exec "$java" "${java_opts[@]}" -cp "$bundle/lib/*" org.openjdk.jmh.Main -jvmArgsAppend "${java_opts[*]}" "$@"
EOF
cat >"$out/bin/test" <<'EOF'
#!/usr/bin/env bash
# JUnit test classes, e.g. bin/test ai.unison.runtime.KernelsCudaTest ai.unison.runtime.KernelsTest
source "$(dirname "$0")/env.sh"
exec "$java" "${java_opts[@]}" -cp "$bundle/test/runner:$bundle/test/classes:$bundle/test/lib/*:$bundle/lib/*" \
    RunTests "${@:-ai.unison.runtime.KernelsCudaTest}"
EOF
cat >"$out/bin/harness" <<'EOF'
#!/usr/bin/env bash
# the kernels' standalone check and timing (no Java), built here with nvcc if it was not prebuilt
here=$(cd "$(dirname "$0")/../kernels" && pwd)
[[ -x $here/build/harness ]] || "$here/build.sh" >&2
exec "$here/build/harness" "$@"
EOF
chmod +x "$out"/bin/{unison,bench,test,harness}

cat >"$out/README.txt" <<EOF
Unison-J bundle for a GPU machine, made by kernels/gpu-recipe.sh ${profile[*]:-(cpu)} on $(date -u +%Y-%m-%dT%H:%MZ)
from commit $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown).

  bin/harness                              the CUDA kernels against their C++ references, with timings
  bin/test                                 the kernels against the libtorch fallback on the GPU (JUnit)
  bin/unison info                          devices, dtypes and versions as the runtime sees them
  bin/bench 'kernels.*' -p device=cuda -p dtype=bfloat16 [-p path=kernels]   JMH timings

Needs an NVIDIA driver for CUDA 13. CUDA libraries: UNISON_CUDA_LIBS=dir1:dir2, else the toolkit in
/usr/local/cuda, else pip's nvidia-* packages. -Dunison.kernels=off (in UNISON_JAVA_OPTS) compares
against the fallback. Record every measurement (device, driver, versions, command, numbers) in
benchmarks/RESULTS.md.
EOF

if [[ ${#profile[@]} -eq 0 ]]; then
    step "first run (unpacks the native libraries into natives/)"
    "$out/bin/unison" info
fi

if [[ ${#profile[@]} -gt 0 ]]; then
    # the -Pgpu build left jars in java/target and benchmarks/target whose manifests name the CUDA libtorch,
    # which does not load without CUDA's libraries: rebuild the default ones so that ./unison keeps working
    step "rebuilding the default (CPU) jars in target/"
    (cd "$root" && mvn -B -q -DskipTests package)
fi

if $tarball; then
    step "writing $out.tar.gz"
    tar -C "$(dirname "$out")" -czf "$out.tar.gz" "$(basename "$out")"
fi
step "done in $((SECONDS - start)) s: $out ($(du -sh "$out" | cut -f1))"
