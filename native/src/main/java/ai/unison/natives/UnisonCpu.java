package ai.unison.natives;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of {@code kernels/include/unison_cpu.h}, the project's header-only CPU kernels. The
 * functions are compiled into the JNI glue itself ({@code libjniUnisonCpu.so}), which
 * {@code kernels/build.sh} generates with JavaCPP's {@code Builder} and g++ wherever g++ exists (no
 * nvcc needed), next to this class on the class path. Host addresses travel as {@code long}.
 *
 * <p>Do not call these directly: {@code ai.unison.runtime.CpuKernels} checks dtypes, layouts and
 * overlaps, and falls back to libtorch when the library is missing or disabled.
 */
@Platform(value = "linux-x86_64", include = "unison_cpu.h")
public final class UnisonCpu {
    static {
        Loader.load();
    }

    /** The ABI this binding was written for; must equal {@link #unison_cpu_abi()}. */
    public static final int ABI = 3;

    public static final int OK = 0;
    public static final int ERR_INVALID = -1;

    /** The most inputs and outputs one {@link #unison_cpu_lincomb} call takes. */
    public static final int MAX_INPUTS = 16;
    public static final int MAX_OUTPUTS = 4;

    private UnisonCpu() {
    }

    public static native int unison_cpu_abi();

    /**
     * Sets the process environment variable {@code name} to {@code value} unless it has a value: 1 set, 0 left
     * alone, -1 failed. Only native libraries loaded afterwards see it (Java's {@code System.getenv} does not).
     */
    public static native int unison_cpu_setenv_default(String name, String value);

    /**
     * {@code out_j = sum_i coef[j*k + i] * in_i} over {@code n} float32 elements, for the outputs in
     * order, block by block; inputs may be earlier outputs or the output itself (see the header).
     */
    public static native int unison_cpu_lincomb(long n, int k, @Cast("const long*") long[] inputs, int m,
            @Cast("const long*") long[] outputs, @Cast("const float*") float[] coef);

    /** Bytes of libtorch's {@code CPUGeneratorImplStateLegacy}, the start of a CPU generator's {@code get_state()}. */
    public static final int TORCH_RNG_STATE_BYTES = 5048;

    /**
     * {@code out = sum_i coef[i] * in_i + coef[k] * N} over {@code rows} rows of {@code n} float32 elements, where
     * row r's noise is the next {@code n}-element {@code torch.randn} draw of the generator whose
     * {@code get_state()} bytes start at {@code states[r]} (advanced in place; see the header); when
     * {@code output2} is not 0 it also gets {@code scale2 * out}.
     */
    public static native int unison_cpu_lincomb_randn(long rows, long n, @Cast("const long*") long[] states, int k,
            @Cast("const long*") long[] inputs, @Cast("const float*") float[] coef, long output, long output2,
            float scale2);
}
