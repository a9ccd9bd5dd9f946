package ai.unison.diffusion.wan;

import ai.unison.TestFixtures;
import ai.unison.io.SafetensorsFile;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import ai.unison.text.UMT5EncoderModel;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WanRandomInitTest {
    private static final Device CPU = new Device("cpu");

    @Test
    void parameterShapesOfEachFixtureConfigEqualItsCheckpoint() {
        Path wan = TestFixtures.dir("wan-tiny");
        Path vace = TestFixtures.dir("wan-vace-tiny");
        Path vae = TestFixtures.dir("wan-vae-tiny");
        assertSameParameters(WanTransformer3DModel.parameterShapes(WanTransformerConfig.read(wan.resolve("config.json"))),
                wan.resolve("model.safetensors"));
        assertSameParameters(WanVACETransformer3DModel.parameterShapes(WanTransformerConfig.read(vace.resolve("config.json"))),
                vace.resolve("model.safetensors"));
        assertSameParameters(AutoencoderKLWan.parameterShapes(AutoencoderKLWanConfig.read(vae.resolve("config.json"))),
                vae.resolve("model.safetensors"));
    }

    @Test
    void theWan21ShapesHaveTheirKnownParameterCounts() {
        assertEquals(1_418_996_800L, count(WanTransformer3DModel.parameterShapes(WanTransformerConfig.wan21_1_3B(false))));
        assertEquals(126_892_531L, count(AutoencoderKLWan.parameterShapes(AutoencoderKLWanConfig.wan21())));
    }

    @Test
    void writesShardedRandomWeightsThatLoadAndAreReproducible(@TempDir Path tmp) throws Exception {
        WanTransformerConfig config = WanTransformerConfig.read(TestFixtures.dir("wan-vace-tiny").resolve("config.json"));
        Map<String, long[]> shapes = WanVACETransformer3DModel.parameterShapes(config);
        RandomWeights.write(shapes, tmp.resolve("a"), 7, config.toJson(WanVACETransformer3DModel.CLASS_NAME), 200_000);
        WanVACETransformer3DModel.writeRandom(config, tmp.resolve("b"), 7);
        assertTrue(Files.isRegularFile(tmp.resolve("a/diffusion_pytorch_model.safetensors.index.json")));
        try (var files = Files.list(tmp.resolve("a"))) {
            assertTrue(files.filter(f -> f.getFileName().toString().matches(".*-000\\d\\d-of-000\\d\\d\\.safetensors"))
                    .count() > 5);
        }
        assertTrue(Files.isRegularFile(tmp.resolve("b/diffusion_pytorch_model.safetensors")));
        float[] sharded = run(tmp.resolve("a"));
        assertArrayEquals(sharded, run(tmp.resolve("b")));
        assertEquals(16L * 8 * 8, sharded.length);
        for (float v : sharded) {
            assertTrue(Float.isFinite(v));
        }
    }

    @Test
    void loadsEveryComponentOfADiffusersFolder(@TempDir Path root) throws Exception {
        WanVACETransformer3DModel.writeRandom(WanTransformerConfig.read(TestFixtures.dir("wan-vace-tiny").resolve("config.json")),
                root.resolve("transformer"), 1);
        AutoencoderKLWan.writeRandom(AutoencoderKLWanConfig.read(TestFixtures.dir("wan-vae-tiny").resolve("config.json")),
                root.resolve("vae"), 2);
        Path te = Files.createDirectories(root.resolve("text_encoder"));
        Files.copy(TestFixtures.dir("umt5-tiny").resolve("config.json"), te.resolve("config.json"));
        Files.copy(TestFixtures.dir("umt5-tiny").resolve("model.safetensors"), te.resolve("model.safetensors"),
                StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(root.resolve("scheduler"));
        Files.writeString(root.resolve("scheduler/scheduler_config.json"), "{\"_class_name\": \"UniPCMultistepScheduler\"}");
        WanModelFolder folder = WanModelFolder.of(root);
        try (WanVACETransformer3DModel t = folder.vaceTransformer(DType.FLOAT32, CPU);
             AutoencoderKLWan vae = folder.vae(DType.FLOAT32, CPU);
             UMT5EncoderModel text = folder.textEncoder(DType.FLOAT32, CPU)) {
            assertEquals(List.of(0, 2), t.config().vaceLayers());
            assertEquals(4, vae.config().zDim());
            assertEquals(32, text.config().dModel());
        }
        assertEquals(root.resolve("scheduler/scheduler_config.json"), folder.schedulerConfig());
    }

    private static float[] run(Path dir) {
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(3);
             WanVACETransformer3DModel m = WanVACETransformer3DModel.load(dir, DType.FLOAT32, CPU)) {
            Tensor out = m.forward(rng.randn(1, 16, 1, 8, 8), Torch.fromLongs(new long[]{500}, 1), rng.randn(1, 5, 32),
                    rng.randn(1, 96, 1, 8, 8), 1.0);
            return Torch.toFloats(out);
        }
    }

    private static void assertSameParameters(Map<String, long[]> shapes, Path checkpoint) {
        Map<String, String> expected = new TreeMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(checkpoint)) {
            for (String n : f.names()) {
                expected.put(n, Arrays.toString(f.info(n).shape()));
            }
        }
        Map<String, String> actual = new TreeMap<>();
        shapes.forEach((n, s) -> actual.put(n, Arrays.toString(s)));
        assertEquals(expected, actual);
    }

    private static long count(Map<String, long[]> shapes) {
        return shapes.values().stream().mapToLong(s -> Arrays.stream(s).reduce(1, (a, b) -> a * b)).sum();
    }
}
