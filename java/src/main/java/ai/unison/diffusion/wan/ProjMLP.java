package ai.unison.diffusion.wan;

import ai.unison.io.Checkpoint;
import ai.unison.io.ConfigException;
import ai.unison.io.Json;
import ai.unison.nn.Linear;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The Unison projector: turns the planner's last hidden states [B, S, in_dim] into {@code num_tokens}
 * (4) extra text tokens [B, 4, out_dim] that are appended after the UMT5 prompt embedding. Per token
 * LayerNorm → Linear → GELU → Linear → LayerNorm; then the sequence is cut or zero-padded to
 * {@code seq_len} (56, keeping the first positions) and mixed by a Linear(56 → 4) along the sequence.
 *
 * <p>There is no upstream fixture for this module, so its parameter names are ours, chosen to read like
 * Wan's own {@code MLPProj} ({@code img_emb.proj.*}, an nn.Sequential whose index 2 is the GELU):
 * <pre>
 * proj.0.weight, proj.0.bias     [in_dim]            LayerNorm
 * proj.1.weight [out_dim, in_dim], proj.1.bias      Linear
 * proj.3.weight [out_dim, out_dim], proj.3.bias     Linear
 * proj.4.weight, proj.4.bias     [out_dim]           LayerNorm
 * token_mix.weight [num_tokens, seq_len], token_mix.bias [num_tokens]   Linear over the sequence
 * </pre>
 * Positions a mask marks as padding are zeroed after the MLP, so they contribute only the mix's bias.
 * LayerNorms compute in float32, the rest in the loading dtype; GELU is exact (erf).
 */
public final class ProjMLP implements AutoCloseable {
    static final String CLASS_NAME = "ProjMLP";

    /** {@code config.json}: in_dim (planner hidden size), out_dim (UMT5 width = Wan text_dim), seq_len, num_tokens, eps. */
    public record Config(@JsonProperty(required = true) int inDim, @JsonProperty(required = true) int outDim,
                         Integer seqLen, Integer numTokens, Double eps) {
        public static Config read(Path file) {
            Config c = Json.readConfig(file, Config.class);
            if (c.inDim <= 0 || c.outDim <= 0 || c.seqLen() <= 0 || c.numTokens() <= 0) {
                throw new ConfigException(file, "in_dim, out_dim, seq_len and num_tokens must be positive");
            }
            return c;
        }

        @Override
        public Integer seqLen() {
            return seqLen == null ? 56 : seqLen;
        }

        @Override
        public Integer numTokens() {
            return numTokens == null ? 4 : numTokens;
        }

        @Override
        public Double eps() {
            return eps == null ? 1e-5 : eps;
        }

        String toJson() {
            ObjectNode n = Json.CONFIG.createObjectNode();
            n.put("_class_name", CLASS_NAME);
            n.setAll((ObjectNode) Json.CONFIG.valueToTree(this));
            return n.toPrettyString();
        }
    }

    private final Config config;
    private final Params params;
    private final Tensor norm0Weight;
    private final Tensor norm0Bias;
    private final Linear fc1;
    private final Linear fc2;
    private final Tensor norm4Weight;
    private final Tensor norm4Bias;
    private final Linear tokenMix;

    /** A projector over {@code weights} (a checkpoint's or trainable parameters); it owns them. */
    public ProjMLP(Weights weights, Config config) {
        this(config, Params.of(weights, UnaryOperator.identity()));
    }

    ProjMLP(Config config, Params p) {
        this.config = config;
        this.params = p;
        long in = config.inDim();
        long out = config.outDim();
        this.norm0Weight = p.getFloat32("proj.0.weight", in);
        this.norm0Bias = p.getFloat32("proj.0.bias", in);
        this.fc1 = WanTransformer3DModel.linear(p, "proj.1", in, out);
        this.fc2 = WanTransformer3DModel.linear(p, "proj.3", out, out);
        this.norm4Weight = p.getFloat32("proj.4.weight", out);
        this.norm4Bias = p.getFloat32("proj.4.bias", out);
        this.tokenMix = WanTransformer3DModel.linear(p, "token_mix", config.seqLen(), config.numTokens());
    }

    /** Loads a folder with {@code config.json} and safetensors. */
    public static ProjMLP load(Path dir, DType dtype, Device device) {
        return load(dir.resolve("config.json"), dir, dtype, device);
    }

    public static ProjMLP load(Path configFile, Path weights, DType dtype, Device device) {
        Config config = Config.read(configFile);
        return Params.build(Checkpoint.open(weights), dtype, device, UnaryOperator.identity(), p -> new ProjMLP(config, p));
    }

    /** Every parameter (name → shape) of this config, in loading order. */
    public static Map<String, long[]> parameterShapes(Config config) {
        try (Params recorder = Params.recorder()) {
            new ProjMLP(config, recorder);
            return recorder.recorded();
        }
    }

    /** Writes a randomly initialised projector (config.json + safetensors) to {@code dir}. */
    public static void writeRandom(Config config, Path dir, long seed) {
        RandomWeights.write(parameterShapes(config), dir, seed, config.toJson());
    }

    public Config config() {
        return config;
    }

    /**
     * The extra text tokens.
     *
     * @param hidden the planner's last hidden states [B, S, in_dim], any S
     * @param mask   1 for real positions, 0 for padding [B, S]; null means all real
     * @return [B, num_tokens, out_dim] in the loading dtype
     */
    public Tensor forward(Tensor hidden, Tensor mask) {
        long[] s = Torch.shape(hidden);
        if (s.length != 3 || s[2] != config.inDim()) {
            throw new IllegalArgumentException("planner hidden states must be [B, S, " + config.inDim() + "], got "
                    + Arrays.toString(s));
        }
        if (mask != null && !Arrays.equals(Torch.shape(mask), new long[]{s[0], s[1]})) {
            throw new IllegalArgumentException("mask " + Torch.shapeString(mask) + " does not match hidden states "
                    + Arrays.toString(s));
        }
        try (NativeScope step = NativeScope.open()) {
            ScalarType dtype = params.dtype().scalarType();
            Tensor x = hidden.to(params.device(), dtype);
            x = WanOps.layerNormFp32(x, config.inDim(), norm0Weight, norm0Bias, config.eps()).to(dtype);
            x = fc2.forward(torch.gelu(fc1.forward(x)));
            x = WanOps.layerNormFp32(x, config.outDim(), norm4Weight, norm4Bias, config.eps()).to(dtype);
            if (mask != null) {
                x = x.mul(mask.to(params.device(), dtype).unsqueeze(-1));
            }
            long n = config.seqLen();
            if (s[1] >= n) {
                x = x.narrow(1, 0, n);
            } else {
                x = WanOps.cat(1, x, x.new_zeros(s[0], n - s[1], config.outDim()));
            }
            return step.keep(tokenMix.forward(x.transpose(1, 2)).transpose(1, 2).contiguous());
        }
    }

    /** The Wan text conditioning: the UMT5 prompt embeddings [B, L, D] followed by the projector tokens [B, 4, D]. */
    public static Tensor appendAfter(Tensor promptEmbeds, Tensor tokens) {
        return WanOps.cat(1, promptEmbeds, tokens.to(promptEmbeds.device(), promptEmbeds.scalar_type()));
    }

    @Override
    public void close() {
        params.close();
    }
}
