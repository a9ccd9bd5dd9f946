package ai.unison.diffusion.wan;

import ai.unison.TestFixtures;
import ai.unison.runtime.DType;
import ai.unison.runtime.Rng;
import ai.unison.text.ByteLevelTokenizer;
import ai.unison.text.UMT5Config;
import ai.unison.text.UMT5EncoderModel;
import ai.unison.train.ParameterInit;
import ai.unison.train.Parameters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A randomly initialised Wan-VACE diffusers folder small enough for unit tests: the fixture's VACE
 * transformer config (16 latent channels, text_dim 32), a z_dim-16 VAE with base_dim 4, a 2-layer UMT5
 * (d_model 32) over a byte-level tokenizer, UniPC flow, and {@code unison.json} run defaults of
 * 32×32, 5 frames, 2 steps.
 */
public final class TinyVaceFolder {
    private TinyVaceFolder() {
    }

    public static Path write(Path root) {
        return write(root, false);
    }

    public static Path write(Path root, boolean projector) {
        return write(root, projector ? 24 : 0);
    }

    /** With Unison's projector reading {@code projectorInputs}-wide planner states (none when 0). */
    public static Path write(Path root, int projectorInputs) {
        try {
            WanTransformerConfig t = WanTransformerConfig.read(TestFixtures.dir("wan-vace-tiny").resolve("config.json"));
            WanVACETransformer3DModel.writeRandom(t, root.resolve("transformer"), 11);
            AutoencoderKLWanConfig vae = new AutoencoderKLWanConfig(4, null, 16, List.of(1, 2, 2, 2), 1, List.of(),
                    List.of(false, true, true), Collections.nCopies(16, 0.0), Collections.nCopies(16, 1.0), false, 3, 3, null);
            AutoencoderKLWan.writeRandom(vae, root.resolve("vae"), 12);
            ByteLevelTokenizer.write(root.resolve("tokenizer"), List.of("<pad>", "</s>"), List.of(), "</s>", "<pad>");
            Path text = Files.createDirectories(root.resolve("text_encoder"));
            Files.writeString(text.resolve("config.json"), """
                    {"architectures": ["UMT5EncoderModel"], "vocab_size": 260, "d_model": 32, "d_kv": 8, "d_ff": 64,
                     "num_layers": 2, "num_heads": 4, "relative_attention_num_buckets": 32,
                     "relative_attention_max_distance": 128, "layer_norm_epsilon": 1e-6,
                     "feed_forward_proj": "gated-gelu", "dense_act_fn": "gelu_new"}
                    """);
            try (Parameters p = new Parameters(); Rng rng = new Rng(13)) {
                new UMT5EncoderModel(p.weights(rng, ParameterInit.standard(0.1)), UMT5Config.read(text.resolve("config.json")));
                p.save(text.resolve("model.safetensors"), DType.FLOAT32, Map.of());
            }
            if (projectorInputs > 0) {
                ProjMLP.writeRandom(new ProjMLP.Config(projectorInputs, 32, null, null, null), root.resolve("proj_mlp"), 14);
            }
            Files.createDirectories(root.resolve("scheduler"));
            Files.writeString(root.resolve("scheduler/scheduler_config.json"), """
                    {"_class_name": "UniPCMultistepScheduler", "prediction_type": "flow_prediction",
                     "use_flow_sigmas": true, "flow_shift": 3.0, "num_train_timesteps": 1000}
                    """);
            Files.writeString(root.resolve("model_index.json"), """
                    {"_class_name": "WanVACEPipeline", "transformer": ["diffusers", "WanVACETransformer3DModel"],
                     "vae": ["diffusers", "AutoencoderKLWan"], "text_encoder": ["transformers", "UMT5EncoderModel"],
                     "tokenizer": ["transformers", "T5TokenizerFast"], "scheduler": ["diffusers", "UniPCMultistepScheduler"]}
                    """);
            Files.writeString(root.resolve("unison.json"), """
                    {"width": 32, "height": 32, "frames": 5, "steps": 2, "guidance": 5.0, "max_sequence_length": 16}
                    """);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
