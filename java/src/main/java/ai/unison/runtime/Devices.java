package ai.unison.runtime;

import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

import java.util.Locale;

/** Device selection: {@code cpu} by default, {@code cuda[:N]} when libtorch has CUDA and a GPU. */
public final class Devices {
    private Devices() {
    }

    public static boolean cudaAvailable() {
        Torch.load();
        try {
            return torch.cuda_is_available();
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }

    /**
     * Parses {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto} (cuda when available, else
     * cpu). Asking for cuda where there is none is an error that says why.
     */
    public static Device parse(String spec) {
        Torch.load();
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            return cudaAvailable() ? new Device("cuda:0") : new Device("cpu");
        }
        if (s.equals("cpu")) {
            return new Device("cpu");
        }
        if (s.equals("cuda") || s.startsWith("cuda:")) {
            if (!cudaAvailable()) {
                throw new IllegalArgumentException("device '" + spec + "' was asked for, but "
                        + "libtorch sees no CUDA device (CPU build, no driver or no GPU); use --device cpu");
            }
            return new Device(s.equals("cuda") ? "cuda:0" : s);
        }
        throw new IllegalArgumentException("unknown device '" + spec + "'; expected cpu, cuda, cuda:N or auto");
    }

    public static String name(Device d) {
        return d.str().getString();
    }
}
