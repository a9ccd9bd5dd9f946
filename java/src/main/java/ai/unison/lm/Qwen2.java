package ai.unison.lm;

import ai.unison.io.Checkpoint;
import ai.unison.nn.Attention;
import ai.unison.nn.Linear;
import ai.unison.nn.RMSNorm;
import ai.unison.nn.RotaryEmbedding;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Qwen2 / Qwen2.5 causal language model ({@code Qwen2ForCausalLM}), read top to bottom:
 * attention → MLP → decoder layer → model → LM head. The config is {@link Qwen2Config}; parameter
 * names are upstream's ({@code model.layers.N.self_attn.q_proj}, ...).
 *
 * <p>Building blocks for other decoders (Qwen2.5-VL, the planner): {@link #embed} (token embeddings),
 * {@link #forward} (from input embeddings and explicit position ids, with or without a {@link KVCache},
 * returning the last hidden states after {@code model.norm}) and {@link #logits} (the LM head).
 */
public final class Qwen2 implements CausalLM {

    // ---- attention: grouped-query attention with biases on q/k/v (not on o) and rotary positions

    static Attention attention(Weights w, Qwen2Config c) {
        return Attention.load(w, "self_attn", c.hiddenSize(), c.numAttentionHeads(), c.kvHeads(), c.headSize(),
                c.qkvBias(), false);
    }

    // ---- MLP: SwiGLU, down(silu(gate(x)) * up(x))

    static final class Mlp {
        final Linear gateProj;
        final Linear upProj;
        final Linear downProj;

        Mlp(Weights w, Qwen2Config c) {
            gateProj = Linear.load(w, "mlp.gate_proj", c.hiddenSize(), c.intermediateSize(), false);
            upProj = Linear.load(w, "mlp.up_proj", c.hiddenSize(), c.intermediateSize(), false);
            downProj = Linear.load(w, "mlp.down_proj", c.intermediateSize(), c.hiddenSize(), false);
        }

        Tensor forward(Tensor x) {
            return downProj.forward(torch.silu(gateProj.forward(x)).mul(upProj.forward(x)));
        }
    }

    // ---- decoder layer: pre-norm attention and MLP, each with a residual

    static final class DecoderLayer {
        final RMSNorm inputLayernorm;
        final Attention selfAttn;
        final RMSNorm postAttentionLayernorm;
        final Mlp mlp;

        DecoderLayer(Weights w, Qwen2Config c) {
            inputLayernorm = RMSNorm.load(w, "input_layernorm", c.hiddenSize(), c.normEps());
            selfAttn = attention(w, c);
            postAttentionLayernorm = RMSNorm.load(w, "post_attention_layernorm", c.hiddenSize(), c.normEps());
            mlp = new Mlp(w, c);
        }

        Tensor forward(Tensor h, RotaryEmbedding.CosSin rope, Attention.Mask mask, Attention.KeyValues cache) {
            Tensor r = h.add(selfAttn.forward(inputLayernorm.forward(h), rope, mask, cache));
            return r.add(mlp.forward(postAttentionLayernorm.forward(r)));
        }
    }

    // ---- model: embeddings, layers, final norm; LM head (tied to the embeddings or not)

    private final Qwen2Config config;
    private final DType dtype;
    private final Device device;
    private final Weights weights;
    private final Tensor embedTokens;
    private final List<DecoderLayer> layers;
    private final RMSNorm norm;
    private final RotaryEmbedding rotary;
    private final Linear lmHead;

    /**
     * Builds the model over {@code weights} (a checkpoint, or trainable parameters), which it then owns
     * and closes.
     */
    public Qwen2(Weights weights, Qwen2Config config) {
        this.config = config;
        this.weights = weights;
        this.dtype = weights.dtype();
        this.device = weights.device();
        Weights model = weights.prefix("model.");
        embedTokens = model.get("embed_tokens.weight", config.vocabSize(), config.hiddenSize());
        layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(new DecoderLayer(model.prefix("layers." + i + "."), config));
        }
        norm = RMSNorm.load(model, "norm", config.hiddenSize(), config.normEps());
        rotary = new RotaryEmbedding(config.headSize(), config.theta(), config.ropeFactor(), config.mropeSection(),
                device);
        lmHead = config.tied() ? new Linear(embedTokens, null)
                : Linear.load(weights, "lm_head", config.hiddenSize(), config.vocabSize(), false);
    }

    /** Loads {@code config.json} and the safetensors weights of a model folder. */
    public static Qwen2 load(Path dir, DType dtype, Device device) {
        Qwen2Config config = Qwen2Config.read(dir);
        Path weightsAt = Files.isDirectory(dir) ? dir : dir.getParent();
        return load(config, Checkpoint.open(weightsAt), dtype, device);
    }

    /** Builds the model over an open checkpoint, which it then owns and closes. */
    public static Qwen2 load(Qwen2Config config, Checkpoint checkpoint, DType dtype, Device device) {
        Weights w = Weights.of(checkpoint, dtype, device);
        try {
            return new Qwen2(w, config);
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    public Qwen2Config config() {
        return config;
    }

    public DType dtype() {
        return dtype;
    }

    public Device device() {
        return device;
    }

    public RotaryEmbedding rotary() {
        return rotary;
    }

    @Override
    public int vocabSize() {
        return config.vocabSize();
    }

    @Override
    public int maxPositions() {
        return config.maxPositions();
    }

    /** Token embeddings {@code [B, T, hidden]} of ids {@code [B, T]}; ids outside the vocabulary are an error. */
    public Tensor embed(Tensor inputIds) {
        long min = inputIds.min().item_long();
        long max = inputIds.max().item_long();
        if (min < 0 || max >= config.vocabSize()) {
            throw new IllegalArgumentException("token id " + (min < 0 ? min : max) + " is outside the vocabulary [0, "
                    + config.vocabSize() + ")");
        }
        return torch.embedding(embedTokens, inputIds.to(device, ScalarType.Long));
    }

    /**
     * The decoder from input embeddings {@code [B, T, hidden]} to the last hidden states after
     * {@code model.norm}, {@code [B, T, hidden]}.
     *
     * @param positionIds {@code [B, T]}, or {@code [3, B, T]} for M-RoPE configs
     * @param mask        which keys each query sees ({@link Attention.Mask#padded} for a padded batch)
     * @param cache       null to attend within this call only; else a step of a {@link KVCache}
     * @param hiddenStates if not null, receives each layer's input (index 0 = embeddings) and finally the
     *                     normed output, as upstream's {@code output_hidden_states}
     */
    public Tensor forward(Tensor inputsEmbeds, Tensor positionIds, Attention.Mask mask, KVCache.Step cache,
                          List<Tensor> hiddenStates) {
        RotaryEmbedding.CosSin rope = rotary.cosSin(positionIds, dtype.scalarType());
        Tensor h = inputsEmbeds;
        for (int i = 0; i < layers.size(); i++) {
            if (hiddenStates != null) {
                hiddenStates.add(h);
            }
            h = layers.get(i).forward(h, rope, mask, cache == null ? null : cache.layer(i));
        }
        h = norm.forward(h);
        if (hiddenStates != null) {
            hiddenStates.add(h);
        }
        return h;
    }

    @Override
    public Tensor lastHiddenStates(long[] ids) {
        try (ai.unison.runtime.NativeScope step = ai.unison.runtime.NativeScope.open()) {
            Tensor input = Torch.fromLongs(ids, 1, ids.length).to(device, ScalarType.Long);
            Tensor pos = torch.arange(Torch.scalar(ids.length), Torch.options(ScalarType.Long)).unsqueeze(0).to(device, ScalarType.Long);
            if (config.mropeSection() != null) {
                pos = pos.unsqueeze(0).expand(3, 1, ids.length);
            }
            return step.keep(forward(embed(input), pos, Attention.Mask.CAUSAL, null, null));
        }
    }

    @Override
    public int hiddenSize() {
        return config.hiddenSize();
    }

    /** The LM head: float32 logits {@code [..., vocab]} of hidden states {@code [..., hidden]}. */
    public Tensor logits(Tensor hidden) {
        return lmHead.forward(hidden).to(ScalarType.Float);
    }

    /**
     * Logits {@code [B, T, vocab]} (float32) of a whole batch without a cache: {@code attentionMask} [B, T]
     * (1 real, 0 padding, or null for none) and {@code positionIds} [B, T] (null: 0..T-1 per row).
     */
    public Tensor forwardLogits(Tensor inputIds, Tensor attentionMask, Tensor positionIds) {
        long t = inputIds.size(1);
        Tensor pos = positionIds != null ? positionIds
                : torch.arange(Torch.scalar(t), Torch.options(ScalarType.Long)).unsqueeze(0).expand(inputIds.size(0), t);
        Attention.Mask mask = attentionMask == null ? Attention.Mask.CAUSAL
                : Attention.Mask.padded(attentionMask.to(device, ScalarType.Long));
        return logits(forward(embed(inputIds), pos, mask, null, null));
    }

    /**
     * Upstream's causal-LM loss: mean cross-entropy of the logits at position t ({@code [B, T, vocab]})
     * against the label at t + 1 ({@code labels} [B, T]); labels of -100 are ignored.
     */
    public static Tensor causalLmLoss(Tensor logits, Tensor labels) {
        long t = logits.size(1);
        Tensor predicted = logits.narrow(1, 0, t - 1).reshape(-1, logits.size(2)).to(ScalarType.Float);
        Tensor targets = labels.narrow(1, 1, t - 1).reshape(-1).to(logits.device(), ScalarType.Long);
        return torch.cross_entropy_loss(predicted, targets, new TensorOptional(), 1 /* mean */, -100, 0.0);
    }

    @Override
    public KVCache newCache(int slots, int maxLength) {
        return new KVCache(layers.size(), slots, maxLength, config.kvHeads(), config.headSize(), dtype.scalarType(),
                device);
    }

    @Override
    public Tensor stepLogits(Tensor inputIds, KVCache.Step step) {
        Tensor hidden = forward(embed(inputIds), step.positions(), step.mask(), step, null).view(-1, config.hiddenSize());
        Tensor last = step.tokens() == step.batch() ? hidden : hidden.index_select(0, step.lastTokenIndex());
        return logits(last).cpu();
    }

    @Override
    public void close() {
        rotary.close();
        weights.close();
    }
}
