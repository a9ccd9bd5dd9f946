package ai.unison.diffusion.wan;

import ai.unison.io.Json;
import ai.unison.io.SafetensorsWriter;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a randomly initialised model as a diffusers component folder: {@code config.json} plus float32
 * safetensors, sharded with an index above {@link #SHARD_BYTES} so that large shapes (Wan2.1-1.3B) are
 * generated one shard at a time. Initialisation by name: 1-D weights and norm {@code gamma}s are ones,
 * biases zeros, {@code scale_shift_table}s randn/sqrt(dim), every other tensor randn/sqrt(fan_in).
 */
final class RandomWeights {
    static final long SHARD_BYTES = 1L << 30;
    static final String BASE_NAME = "diffusion_pytorch_model";

    private RandomWeights() {
    }

    static void write(Map<String, long[]> shapes, Path dir, long seed, String configJson) {
        write(shapes, dir, seed, configJson, SHARD_BYTES);
    }

    static void write(Map<String, long[]> shapes, Path dir, long seed, String configJson, long maxShardBytes) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), configJson);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("config.json"), e);
        }
        List<List<String>> shards = new ArrayList<>();
        long shardBytes = maxShardBytes;
        long total = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long bytes = 4 * numel(e.getValue());
            if (shardBytes + bytes > maxShardBytes && shardBytes > 0) {
                shards.add(new ArrayList<>());
                shardBytes = 0;
            }
            shards.get(shards.size() - 1).add(e.getKey());
            shardBytes += bytes;
            total += bytes;
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        try (Rng rng = new Rng(seed)) {
            for (int i = 0; i < shards.size(); i++) {
                String file = shards.size() == 1 ? BASE_NAME + ".safetensors"
                        : String.format(Locale.ROOT, "%s-%05d-of-%05d.safetensors", BASE_NAME, i + 1, shards.size());
                try (NativeScope scope = NativeScope.open()) {
                    Map<String, Tensor> tensors = new LinkedHashMap<>();
                    for (String name : shards.get(i)) {
                        tensors.put(name, init(name, shapes.get(name), rng));
                        weightMap.put(name, file);
                    }
                    SafetensorsWriter.write(dir.resolve(file), tensors, Map.of("format", "pt"));
                }
            }
        }
        if (shards.size() > 1) {
            ObjectNode index = Json.MAPPER.createObjectNode();
            index.putObject("metadata").put("total_size", total);
            ObjectNode map = index.putObject("weight_map");
            weightMap.forEach(map::put);
            try {
                Files.writeString(dir.resolve(BASE_NAME + ".safetensors.index.json"), index.toPrettyString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the index in " + dir, e);
            }
        }
    }

    static Tensor init(String name, long[] shape, Rng rng) {
        if (name.endsWith("gamma") || (shape.length == 1 && name.endsWith(".weight"))) {
            return torch.ones(shape);
        }
        if (name.endsWith(".bias")) {
            return torch.zeros(shape);
        }
        long fanIn = name.endsWith("scale_shift_table") ? shape[shape.length - 1] : numel(shape) / Math.max(1, shape[0]);
        Tensor t = rng.randn(shape);
        t.div_(Torch.scalar(Math.sqrt(Math.max(1, fanIn))));
        return t;
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }
}
