package ai.unison.natives;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of {@code kernels/include/unison_kernels.h}, the C ABI of {@code libunison_kernels}:
 * the project's CUDA kernels and CUDA-graph capture/replay. One static method per C function, with the
 * C names; device pointers and {@code cudaStream_t} travel as {@code long} addresses. Sizes and strides
 * are in elements. Every launcher returns 0, {@link #ERR_INVALID} or a {@code cudaError_t}; then
 * {@link #unison_last_error()} names the kernel and the cause.
 *
 * <p>{@code kernels/build.sh} generates and compiles the JNI glue ({@code libjniUnisonKernels.so}) with
 * JavaCPP's {@code Builder} wherever {@code nvcc} exists, and puts both libraries next to this class on
 * the class path. Do not call these directly: {@code ai.unison.runtime.Kernels} checks shapes, dtypes and
 * devices, and loads the library through {@code ai.unison.runtime.KernelsLibrary}, which falls back to
 * libtorch when it is missing.
 */
@Platform(value = "linux-x86_64", include = "unison_kernels.h", link = "unison_kernels")
public final class UnisonKernels {
    static {
        Loader.load();
    }

    /** The ABI this binding was written for; must equal {@link #unison_kernels_abi()}. */
    public static final int ABI = 1;

    public static final int FLOAT32 = 0;
    public static final int BFLOAT16 = 1;

    public static final int OK = 0;
    public static final int ERR_INVALID = -1;

    public static final int ROPE_HALF = 0;
    public static final int ROPE_INTERLEAVED = 1;
    public static final int ROPE_MULTIMODAL = 2;

    public static final int ACT_SILU = 0;
    public static final int ACT_GELU_TANH = 1;

    public static final int CAPTURE_GLOBAL = 0;
    public static final int CAPTURE_THREAD_LOCAL = 1;
    public static final int CAPTURE_RELAXED = 2;

    private UnisonKernels() {
    }

    public static native int unison_kernels_abi();

    public static native @Cast("const char*") BytePointer unison_last_error();

    public static native int unison_add_rms_norm(@Cast("void*") long out, @Cast("void*") long residualOut,
            @Cast("const void*") long x, @Cast("const void*") long residual, @Cast("const void*") long weight,
            long rows, long dim, float eps, int dtype, int device, @Cast("void*") long stream);

    public static native int unison_rotary(@Cast("void*") long out, @Cast("const void*") long x,
            @Cast("const float*") long cos, @Cast("const float*") long sin, long n0, long n1, long n2,
            long headDim, long s0, long s1, long s2, int mode, long axisStride, long section0, long section1,
            long section2, int dtype, int device, @Cast("void*") long stream);

    public static native int unison_gated_act(@Cast("void*") long out, @Cast("const void*") long gate,
            @Cast("const void*") long up, long rows, long cols, long gateStride, long upStride, int act, int dtype,
            int device, @Cast("void*") long stream);

    public static native int unison_modulate(@Cast("void*") long out, @Cast("const void*") long x,
            @Cast("const float*") long shift, @Cast("const float*") long scale, long batch, long len, long dim,
            long modStrideB, long modStrideL, int layerNorm, float eps, int dtype, int device,
            @Cast("void*") long stream);

    public static native int unison_gated_residual(@Cast("void*") long out, @Cast("const void*") long x,
            @Cast("const void*") long y, @Cast("const float*") long gate, long batch, long len, long dim,
            long gateStrideB, long gateStrideL, int dtype, int device, @Cast("void*") long stream);

    public static native int unison_cfg_step(@Cast("void*") long out, @Cast("const void*") long uncond,
            @Cast("const void*") long cond, @Cast("const void*") long sample, long n, float scale, float dt,
            int modelDtype, int sampleDtype, int device, @Cast("void*") long stream);

    public static native long unison_decode_attention_workspace(long batch, long qHeads, long headDim,
            long capacity);

    public static native int unison_decode_attention(@Cast("void*") long out, @Cast("const void*") long q,
            @Cast("const void*") long k, @Cast("const void*") long v, @Cast("const int64_t*") long lengths,
            @Cast("void*") long workspace, long batch, long qHeads, long kvHeads, long headDim, long capacity,
            long qSb, long qSh, long kSb, long kSh, long kSt, long vSb, long vSh, long vSt, float scale, int dtype,
            int device, @Cast("void*") long stream);

    public static native int unison_stream_wait(@Cast("void*") long waiter, @Cast("void*") long signaller,
            int device);

    public static native int unison_graph_begin(@Cast("void*") long stream, int mode, int device);

    public static native int unison_graph_end(@Cast("void*") long stream, int device,
            @Cast("void**") long[] exec);

    public static native int unison_graph_launch(@Cast("void*") long exec, @Cast("void*") long stream, int device);

    public static native int unison_graph_destroy(@Cast("void*") long exec, int device);
}
