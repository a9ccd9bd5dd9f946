package ai.unison.cli;

import ai.unison.runtime.DType;
import ai.unison.runtime.Devices;
import ai.unison.runtime.Threads;
import org.bytedeco.pytorch.Device;
import picocli.CommandLine.Option;

/** Where and how a command runs its model: {@code --dtype}, {@code --device}, {@code --threads}. */
final class RuntimeOptions {
    @Option(names = "--dtype", defaultValue = "float32", description = "float32 or bfloat16 (default: ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda[:N] or auto (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--threads", defaultValue = "0", description = "intra-op threads (default: one per core)")
    int threads;

    DType dtype() {
        return DType.parse(dtype);
    }

    /** Applies the thread count and returns the device. */
    Device apply() {
        Threads.set(threads);
        return Devices.parse(device);
    }
}
