package ai.unison.lm;

import ai.unison.runtime.DType;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Tiny random Qwen2 models and the shared fixtures folder, for the lm tests. */
final class TestModels {
    static final Device CPU = new Device("cpu");

    private TestModels() {
    }

    /** vocab 96, hidden 32, intermediate 64, 2 layers, 4 heads over 2 key/value heads (head dim 8). */
    static Qwen2Config small() {
        return Qwen2Config.of(96, 32, 64, 2, 4, 2).withMaxPositions(128);
    }

    static Qwen2 random(Qwen2Config config) {
        return random(config, DType.FLOAT32);
    }

    static Qwen2 random(Qwen2Config config, DType dtype) {
        Torch.load();
        return RandomQwen2.create(config, dtype, CPU, 1234, 0.15);
    }

    /** The {@code qwen2-tiny} fixture folder, if the shared fixtures are present. */
    static Optional<Path> qwen2Tiny() {
        String prop = System.getProperty("unison.fixtures");
        for (String root : new String[]{prop, "../../shared/fixtures", "/work/shared/fixtures"}) {
            if (root != null && Files.isRegularFile(Path.of(root, "qwen2-tiny", "model.safetensors"))) {
                return Optional.of(Path.of(root, "qwen2-tiny"));
            }
        }
        return Optional.empty();
    }

    static long[] ids(long... ids) {
        return ids;
    }
}
