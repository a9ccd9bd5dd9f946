package ai.unison.bench.wan;

import ai.unison.bench.BenchPaths;
import ai.unison.diffusion.wan.AutoencoderKLWanConfig;
import ai.unison.diffusion.wan.WanTransformerConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The model shapes the Wan benchmarks run: the fixtures' tiny configs and the real Wan2.1 ones. */
final class BenchModels {
    private BenchModels() {
    }

    static WanTransformerConfig transformer(String shape) {
        return switch (shape) {
            case "tiny" -> WanTransformerConfig.read(BenchPaths.fixtures().resolve("wan-tiny/config.json"));
            case "tiny-vace" -> WanTransformerConfig.read(BenchPaths.fixtures().resolve("wan-vace-tiny/config.json"));
            case "wan2.1-1.3B" -> WanTransformerConfig.wan21_1_3B(false);
            default -> throw new IllegalArgumentException("unknown transformer shape " + shape);
        };
    }

    static AutoencoderKLWanConfig vae(String shape) {
        return switch (shape) {
            case "tiny" -> AutoencoderKLWanConfig.read(BenchPaths.fixtures().resolve("wan-vae-tiny/config.json"));
            case "wan2.1" -> AutoencoderKLWanConfig.wan21();
            default -> throw new IllegalArgumentException("unknown VAE shape " + shape);
        };
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
