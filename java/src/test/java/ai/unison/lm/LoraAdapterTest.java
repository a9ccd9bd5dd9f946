package ai.unison.lm;

import ai.unison.io.Checkpoint;
import ai.unison.io.ConfigException;
import ai.unison.io.SafetensorsWriter;
import ai.unison.nn.WeightSource;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoraAdapterTest {
    @TempDir
    Path dir;

    private static final Qwen2Config CONFIG = Qwen2Config.of(64, 32, 64, 1, 4, 2).withMaxPositions(64);

    @Test
    void mergedWeightIsBasePlusScaledBA() throws Exception {
        Path base = dir.resolve("base");
        RandomQwen2.write(CONFIG, base, DType.FLOAT32, 1, 0.1);
        Path adapter = dir.resolve("adapter");
        Files.createDirectories(adapter);
        Files.writeString(adapter.resolve("adapter_config.json"),
                "{\"peft_type\": \"LORA\", \"r\": 2, \"lora_alpha\": 8, \"target_modules\": [\"q_proj\"]}");
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(5)) {
            Tensor a = rng.randn(2, 32);
            Tensor b = rng.randn(32, 2);
            Tensor embed = rng.randn(64, 32);
            Map<String, Tensor> w = new LinkedHashMap<>();
            w.put("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", a);
            w.put("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", b);
            w.put("base_model.model.model.embed_tokens.modules_to_save.weight", embed);
            SafetensorsWriter.write(adapter.resolve("adapter_model.safetensors"), w, Map.of());

            try (Checkpoint c = Checkpoint.open(base);
                 WeightSource merged = LoraAdapter.merged(WeightSource.of(Checkpoint.open(base)), adapter)) {
                String q = "model.layers.0.self_attn.q_proj.weight";
                Tensor expected = c.tensor(q, 32, 32).add(b.matmul(a).mul(Torch.scalar(8.0 / 2)));
                assertArrayEquals(Torch.toFloats(expected), Torch.toFloats(merged.tensor(q, 32, 32)), 1e-5f);
                String k = "model.layers.0.self_attn.k_proj.weight";
                assertArrayEquals(Torch.toFloats(c.tensor(k, 16, 32)), Torch.toFloats(merged.tensor(k, 16, 32)));
                assertArrayEquals(Torch.toFloats(embed),
                        Torch.toFloats(merged.tensor("model.embed_tokens.weight", 64, 32)));
            }
            // the merged source builds a working model
            try (Qwen2 model = new Qwen2(Weights.of(LoraAdapter.merged(WeightSource.of(Checkpoint.open(base)), adapter),
                    DType.FLOAT32, new Device("cpu")), CONFIG)) {
                Tensor logits = model.forwardLogits(Torch.fromLongs(new long[]{1, 2, 3}, 1, 3), null, null);
                assertArrayEquals(new long[]{1, 3, 64}, Torch.shape(logits));
            }
        }
        assertEquals(java.util.List.of("model.layers.0.self_attn.q_proj"), LoraAdapter.adaptedModules(adapter));
    }

    @Test
    void namesMissingRankInAdapterConfig() throws Exception {
        Path adapter = dir.resolve("bad");
        Files.createDirectories(adapter);
        Files.writeString(adapter.resolve("adapter_config.json"), "{\"lora_alpha\": 8}");
        String msg = assertThrows(ConfigException.class, () -> LoraAdapter.merged(null, adapter)).getMessage();
        assertTrue(msg.contains("'r'") && msg.contains("adapter_config.json"), msg);
    }
}
