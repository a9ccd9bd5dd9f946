package ai.unison.runtime;

import ai.unison.natives.UnisonKernels;
import org.bytedeco.javacpp.Loader;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Whether the project's CUDA kernels ({@code libunison_kernels} and its JavaCPP glue) can be used in this
 * process, and why not. Loaded once, on the first CUDA tensor that reaches {@link Kernels}: a process that
 * only computes on the CPU never touches the native library.
 *
 * <p>{@code -Dunison.kernels=off} disables the kernels (every call takes the libtorch fallback), e.g. to
 * compare both paths on a GPU. When the kernels are unavailable and a CUDA tensor arrives, one line says so
 * and why; later calls fall back silently.
 */
public final class KernelsLibrary {
    /** The system property that disables the kernels when set to {@code off}. */
    public static final String PROPERTY = "unison.kernels";

    /** Loads the native library and returns its ABI version. */
    @FunctionalInterface
    interface NativeLoader {
        int loadAndGetAbi();
    }

    private static volatile KernelsLibrary instance;

    private final boolean available;
    private final String status;
    private final Consumer<String> log;
    private final AtomicBoolean fallbackReported = new AtomicBoolean();

    private KernelsLibrary(boolean available, String status, Consumer<String> log) {
        this.available = available;
        this.status = status;
        this.log = log;
    }

    /** The process-wide library, loaded on first use. */
    public static KernelsLibrary get() {
        KernelsLibrary lib = instance;
        if (lib == null) {
            synchronized (KernelsLibrary.class) {
                lib = instance;
                if (lib == null) {
                    lib = load(System.getProperty(PROPERTY, "auto"), KernelsLibrary::loadNative,
                            LoggerFactory.getLogger(Kernels.class)::warn);
                    instance = lib;
                }
            }
        }
        return lib;
    }

    /**
     * Loads through {@code loader} unless {@code setting} is {@code off}; failures become an unavailable
     * library whose {@link #status()} gives the reason. {@code log} receives the one-time fallback line.
     */
    static KernelsLibrary load(String setting, NativeLoader loader, Consumer<String> log) {
        if ("off".equalsIgnoreCase(setting.trim())) {
            return new KernelsLibrary(false, "disabled by -D" + PROPERTY + "=off", log);
        }
        try {
            int abi = loader.loadAndGetAbi();
            if (abi != UnisonKernels.ABI) {
                return new KernelsLibrary(false, "libunison_kernels has ABI " + abi + ", this runtime needs "
                        + UnisonKernels.ABI + " (rebuild with kernels/build.sh)", log);
            }
            return new KernelsLibrary(true, "libunison_kernels loaded (ABI " + abi + ")", log);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError | IllegalStateException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new KernelsLibrary(false, "libunison_kernels not loaded: " + why, log);
        }
    }

    static int loadNative() {
        Torch.load();  // libtorch (and with it the CUDA runtime libraries) first
        Loader.load(UnisonKernels.class);
        return UnisonKernels.unison_kernels_abi();
    }

    public boolean available() {
        return available;
    }

    /** One line: loaded with which ABI, disabled, or why it could not be loaded. */
    public String status() {
        return status;
    }

    /** Called when a CUDA tensor takes the fallback because the kernels are unavailable; logs once. */
    void reportFallback() {
        if (fallbackReported.compareAndSet(false, true)) {
            log.accept("CUDA kernels unavailable (" + status + "); CUDA tensors use the libtorch fallback of "
                    + "ai.unison.runtime.Kernels. Build the kernels with kernels/build.sh (needs nvcc).");
        }
    }
}
