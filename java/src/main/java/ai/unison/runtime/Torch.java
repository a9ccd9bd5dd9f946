package ai.unison.runtime;

import ai.unison.natives.UnisonCpu;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Small helpers around the JavaCPP libtorch API: loading, shapes, and host-side data transfer. */
public final class Torch {
    /** The environment variable libgomp reads once, when it is loaded: how idle OpenMP threads wait. */
    public static final String OMP_WAIT_POLICY = "OMP_WAIT_POLICY";

    private static volatile boolean loaded;
    private static volatile String waitPolicy; // set by load(), before loaded

    private Torch() {
    }

    /**
     * Loads libtorch once; cheap afterwards. First, unless {@value #OMP_WAIT_POLICY} is set (a user's value wins),
     * sets it to {@code PASSIVE} in the process environment ({@link #passiveOpenMpWait}).
     */
    public static void load() {
        if (!loaded) {
            synchronized (Torch.class) {
                if (!loaded) {
                    waitPolicy = passiveOpenMpWait();
                    Loader.load(torch.class);
                    loaded = true;
                }
            }
        }
    }

    /** The OpenMP wait policy libtorch was loaded under, and where it came from (for {@code unison info}). */
    public static String openMpWaitPolicy() {
        load();
        return waitPolicy;
    }

    /**
     * By default libtorch's OpenMP threads spin between parallel regions. On a machine with few cores anything else
     * that runs (OpenBLAS's own pool, the JVM, another request) then takes turns with them, and each small
     * operation's barrier waits out a descheduled thread: on the 2-core development VM a 128×128 Wan VAE encode took
     * 110 ms with two intra-op threads against 10 ms with passive waiting (and 24 ms with one thread). So before
     * libtorch, and with it libgomp, is loaded, {@value #OMP_WAIT_POLICY} is set to {@code PASSIVE} unless the
     * environment has a value, through the project's CPU glue ({@link UnisonCpu}, which links neither). Where that
     * library is missing the default stays; where libgomp is loaded already (a class of the presets was touched
     * before this), setting it would change nothing, and the result says so.
     */
    static String passiveOpenMpWait() {
        String own = System.getenv(OMP_WAIT_POLICY);
        if (own != null) {
            return own + " (from the environment)";
        }
        if (libgompLoaded()) {
            return "OpenMP default (libgomp was loaded before Torch.load)";
        }
        try {
            return UnisonCpu.unison_cpu_setenv_default(OMP_WAIT_POLICY, "PASSIVE") >= 0 ? "PASSIVE"
                    : "OpenMP default (setenv failed)";
        } catch (LinkageError e) {
            return "OpenMP default (the CPU glue is not available: " + e.getMessage() + ")";
        }
    }

    /** Whether libgomp is mapped into this process already (Linux; false where /proc/self/maps cannot be read). */
    static boolean libgompLoaded() {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.anyMatch(l -> l.contains("libgomp"));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** The version of the JavaCPP PyTorch presets on the class path, e.g. {@code 2.10.0-1.5.13}. */
    public static String presetsVersion() {
        try {
            String v = Loader.getVersion("org.bytedeco", "pytorch");
            return v == null ? "unknown" : v;
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** The libtorch version, e.g. {@code 2.10.0}. */
    public static String libtorchVersion() {
        String v = presetsVersion();
        int dash = v.lastIndexOf('-');
        return dash > 0 ? v.substring(0, dash) : v;
    }

    /** The sizes of {@code t}; the native size vectors this needs are freed here, scope or not. */
    public static long[] shape(Tensor t) {
        try (NativeScope scope = NativeScope.open()) {
            return t.sizes().vec().get();
        }
    }

    public static String shapeString(long[] shape) {
        return Arrays.toString(shape);
    }

    public static String shapeString(Tensor t) {
        return shapeString(shape(t));
    }

    /** An uninitialised CPU tensor. */
    public static Tensor empty(ScalarType type, long... shape) {
        load();
        return torch.empty(shape, options(type), new org.bytedeco.pytorch.MemoryFormatOptional());
    }

    public static TensorOptions options(ScalarType type) {
        return new TensorOptions().dtype(new org.bytedeco.pytorch.ScalarTypeOptional(type));
    }

    /** A new CPU float32 tensor holding a copy of {@code data}. */
    public static Tensor fromFloats(float[] data, long... shape) {
        load();
        checkNumel(data.length, shape);
        Tensor t = empty(ScalarType.Float, shape);
        t.data_ptr_float().put(data);
        return t;
    }

    /** A new CPU int64 tensor holding a copy of {@code data}. */
    public static Tensor fromLongs(long[] data, long... shape) {
        load();
        checkNumel(data.length, shape);
        Tensor t = empty(ScalarType.Long, shape);
        t.data_ptr_long().put(data);
        return t;
    }

    /** A new CPU uint8 tensor holding a copy of {@code data}. */
    public static Tensor fromBytes(byte[] data, long... shape) {
        load();
        checkNumel(data.length, shape);
        Tensor t = empty(ScalarType.Byte, shape);
        new BytePointer(t.data_ptr()).capacity(data.length).put(data);
        return t;
    }

    /** Copies any tensor to a Java float array (converting to float32 on the CPU). */
    public static float[] toFloats(Tensor t) {
        try (NativeScope scope = NativeScope.open()) {
            Tensor c = t.to(ScalarType.Float).cpu().contiguous();
            float[] out = new float[Math.toIntExact(c.numel())];
            FloatPointer p = c.data_ptr_float();
            p.get(out);
            return out;
        }
    }

    /** Copies an integer tensor to a Java long array. */
    public static long[] toLongs(Tensor t) {
        try (NativeScope scope = NativeScope.open()) {
            Tensor c = t.to(ScalarType.Long).cpu().contiguous();
            long[] out = new long[Math.toIntExact(c.numel())];
            LongPointer p = c.data_ptr_long();
            p.get(out);
            return out;
        }
    }

    /** The raw bytes of a contiguous CPU copy of {@code t}, in its own dtype. */
    public static byte[] toBytes(Tensor t) {
        try (NativeScope scope = NativeScope.open()) {
            Tensor c = t.cpu().contiguous();
            byte[] out = new byte[Math.toIntExact(c.nbytes())];
            Pointer p = c.data_ptr();
            new BytePointer(p).capacity(out.length).get(out);
            return out;
        }
    }

    public static Scalar scalar(double v) {
        return new Scalar(v);
    }

    private static void checkNumel(int length, long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        if (n != length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " holds " + n + " elements, data has " + length);
        }
    }
}
