package ai.unison.lm;

import ai.unison.io.ConfigException;
import ai.unison.io.SafetensorsException;
import ai.unison.io.SafetensorsFile;
import ai.unison.io.SafetensorsWriter;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading Qwen2 from config + safetensors, and the errors bad configs, weights and ids give. */
class Qwen2LoadTest {
    @TempDir
    Path tmp;

    /** Rewrites the random checkpoint in {@code dir} with {@code name} removed or replaced. */
    private static void edit(Path dir, String name, Tensor replacement) {
        Path file = dir.resolve("model.safetensors");
        Path edited = dir.resolve("edited.safetensors");
        try (NativeScope scope = NativeScope.open(); SafetensorsFile f = SafetensorsFile.open(file)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String n : f.names()) {
                if (!n.equals(name)) {
                    tensors.put(n, f.tensor(n));
                } else if (replacement != null) {
                    tensors.put(n, replacement);
                }
            }
            SafetensorsWriter.write(edited, tensors, Map.of());
        }
        try {
            Files.move(edited, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void loadsConfigAndWeightsFromAFolder() {
        RandomQwen2.write(TestModels.small().withTiedEmbeddings(true), tmp, DType.BFLOAT16, 3, 0.1);
        try (Qwen2 m = Qwen2.load(tmp, DType.BFLOAT16, TestModels.CPU); NativeScope scope = NativeScope.open()) {
            assertEquals(96, m.config().vocabSize());
            assertTrue(m.config().tied());
            Tensor logits = m.forwardLogits(Torch.fromLongs(new long[]{1, 2, 3}, 1, 3), null, null);
            assertEquals("[1, 3, 96]", Torch.shapeString(logits));
            assertEquals(ScalarType.Float.value, logits.scalar_type().value);
        }
    }

    @Test
    void missingTensorIsNamed() {
        RandomQwen2.write(TestModels.small(), tmp, DType.FLOAT32, 3, 0.1);
        edit(tmp, "model.layers.1.mlp.up_proj.weight", null);
        var e = assertThrows(SafetensorsException.class, () -> Qwen2.load(tmp, DType.FLOAT32, TestModels.CPU));
        assertTrue(e.getMessage().contains("missing tensor 'model.layers.1.mlp.up_proj.weight'"), e.getMessage());
    }

    @Test
    void wrongShapeNamesTensorExpectedAndActualShape() {
        RandomQwen2.write(TestModels.small(), tmp, DType.FLOAT32, 3, 0.1);
        try (NativeScope scope = NativeScope.open()) {
            edit(tmp, "model.layers.0.self_attn.k_proj.weight", Torch.empty(ScalarType.Float, 32, 32).zero_());
        }
        var e = assertThrows(SafetensorsException.class, () -> Qwen2.load(tmp, DType.FLOAT32, TestModels.CPU));
        assertTrue(e.getMessage().contains("'model.layers.0.self_attn.k_proj.weight' has shape [32, 32], "
                + "the config implies [16, 32]"), e.getMessage());
    }

    @Test
    void untiedModelNeedsLmHead() {
        RandomQwen2.write(TestModels.small().withTiedEmbeddings(true), tmp, DType.FLOAT32, 3, 0.1);
        try {
            Files.writeString(tmp.resolve("config.json"), TestModels.small().toJson());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        var e = assertThrows(SafetensorsException.class, () -> Qwen2.load(tmp, DType.FLOAT32, TestModels.CPU));
        assertTrue(e.getMessage().contains("'lm_head.weight'"), e.getMessage());
    }

    @Test
    void configsThatCannotRunNameTheField() throws Exception {
        Path cfg = tmp.resolve("config.json");
        Files.writeString(cfg, "{\"vocab_size\": 10, \"hidden_size\": 30, \"intermediate_size\": 8,"
                + " \"num_hidden_layers\": 1, \"num_attention_heads\": 4}");
        var heads = assertThrows(ConfigException.class, () -> Qwen2Config.read(tmp));
        assertTrue(heads.getMessage().contains("hidden_size 30 is not divisible by num_attention_heads 4"),
                heads.getMessage());
        Files.writeString(cfg, "{\"vocab_size\": 10, \"hidden_size\": 32, \"intermediate_size\": 8,"
                + " \"num_hidden_layers\": 1, \"num_attention_heads\": 4, \"num_key_value_heads\": 3}");
        var kv = assertThrows(ConfigException.class, () -> Qwen2Config.read(tmp));
        assertTrue(kv.getMessage().contains("num_key_value_heads 3"), kv.getMessage());
        Files.writeString(cfg, "{\"vocab_size\": 10, \"hidden_size\": 32, \"intermediate_size\": 8,"
                + " \"num_hidden_layers\": 1, \"num_attention_heads\": 4, \"rope_scaling\": {\"type\": \"yarn\"}}");
        var rope = assertThrows(ConfigException.class, () -> Qwen2Config.read(tmp));
        assertTrue(rope.getMessage().contains("'yarn'"), rope.getMessage());
        Files.writeString(cfg, "{\"vocab_size\": 10, \"intermediate_size\": 8,"
                + " \"num_hidden_layers\": 1, \"num_attention_heads\": 4}");
        var missing = assertThrows(ConfigException.class, () -> Qwen2Config.read(tmp));
        assertTrue(missing.getMessage().contains("hidden_size"), missing.getMessage());
    }

    @Test
    void readsUpstreamConfigFields() {
        Path fixture = TestModels.qwen2Tiny().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(fixture != null);
        Qwen2Config c = Qwen2Config.read(fixture);
        assertEquals(2, c.kvHeads());
        assertEquals(16, c.headSize());
        assertEquals(1e-6, c.normEps());
        assertEquals(10000.0, c.theta());
        assertEquals("default", c.ropeType());
        assertEquals(java.util.List.of(2L), c.eosTokenIds());
    }

    @Test
    void idsOutsideTheVocabularyAreNamed() {
        try (Qwen2 m = TestModels.random(TestModels.small()); NativeScope scope = NativeScope.open()) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> m.forwardLogits(Torch.fromLongs(new long[]{1, 200}, 1, 2), null, null));
            assertTrue(e.getMessage().contains("token id 200 is outside the vocabulary [0, 96)"), e.getMessage());
        }
    }

    @Test
    void causalLmLossIsTheMeanCrossEntropyOfShiftedLabelsSkippingIgnored() {
        try (NativeScope scope = NativeScope.open()) {
            // vocab 3; positions 0 and 1 predict labels at 1 and 2; the label at 3 is ignored
            Tensor logits = Torch.fromFloats(new float[]{
                2, 0, 0,
                0, 1, 0,
                5, 5, 5,
                1, 1, 1}, 1, 4, 3);
            Tensor labels = Torch.fromLongs(new long[]{7, 0, 1, -100}, 1, 4);
            double expected = (-Math.log(Math.exp(2) / (Math.exp(2) + 2)) - Math.log(Math.E / (Math.E + 2))) / 2;
            assertEquals(expected, Qwen2.causalLmLoss(logits, labels).item_double(), 1e-6);
        }
    }
}
