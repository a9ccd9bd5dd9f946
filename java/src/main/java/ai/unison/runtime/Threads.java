package ai.unison.runtime;

import org.bytedeco.openblas.presets.openblas_nolapack;
import org.bytedeco.pytorch.global.torch;

/**
 * libtorch's intra-op thread pool size. libtorch runs float32 matrix products in OpenBLAS, which keeps a
 * thread pool of its own; both are set together so that one setting bounds the threads a forward uses
 * (two busy-waiting pools on few cores slow small products down a hundredfold).
 */
public final class Threads {
    private Threads() {
    }

    public static int get() {
        Torch.load();
        return torch.get_num_threads();
    }

    /** Sets the intra-op thread count (libtorch and OpenBLAS); {@code n <= 0} leaves the defaults (one per core). */
    public static void set(int n) {
        Torch.load();
        if (n > 0) {
            torch.set_num_threads(n);
            openblas_nolapack.blas_set_num_threads(n);
        }
    }
}
