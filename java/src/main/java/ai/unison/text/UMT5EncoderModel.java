package ai.unison.text;

import ai.unison.io.Checkpoint;
import ai.unison.nn.Linear;
import ai.unison.nn.RMSNorm;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The UMT5 text encoder, transformers' {@code UMT5EncoderModel} with its parameter names (Wan2.1's text
 * encoder): token embeddings {@code shared}, then per block a pre-norm self-attention with no score
 * scaling and its own relative position bias (bidirectional buckets), and a pre-norm gated-GELU (tanh)
 * feed-forward; T5 RMS norms; a final norm. Padding is masked with an additive large negative bias.
 */
public final class UMT5EncoderModel implements AutoCloseable {
    private final UMT5Config config;
    private final Weights weights;
    private final Tensor embedding;
    private final List<Layer> layers = new ArrayList<>();
    private final RMSNorm finalNorm;

    /** An encoder over {@code w} with transformers names (a checkpoint's or trainable parameters); it owns them. */
    public UMT5EncoderModel(Weights w, UMT5Config config) {
        this.config = config;
        this.weights = w;
        long d = config.dModel();
        // save_pretrained drops the tied duplicate encoder.embed_tokens.weight; some exports keep only it
        String shared = !w.contains("shared.weight") && w.contains("encoder.embed_tokens.weight")
                ? "encoder.embed_tokens.weight" : "shared.weight";
        this.embedding = w.get(shared, config.vocabSize(), d);
        for (int i = 0; i < config.numLayers(); i++) {
            layers.add(new Layer(w.prefix("encoder.block." + i + ".layer."), config));
        }
        this.finalNorm = RMSNorm.load(w, "encoder.final_layer_norm", d, config.layerNormEpsilon());
    }

    /** Loads a transformers model folder ({@code config.json} + single or sharded safetensors). */
    public static UMT5EncoderModel load(Path dir, DType dtype, Device device) {
        return load(dir.resolve("config.json"), dir, dtype, device);
    }

    public static UMT5EncoderModel load(Path configFile, Path weightsPath, DType dtype, Device device) {
        UMT5Config config = UMT5Config.read(configFile);
        Weights w = Weights.of(Checkpoint.open(weightsPath), dtype, device);
        try {
            return new UMT5EncoderModel(w, config);
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    public UMT5Config config() {
        return config;
    }

    /**
     * The last hidden state [B, S, d_model].
     *
     * @param inputIds      token ids [B, S]
     * @param attentionMask 1 for tokens, 0 for padding [B, S]; null means all tokens
     */
    public Tensor forward(Tensor inputIds, Tensor attentionMask) {
        try (NativeScope step = NativeScope.open()) {
            List<Tensor> all = run(inputIds, attentionMask, false);
            return step.keep(all.get(all.size() - 1));
        }
    }

    /**
     * Upstream's {@code output_hidden_states}: the embeddings, the output of every block but the last,
     * and the final normed output (num_layers + 1 tensors).
     */
    public List<Tensor> hiddenStates(Tensor inputIds, Tensor attentionMask) {
        try (NativeScope step = NativeScope.open()) {
            List<Tensor> all = run(inputIds, attentionMask, true);
            all.forEach(step::keep);
            return all;
        }
    }

    /**
     * Prompt embeddings as the Wan pipelines take them: the last hidden state with every position at or
     * after a row's token count (the number of 1s in its mask) set to zero.
     */
    public Tensor promptEmbeds(Tensor inputIds, Tensor attentionMask) {
        try (NativeScope step = NativeScope.open()) {
            Tensor h = forward(inputIds, attentionMask);
            long seq = h.size(1);
            Tensor lengths = attentionMask.to(h.device(), ScalarType.Long).gt(Torch.scalar(0)).sum(new long[]{1}, true,
                    new ScalarTypeOptional(ScalarType.Long));
            Tensor positions = torch.arange(new Scalar(seq), Torch.options(ScalarType.Long)).to(h.device(), ScalarType.Long);
            Tensor keep = positions.unsqueeze(0).lt(lengths).unsqueeze(-1);
            return step.keep(torch.where(keep, h, torch.zeros_like(h)));
        }
    }

    private List<Tensor> run(Tensor inputIds, Tensor attentionMask, boolean all) {
        long[] s = Torch.shape(inputIds);
        if (s.length != 2) {
            throw new IllegalArgumentException("input_ids must be [B, S], got " + Arrays.toString(s));
        }
        if (attentionMask != null && !Arrays.equals(Torch.shape(attentionMask), s)) {
            throw new IllegalArgumentException("attention_mask " + Torch.shapeString(attentionMask)
                    + " does not match input_ids " + Arrays.toString(s));
        }
        Device device = weights.device();
        ScalarType dtype = weights.dtype().scalarType();
        Tensor h = torch.embedding(embedding, inputIds.to(device, ScalarType.Long));
        Tensor buckets = relativeBuckets(s[1], device);
        Tensor mask = null;
        if (attentionMask != null) {
            // upstream: (1 - mask) * finfo(dtype).min, broadcast over heads and queries
            mask = attentionMask.to(device, dtype).neg().add(Torch.scalar(1)).mul(Torch.scalar(finfoMin(dtype)))
                    .unsqueeze(1).unsqueeze(1);
        }
        List<Tensor> states = new ArrayList<>();
        if (all) {
            states.add(h);
        }
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).forward(h, buckets, mask);
            if (all && i < layers.size() - 1) {
                states.add(h);
            }
        }
        states.add(finalNorm.forward(h));
        return states;
    }

    private static double finfoMin(ScalarType dtype) {
        if (dtype.value == ScalarType.BFloat16.value) {
            return -3.3895313892515355e38;
        }
        return dtype.value == ScalarType.Half.value ? -65504.0 : -Float.MAX_VALUE;
    }

    /** T5 bidirectional relative-position buckets [S, S] for key position minus query position. */
    private Tensor relativeBuckets(long seq, Device device) {
        long half = config.relativeAttentionNumBuckets() / 2;
        long maxExact = half / 2;
        Tensor pos = torch.arange(new Scalar(seq), Torch.options(ScalarType.Long));
        Tensor rel = pos.unsqueeze(0).sub(pos.unsqueeze(1));
        Tensor buckets = rel.gt(Torch.scalar(0)).to(ScalarType.Long).mul(Torch.scalar(half));
        Tensor dist = rel.abs();
        Tensor large = dist.clamp_min(Torch.scalar(1)).to(ScalarType.Float).div(Torch.scalar(maxExact)).log()
                .div(Torch.scalar(Math.log((double) config.relativeAttentionMaxDistance() / maxExact)))
                .mul(Torch.scalar(half - maxExact)).to(ScalarType.Long).add(Torch.scalar(maxExact))
                .clamp_max(Torch.scalar(half - 1));
        return buckets.add(torch.where(dist.lt(Torch.scalar(maxExact)), dist, large)).to(device, ScalarType.Long);
    }

    @Override
    public void close() {
        weights.close();
    }

    /** One UMT5 block: pre-norm self-attention with its own relative bias, pre-norm gated-GELU FFN. */
    private static final class Layer {
        private final int heads;
        private final int dKv;
        private final RMSNorm attnNorm;
        private final Linear q;
        private final Linear k;
        private final Linear v;
        private final Linear o;
        private final Tensor relativeBias;
        private final RMSNorm ffNorm;
        private final Linear wi0;
        private final Linear wi1;
        private final Linear wo;

        Layer(Weights w, UMT5Config c) {
            this.heads = c.numHeads();
            this.dKv = c.dKv();
            long d = c.dModel();
            long inner = (long) heads * dKv;
            double eps = c.layerNormEpsilon();
            this.attnNorm = RMSNorm.load(w, "0.layer_norm", d, eps);
            this.q = Linear.load(w, "0.SelfAttention.q", d, inner, false);
            this.k = Linear.load(w, "0.SelfAttention.k", d, inner, false);
            this.v = Linear.load(w, "0.SelfAttention.v", d, inner, false);
            this.o = Linear.load(w, "0.SelfAttention.o", inner, d, false);
            this.relativeBias = w.get("0.SelfAttention.relative_attention_bias.weight", c.relativeAttentionNumBuckets(),
                    heads);
            this.ffNorm = RMSNorm.load(w, "1.layer_norm", d, eps);
            this.wi0 = Linear.load(w, "1.DenseReluDense.wi_0", d, c.dFf(), false);
            this.wi1 = Linear.load(w, "1.DenseReluDense.wi_1", d, c.dFf(), false);
            this.wo = Linear.load(w, "1.DenseReluDense.wo", c.dFf(), d, false);
        }

        Tensor forward(Tensor h, Tensor buckets, Tensor mask) {
            long b = h.size(0);
            long s = h.size(1);
            Tensor x = attnNorm.forward(h);
            Tensor qs = q.forward(x).view(b, s, heads, dKv).transpose(1, 2);
            Tensor ks = k.forward(x).view(b, s, heads, dKv).transpose(1, 2);
            Tensor vs = v.forward(x).view(b, s, heads, dKv).transpose(1, 2);
            Tensor scores = qs.matmul(ks.transpose(-1, -2));
            Tensor bias = torch.embedding(relativeBias, buckets).permute(2, 0, 1).unsqueeze(0);
            if (mask != null) {
                bias = bias.add(mask);
            }
            Tensor weights = scores.add(bias).to(ScalarType.Float).softmax(-1).to(scores.scalar_type());
            Tensor ctx = weights.matmul(vs).transpose(1, 2).reshape(b, s, (long) heads * dKv);
            h = h.add(o.forward(ctx));

            x = ffNorm.forward(h);
            Tensor gated = torch.gelu(wi0.forward(x), "tanh").mul(wi1.forward(x));
            return h.add(wo.forward(gated));
        }
    }
}
