#!/usr/bin/env bash
# Builds the CUDA kernels wherever nvcc exists, and skips them with a message where it does not; with
# --classpath also the CPU kernels' JNI glue wherever g++ exists, independently of nvcc.
#
#   kernels/build.sh                      libunison_kernels.so + the harness, in kernels/build/
#   kernels/build.sh --classpath CP --classes DIR --install DIR
#                                         ... + the JavaCPP JNI glue of the CUDA kernels
#                                         (libjniUnisonKernels.so) and of the header-only CPU kernels
#                                         (libjniUnisonCpu.so, include/unison_cpu.h), copied to
#                                         DIR/ai/unison/natives/linux-x86_64/
#                                         (what the Maven build of java/ runs in process-classes)
#
# Options: --archs "80 90" (compute capabilities; default "80 90", or $UNISON_CUDA_ARCHS),
#          --java PATH (the java that runs JavaCPP's Builder; default $JAVA_HOME/bin/java or java),
#          --no-harness, --clean. Environment: NVCC (the compiler), CUDA_HOME, UNISON_KERNELS_BUILD
#          (the build folder). Rebuilds only what changed; nvcc compiles the sources in parallel.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${UNISON_KERNELS_BUILD:-$here/build}
archs=${UNISON_CUDA_ARCHS:-80 90}
classpath="" classes="" install="" java="" target=all

while [[ $# -gt 0 ]]; do
    case $1 in
        --classpath) classpath=$2; shift 2 ;;
        --classes) classes=$2; shift 2 ;;
        --install) install=$2; shift 2 ;;
        --archs) archs=$2; shift 2 ;;
        --java) java=$2; shift 2 ;;
        --no-harness) target=lib; shift ;;
        --clean) rm -rf "$build"; echo "[kernels] removed $build"; exit 0 ;;
        *) echo "kernels/build.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

java=${java:-${JAVA_HOME:+$JAVA_HOME/bin/}java}

# The CPU kernels: header-only, compiled into their JNI glue by JavaCPP's Builder with g++ (-fno-math-errno so that
# sqrt vectorises, -ffp-contract=off so that every instruction-set clone rounds alike). Needs no nvcc;
# a failure is reported in one line and does not fail the build (CpuKernels then uses libtorch).
build_cpu_glue() {
    [[ -n $classpath ]] || return 0
    [[ -n $classes && -n $install ]] || { echo "kernels/build.sh: --classpath needs --classes and --install" >&2; exit 2; }
    if ! command -v g++ >/dev/null 2>&1; then
        echo "[kernels] g++ not found: the CPU kernels are skipped; ai.unison.runtime.CpuKernels uses libtorch."
        return 0
    fi
    local binding=$classes/ai/unison/natives/UnisonCpu.class
    local out=$build/jni-cpu
    local jni=$out/libjniUnisonCpu.so
    if [[ ! -f $jni || $jni -ot $binding || $jni -ot $here/include/unison_cpu.h ]]; then
        mkdir -p "$out"
        rm -f "$jni"
        if ! "$java" -cp "$classpath" org.bytedeco.javacpp.tools.Builder -cp "$classes" ai.unison.natives.UnisonCpu \
                -d "$out" -Dplatform.includepath="$here/include" -Xcompiler -fno-math-errno -Xcompiler -ffp-contract=off \
                >"$out/builder.log" 2>&1 || [[ ! -f $jni ]]; then
            echo "[kernels] JavaCPP could not build the CPU kernels' JNI glue (see $out/builder.log):" \
                 "ai.unison.runtime.CpuKernels uses libtorch."
            rm -f "$jni"
            return 0
        fi
        echo "[kernels] generated and compiled the CPU kernels' JNI glue with JavaCPP"
    fi
    local dest=$install/ai/unison/natives/linux-x86_64
    mkdir -p "$dest"
    cp -p "$jni" "$dest/"
}
build_cpu_glue

nvcc=${NVCC:-}
if [[ -z $nvcc ]]; then
    for candidate in "$(command -v nvcc || true)" "${CUDA_HOME:-/usr/local/cuda}/bin/nvcc"; do
        if [[ -n $candidate && -x $candidate ]]; then nvcc=$candidate; break; fi
    done
fi
if [[ -z $nvcc ]]; then
    echo "[kernels] nvcc not found (set NVCC or CUDA_HOME to build them): the CUDA kernels are skipped;" \
         "ai.unison.runtime.Kernels uses its libtorch fallback."
    exit 0  # the CPU part above has run
fi

start=$SECONDS
jobs=$(nproc 2>/dev/null || echo 2)
make_out=$(make -C "$here" -j"$jobs" --no-print-directory BUILD="$build" NVCC="$nvcc" ARCHS="$archs" "$target" 2>&1) || {
    echo "$make_out" >&2
    echo "[kernels] the CUDA build failed" >&2
    exit 1
}
if grep -q "^$nvcc\|^nvcc" <<<"$make_out"; then
    echo "[kernels] compiled with $("$nvcc" --version | sed -n 's/.*release \([0-9.]*\).*/nvcc \1/p') for sm_${archs// /, sm_} in $((SECONDS - start)) s"
fi

lib=$build/libunison_kernels.so
if [[ -n $classpath ]]; then
    [[ -n $classes && -n $install ]] || { echo "kernels/build.sh: --classpath needs --classes and --install" >&2; exit 2; }
    binding=$classes/ai/unison/natives/UnisonKernels.class
    jni=$build/jni/libjniUnisonKernels.so
    if [[ ! -f $jni || $jni -ot $binding || $jni -ot $lib || $jni -ot $here/include/unison_kernels.h ]]; then
        mkdir -p "$build/jni"
        # JavaCPP generates the JNI glue of the binding class and compiles it with g++; -L (not
        # platform.linkpath) so that no absolute rpath to this build folder ends up in the library
        "$java" -cp "$classpath" org.bytedeco.javacpp.tools.Builder -cp "$classes" ai.unison.natives.UnisonKernels \
            -d "$build/jni" -Dplatform.includepath="$here/include" -Xcompiler "-L$build" >"$build/jni/builder.log" 2>&1 || {
            cat "$build/jni/builder.log" >&2
            echo "[kernels] JavaCPP could not build the JNI glue" >&2
            exit 1
        }
        echo "[kernels] generated and compiled the JNI glue with JavaCPP"
    fi
    dest=$install/ai/unison/natives/linux-x86_64
    mkdir -p "$dest"
    cp -p "$lib" "$jni" "$dest/"
fi
