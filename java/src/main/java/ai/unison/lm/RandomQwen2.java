package ai.unison.lm;

import ai.unison.io.Checkpoint;
import ai.unison.io.SafetensorsWriter;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Random-initialised Qwen2 checkpoints for tests and benchmarks: every parameter a config implies, under
 * its upstream name, drawn from a seeded generator (matrices and biases ~ N(0, std²), norm weights
 * ~ 1 + N(0, 0.1²)), written as {@code config.json} + {@code model.safetensors}.
 */
public final class RandomQwen2 {
    private RandomQwen2() {
    }

    /** Every parameter of {@code c} with its shape, in upstream order. */
    public static Map<String, long[]> parameters(Qwen2Config c) {
        Map<String, long[]> p = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long q = (long) c.numAttentionHeads() * c.headSize();
        long kv = (long) c.kvHeads() * c.headSize();
        p.put("model.embed_tokens.weight", new long[]{c.vocabSize(), h});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String l = "model.layers." + i + ".";
            p.put(l + "self_attn.q_proj.weight", new long[]{q, h});
            p.put(l + "self_attn.k_proj.weight", new long[]{kv, h});
            p.put(l + "self_attn.v_proj.weight", new long[]{kv, h});
            if (c.qkvBias()) {
                p.put(l + "self_attn.q_proj.bias", new long[]{q});
                p.put(l + "self_attn.k_proj.bias", new long[]{kv});
                p.put(l + "self_attn.v_proj.bias", new long[]{kv});
            }
            p.put(l + "self_attn.o_proj.weight", new long[]{h, q});
            p.put(l + "mlp.gate_proj.weight", new long[]{c.intermediateSize(), h});
            p.put(l + "mlp.up_proj.weight", new long[]{c.intermediateSize(), h});
            p.put(l + "mlp.down_proj.weight", new long[]{h, c.intermediateSize()});
            p.put(l + "input_layernorm.weight", new long[]{h});
            p.put(l + "post_attention_layernorm.weight", new long[]{h});
        }
        p.put("model.norm.weight", new long[]{h});
        if (!c.tied()) {
            p.put("lm_head.weight", new long[]{c.vocabSize(), h});
        }
        return p;
    }

    /** Writes {@code config.json} and {@code model.safetensors} (in {@code dtype}) into {@code dir}. */
    public static Path write(Qwen2Config config, Path dir, DType dtype, long seed, double std) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), config.toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("config.json"), e);
        }
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(seed)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : parameters(config).entrySet()) {
                try (NativeScope one = NativeScope.open()) {
                    Tensor t = rng.randn(e.getValue());
                    t = e.getKey().endsWith("norm.weight") ? t.mul_(Torch.scalar(0.1)).add_(Torch.scalar(1.0))
                            : t.mul_(Torch.scalar(std));
                    tensors.put(e.getKey(), one.keep(t.to(dtype.scalarType())));
                }
            }
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        }
        return dir;
    }

    /**
     * A random model loaded in {@code dtype}; its temporary checkpoint is deleted once mapped (the mapping
     * stays valid until the model is closed).
     */
    public static Qwen2 create(Qwen2Config config, DType dtype, Device device, long seed, double std) {
        Path dir;
        try {
            dir = Files.createTempDirectory("random-qwen2");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
        try {
            write(config, dir, dtype, seed, std);
            return Qwen2.load(config, Checkpoint.open(dir.resolve("model.safetensors")), dtype, device);
        } finally {
            try {
                Files.deleteIfExists(dir.resolve("model.safetensors"));
                Files.deleteIfExists(dir.resolve("config.json"));
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }
}
