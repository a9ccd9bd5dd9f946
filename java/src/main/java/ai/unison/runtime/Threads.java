package ai.unison.runtime;

import org.bytedeco.pytorch.global.torch;

/** libtorch's intra-op thread pool size. */
public final class Threads {
    private Threads() {
    }

    public static int get() {
        Torch.load();
        return torch.get_num_threads();
    }

    /** Sets the intra-op thread count; {@code n <= 0} leaves libtorch's default (one per core). */
    public static void set(int n) {
        Torch.load();
        if (n > 0) {
            torch.set_num_threads(n);
        }
    }
}
