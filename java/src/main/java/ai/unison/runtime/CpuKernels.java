package ai.unison.runtime;

import ai.unison.natives.UnisonCpu;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.slf4j.LoggerFactory;

/**
 * The project's CPU kernels ({@code kernels/include/unison_cpu.h}, compiled into the JavaCPP glue
 * {@code libjniUnisonCpu.so} by {@code kernels/build.sh} wherever g++ exists) behind checked calls that
 * say whether they ran: when one returns {@code false} nothing was written and the caller computes the
 * same thing with libtorch. Loaded once, on the first call.
 *
 * <p>{@code -Dunison.cpukernels=off} disables them (every call returns {@code false}), e.g. to compare
 * both paths. The kernels run on the calling thread only; they are meant for memory-bound passes small
 * next to a model's forward pass.
 */
public final class CpuKernels {
    /** The system property that disables the CPU kernels when set to {@code off}. */
    public static final String PROPERTY = "unison.cpukernels";

    /** Loads the native library and returns its ABI version. */
    @FunctionalInterface
    interface NativeLoader {
        int loadAndGetAbi();
    }

    private static volatile CpuKernels instance;

    private final boolean available;
    private final String status;
    /** Whether the noise kernel draws what libtorch draws here: checked once, on its first use. */
    private volatile Boolean randnAgrees;

    private CpuKernels(boolean available, String status) {
        this.available = available;
        this.status = status;
    }

    /** The process-wide library, loaded on first use. */
    public static CpuKernels get() {
        CpuKernels lib = instance;
        if (lib == null) {
            synchronized (CpuKernels.class) {
                lib = instance;
                if (lib == null) {
                    lib = load(System.getProperty(PROPERTY, "auto"), CpuKernels::loadNative);
                    LoggerFactory.getLogger(CpuKernels.class).debug("CPU kernels: {}", lib.status());
                    instance = lib;
                }
            }
        }
        return lib;
    }

    /**
     * Loads through {@code loader} unless {@code setting} is {@code off}; failures become an unavailable
     * library whose {@link #status()} gives the reason.
     */
    static CpuKernels load(String setting, NativeLoader loader) {
        if ("off".equalsIgnoreCase(setting.trim())) {
            return new CpuKernels(false, "disabled by -D" + PROPERTY + "=off");
        }
        try {
            int abi = loader.loadAndGetAbi();
            if (abi != UnisonCpu.ABI) {
                return new CpuKernels(false, "libjniUnisonCpu has ABI " + abi + ", this runtime needs "
                        + UnisonCpu.ABI + " (rebuild with the Maven build of java/)");
            }
            return new CpuKernels(true, "libjniUnisonCpu loaded (ABI " + abi + ")");
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError | IllegalStateException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new CpuKernels(false, "libjniUnisonCpu not loaded: " + why);
        }
    }

    static int loadNative() {
        Loader.load(UnisonCpu.class);
        return UnisonCpu.unison_cpu_abi();
    }

    public boolean available() {
        return available;
    }

    /** One line: loaded with which ABI, disabled, or why it could not be loaded. */
    public String status() {
        return status;
    }

    /**
     * {@code outputs[j] = sum_i coef[j][i] * inputs[i]} for j in order, in one pass over memory, on the
     * process-wide library; see {@link #combine}.
     */
    public static boolean lincomb(Tensor[] outputs, Tensor[] inputs, float[][] coef) {
        return get().combine(outputs, inputs, coef);
    }

    /**
     * Computes {@code outputs[j] = sum_i coef[j][i] * inputs[i]} for the outputs in order (float
     * arithmetic, terms in input order, zero coefficients skipped) and returns {@code true}; or returns
     * {@code false} without writing anything when the library is unavailable, when a tensor is not a
     * contiguous float32 CPU tensor without autograd, when the numels differ, when two tensors overlap
     * without starting at the same address, or when there are more inputs or outputs than one call
     * takes. An input may be an earlier output (it is read as written) or the output itself.
     *
     * @throws IllegalArgumentException when {@code coef} is not {@code outputs.length} rows of
     *                                  {@code inputs.length}
     */
    public boolean combine(Tensor[] outputs, Tensor[] inputs, float[][] coef) {
        int m = outputs.length;
        int k = inputs.length;
        if (coef.length != m) {
            throw new IllegalArgumentException(m + " outputs but " + coef.length + " rows of coefficients");
        }
        float[] flat = new float[m * k];
        for (int j = 0; j < m; j++) {
            if (coef[j].length != k) {
                throw new IllegalArgumentException(k + " inputs but " + coef[j].length + " coefficients for output " + j);
            }
            System.arraycopy(coef[j], 0, flat, j * k, k);
        }
        if (!available || m < 1 || k < 1 || m > UnisonCpu.MAX_OUTPUTS || k > UnisonCpu.MAX_INPUTS) {
            return false;
        }
        long n = outputs[0].numel();
        for (Tensor t : outputs) {
            if (!fits(t, n)) {
                return false;
            }
        }
        for (Tensor t : inputs) {
            if (!fits(t, n)) {
                return false;
            }
        }
        long[] out = addresses(outputs);
        long[] in = addresses(inputs);
        if (!sameOrDisjoint(out, in, n * Float.BYTES)) {
            return false;
        }
        int rc = UnisonCpu.unison_cpu_lincomb(n, k, in, m, out, flat);
        if (rc != UnisonCpu.OK) {
            throw new IllegalStateException("unison_cpu_lincomb returned " + rc + " for n=" + n + ", k=" + k + ", m=" + m);
        }
        return true;
    }

    /**
     * Whether {@code t} is a tensor the kernels take: a dense float32 CPU tensor of {@code n} elements in
     * row-major order, outside autograd. Lets a caller check before it allocates an output.
     */
    public static boolean fits(Tensor t, long n) {
        return t != null && t.defined() && t.is_cpu() && t.layout().value == torch.Layout.Strided.value
                && t.scalar_type().value == torch.ScalarType.Float.value && t.numel() == n && t.is_contiguous()
                && !t.requires_grad() && !t.is_neg() && !t.is_conj();
    }

    /**
     * {@code out = sum_i coef[i] * inputs[i] + noiseCoef * N}, where {@code N} is what drawing
     * {@code torch.randn} from each generator in turn gives, generator r filling the r-th of
     * {@code generators.length} equal rows of {@code out} (one generator per batch sample, or one for the
     * whole tensor), in one native pass without materialising the noise; the generators advance exactly as
     * that draw advances them. Values agree with libtorch's to float rounding (libm's and libtorch's
     * vectorised sin, cos and log round differently from ours in the last place or two); the random stream is
     * the same bit for bit. Returns {@code false}, having drawn and written nothing, when the library is
     * unavailable, a tensor does not fit (see {@link #fits}), a tensor overlaps {@code out} without being it,
     * a row holds fewer than 16 elements (libtorch draws those differently), a generator stands in two rows,
     * there are more inputs than one call takes, or the one-time check against libtorch's own draw failed in
     * this process.
     */
    public boolean combineWithNoise(Tensor out, Tensor[] inputs, float[] coef, float noiseCoef, Generator[] generators) {
        return combineWithNoise(out, null, 0f, inputs, coef, noiseCoef, generators);
    }

    /**
     * {@link #combineWithNoise(Tensor, Tensor[], float[], float, Generator[])}, also writing
     * {@code scale * out} into {@code scaled} (when not null) in the same pass: bit for bit what
     * {@code torch.mul(out, scale)} gives afterwards. {@code scaled} must be a tensor of its own, overlapping
     * neither {@code out} nor an input (else {@code false}, nothing drawn).
     */
    public boolean combineWithNoise(Tensor out, Tensor scaled, float scale, Tensor[] inputs, float[] coef, float noiseCoef,
                                    Generator[] generators) {
        if (coef.length != inputs.length) {
            throw new IllegalArgumentException(inputs.length + " inputs but " + coef.length + " coefficients");
        }
        if (!available || inputs.length > UnisonCpu.MAX_INPUTS || generators.length == 0) {
            return false;
        }
        long total = out.numel();
        long rows = generators.length;
        if (total % rows != 0 || total / rows < 16 || !fits(out, total) || scaled != null && !fits(scaled, total)
                || !distinct(generators)) {
            return false;
        }
        for (Tensor t : inputs) {
            if (!fits(t, total)) {
                return false;
            }
        }
        long[] in = addresses(inputs);
        long bytes = total * Float.BYTES;
        long outAddress = out.data_ptr().address();
        long scaledAddress = scaled == null ? 0 : scaled.data_ptr().address();
        if (!sameOrDisjoint(new long[] {outAddress}, in, bytes)
                || scaled != null && !disjoint(scaledAddress, outAddress, in, bytes) || !randnAgrees()) {
            return false;
        }
        float[] c = java.util.Arrays.copyOf(coef, coef.length + 1);
        c[coef.length] = noiseCoef;
        drawInto(out, scaledAddress, scale, total / rows, in, c, generators);
        return true;
    }

    /** Whether no generator stands in two rows (each row's draw must continue where the previous left it). */
    private static boolean distinct(Generator[] generators) {
        for (int i = 0; i < generators.length; i++) {
            if (generators[i] == null) {
                return false;
            }
            for (int j = 0; j < i; j++) {
                if (generators[j] == generators[i] || generators[j].address() == generators[i].address()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether {@code [a, a + bytes)} overlaps neither {@code b} nor any of {@code others} (ranges of the same length). */
    private static boolean disjoint(long a, long b, long[] others, long bytes) {
        if (overlap(a, b, bytes)) {
            return false;
        }
        for (long o : others) {
            if (overlap(a, o, bytes)) {
                return false;
            }
        }
        return true;
    }

    /** Whether two ranges of {@code bytes} bytes starting at {@code a} and {@code b} share a byte. */
    private static boolean overlap(long a, long b, long bytes) {
        return Math.abs(a - b) < bytes;
    }

    /** Runs the kernel with each generator's state fetched, advanced in place and put back. */
    private static void drawInto(Tensor out, long scaled, float scale, long n, long[] inputs, float[] coef,
                                 Generator[] generators) {
        Tensor[] states = new Tensor[generators.length];
        long[] addresses = new long[generators.length];
        try {
            for (int r = 0; r < generators.length; r++) {
                states[r] = generators[r].get_state();
                if (states[r].numel() < UnisonCpu.TORCH_RNG_STATE_BYTES || !states[r].is_contiguous()
                        || states[r].scalar_type().value != torch.ScalarType.Byte.value) {
                    throw new IllegalStateException("a CPU generator's state is " + states[r].numel()
                            + " bytes, not libtorch's layout of at least " + UnisonCpu.TORCH_RNG_STATE_BYTES);
                }
                addresses[r] = states[r].data_ptr().address();
            }
            int rc = UnisonCpu.unison_cpu_lincomb_randn(generators.length, n, addresses, inputs.length, inputs, coef,
                    out.data_ptr().address(), scaled, scale);
            if (rc != UnisonCpu.OK) {
                throw new IllegalStateException("unison_cpu_lincomb_randn returned " + rc + " for " + generators.length
                        + " rows of " + n + " with " + inputs.length + " inputs");
            }
            for (int r = 0; r < generators.length; r++) {
                generators[r].set_state(states[r]);
            }
        } finally {
            for (Tensor s : states) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    /**
     * Once per process: whether the kernel's draw from a seeded generator matches {@code torch.randn}'s from an
     * identically seeded one (values to float rounding, 41 of them so that the tail rule is exercised) and
     * leaves the generator where libtorch leaves it (the next draws equal bit for bit). A libtorch whose
     * generator state has another layout fails this, and the noise then comes from libtorch.
     */
    private boolean randnAgrees() {
        Boolean agrees = randnAgrees;
        if (agrees == null) {
            synchronized (this) {
                agrees = randnAgrees;
                if (agrees == null) {
                    agrees = checkRandn();
                    randnAgrees = agrees;
                    if (!agrees) {
                        LoggerFactory.getLogger(CpuKernels.class).warn(
                                "the CPU noise kernel does not reproduce this libtorch's generator; noise is drawn by libtorch");
                    }
                }
            }
        }
        return agrees;
    }

    private static boolean checkRandn() {
        try (NativeScope scope = NativeScope.open();
             Rng ours = new Rng(20261122L);
             Rng theirs = new Rng(20261122L)) {
            long n = 41;
            Tensor expected = theirs.randn(n);
            Tensor got = Torch.empty(torch.ScalarType.Float, n);
            drawInto(got, 0, 0f, n, new long[0], new float[] {1f}, new Generator[] {ours.generator()});
            boolean close = torch.allclose(got, expected, 1e-5, 1e-5, false);
            boolean sameStream = torch.equal(ours.randn(n), theirs.randn(n));
            return close && sameStream;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static long[] addresses(Tensor[] tensors) {
        long[] a = new long[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            a[i] = tensors[i].data_ptr().address();
        }
        return a;
    }

    /** Whether every two of the byte ranges {@code [address, address + bytes)} are equal or disjoint. */
    static boolean sameOrDisjoint(long[] a, long[] b, long bytes) {
        long[] all = new long[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        for (int i = 0; i < all.length; i++) {
            for (int j = i + 1; j < all.length; j++) {
                if (all[i] != all[j] && overlap(all[i], all[j], bytes)) {
                    return false;
                }
            }
        }
        return true;
    }
}
