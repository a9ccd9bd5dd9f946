package ai.unison.lm;

import ai.unison.io.Checkpoint;
import ai.unison.io.ConfigException;
import ai.unison.io.Json;
import ai.unison.nn.WeightSource;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A PEFT LoRA adapter ({@code adapter_config.json} + {@code adapter_model.safetensors}) merged into a
 * base model's weights at load time: for every adapted linear layer {@code W' = W + s·B·A} with
 * {@code s = lora_alpha / r} ({@code lora_alpha / √r} with rsLoRA), computed in float32. Modules the
 * adapter saves whole ({@code modules_to_save}, e.g. an embedding and head extended with Unison's
 * signal tokens) replace the base tensors, and may be larger than the base's.
 *
 * <p>Adapter keys are PEFT's: {@code base_model.model.<name>.lora_A.weight} [r, in],
 * {@code ….lora_B.weight} [out, r]; saved modules as {@code base_model.model.<name>.weight} or
 * {@code base_model.model.<name>.modules_to_save.weight}.
 */
public final class LoraAdapter {
    private static final String PREFIX = "base_model.model.";

    private LoraAdapter() {
    }

    /** The base weights with the adapter in {@code adapterDir} merged; closing it closes both checkpoints. */
    public static WeightSource merged(WeightSource base, Path adapterDir) {
        Path configFile = adapterDir.resolve("adapter_config.json");
        JsonNode cfg = Json.readTree(configFile);
        if (!cfg.hasNonNull("r") || !cfg.hasNonNull("lora_alpha")) {
            throw new ConfigException(configFile, "missing required field 'r' or 'lora_alpha'");
        }
        int r = cfg.get("r").asInt();
        double alpha = cfg.get("lora_alpha").asDouble();
        if (r <= 0) {
            throw new ConfigException(configFile, "field 'r' must be positive, got " + r);
        }
        if (cfg.path("fan_in_fan_out").asBoolean(false)) {
            throw new ConfigException(configFile, "fan_in_fan_out true (Conv1D layers) is not supported");
        }
        if (!cfg.path("peft_type").asText("LORA").equals("LORA")) {
            throw new ConfigException(configFile, "peft_type '" + cfg.path("peft_type").asText() + "' is not LORA");
        }
        double scale = cfg.path("use_rslora").asBoolean(false) ? alpha / Math.sqrt(r) : alpha / r;
        Path weightsFile = adapterDir.resolve("adapter_model.safetensors");
        if (!Files.isRegularFile(weightsFile)) {
            throw new ConfigException(weightsFile, "adapter weights not found");
        }
        Checkpoint adapter = Checkpoint.open(weightsFile);
        return new Merged(base, adapter, scale, r);
    }

    private record Merged(WeightSource base, Checkpoint adapter, double scale, int rank) implements WeightSource {
        @Override
        public boolean contains(String name) {
            return base.contains(name) || saved(name) != null;
        }

        private String saved(String name) {
            String module = name.endsWith(".weight") ? name.substring(0, name.length() - ".weight".length())
                    : name.endsWith(".bias") ? name.substring(0, name.length() - ".bias".length()) : null;
            if (module == null) {
                return null;
            }
            String suffix = name.substring(module.length());
            for (String k : List.of(PREFIX + module + ".modules_to_save" + suffix, PREFIX + name)) {
                if (adapter.contains(k)) {
                    return k;
                }
            }
            return null;
        }

        @Override
        public Tensor tensor(String name, long... expectedShape) {
            String savedKey = saved(name);
            if (savedKey != null) {
                long[] actual = adapter.info(savedKey).shape();
                if (!Arrays.equals(actual, expectedShape)) {
                    throw new ConfigException(adapter.location(), "saved module '" + savedKey + "' has shape "
                            + Arrays.toString(actual) + ", the config implies " + Arrays.toString(expectedShape));
                }
                return adapter.tensor(savedKey);
            }
            Tensor w = base.tensor(name, expectedShape);
            if (!name.endsWith(".weight")) {
                return w;
            }
            String module = PREFIX + name.substring(0, name.length() - ".weight".length());
            String a = module + ".lora_A.weight";
            String b = module + ".lora_B.weight";
            if (!adapter.contains(a) || !adapter.contains(b)) {
                return w;
            }
            try (NativeScope step = NativeScope.open()) {
                Tensor la = adapter.tensor(a, rank, expectedShape[1]).to(ScalarType.Float);
                Tensor lb = adapter.tensor(b, expectedShape[0], rank).to(ScalarType.Float);
                Tensor merged = w.to(ScalarType.Float).add(lb.matmul(la).mul(Torch.scalar(scale))).to(w.scalar_type());
                w.close();
                return step.keep(merged);
            }
        }

        @Override
        public void close() {
            adapter.close();
            base.close();
        }
    }

    /** The adapted module names (without PEFT's prefix), for reports. */
    public static List<String> adaptedModules(Path adapterDir) {
        try (Checkpoint c = Checkpoint.open(adapterDir.resolve("adapter_model.safetensors"))) {
            List<String> out = new ArrayList<>();
            for (String k : c.names()) {
                if (k.endsWith(".lora_A.weight")) {
                    out.add(k.substring(PREFIX.length(), k.length() - ".lora_A.weight".length()));
                }
            }
            return out;
        }
    }
}
