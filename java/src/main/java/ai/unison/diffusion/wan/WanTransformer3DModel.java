package ai.unison.diffusion.wan;

import ai.unison.io.Checkpoint;
import ai.unison.nn.Linear;
import ai.unison.nn.RMSNorm;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.Kernels;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The Wan2.1 diffusion transformer, diffusers' {@code WanTransformer3DModel} (v0.35) with its parameter
 * names: a Conv3d patch embedding, a sinusoidal time embedding projected to six modulation vectors per
 * block, a GELU-tanh text projection, blocks of (modulated self-attention with RMSNorm on q/k across
 * heads and 3-D rotary embeddings over frame/height/width; cross-attention to the text; modulated
 * GELU-tanh FFN), then a modulated final norm, a linear projection and unpatchify.
 *
 * <p>Compute runs in the loading dtype (float32 or bfloat16); as upstream, the time embedder, the
 * modulation tables and the norms stay in float32, and the residual stream is updated in float32 before
 * being cast back.
 */
public final class WanTransformer3DModel implements AutoCloseable {
    static final String CLASS_NAME = "WanTransformer3DModel";

    private final WanTransformerConfig config;
    private final Params params;
    private final long[] patch;
    private final Tensor patchWeight;
    private final Tensor patchBias;
    private final ConditionEmbedder condition;
    final List<Block> blocks;
    private final Tensor scaleShiftTable;
    private final Linear projOut;
    private final Rope rope;

    /**
     * A model over {@code weights} with diffusers names (a checkpoint's, or trainable parameters from
     * {@code ai.unison.train.Parameters}); the model owns and closes them.
     */
    public WanTransformer3DModel(Weights weights, WanTransformerConfig config) {
        this(config, Params.of(weights, UnaryOperator.identity()));
    }

    WanTransformer3DModel(WanTransformerConfig config, Params params) {
        this.config = config;
        this.params = params;
        int dim = config.innerDim();
        this.patch = config.patchSize().stream().mapToLong(Integer::longValue).toArray();
        this.patchWeight = params.get("patch_embedding.weight", dim, config.inChannels(), patch[0], patch[1], patch[2]);
        this.patchBias = params.get("patch_embedding.bias", dim);
        this.condition = new ConditionEmbedder(params.prefix("condition_embedder."), config);
        this.blocks = new ArrayList<>();
        for (int i = 0; i < config.numLayers(); i++) {
            blocks.add(new Block(params.prefix("blocks." + i + "."), config));
        }
        this.scaleShiftTable = params.getFloat32("scale_shift_table", 1, 2, dim);
        this.projOut = linear(params, "proj_out", dim, (long) config.outChannels() * patch[0] * patch[1] * patch[2]);
        this.rope = new Rope(config.attentionHeadDim(), config.ropeMaxSeqLen());
    }

    /** Loads a diffusers component folder ({@code config.json} + single or sharded safetensors). */
    public static WanTransformer3DModel load(Path dir, DType dtype, Device device) {
        return load(dir.resolve("config.json"), dir, dtype, device);
    }

    /**
     * Loads the config and the weights (a safetensors file or folder) with diffusers or original Wan
     * parameter names (see {@link WanKeyMap}).
     */
    public static WanTransformer3DModel load(Path configFile, Path weights, DType dtype, Device device) {
        WanTransformerConfig config = WanTransformerConfig.read(configFile);
        return build(weights, dtype, device, p -> new WanTransformer3DModel(config, p));
    }

    /** Opens a transformer checkpoint, reading original Wan names through {@link WanKeyMap} when it has them. */
    static <M> M build(Path weights, DType dtype, Device device, java.util.function.Function<Params, M> ctor) {
        Checkpoint checkpoint = Checkpoint.open(weights);
        return Params.build(checkpoint, dtype, device, WanKeyMap.forCheckpoint(checkpoint), ctor);
    }

    /** Every parameter (diffusers name → shape) a model of this config loads, in loading order. */
    public static Map<String, long[]> parameterShapes(WanTransformerConfig config) {
        try (Params recorder = Params.recorder()) {
            new WanTransformer3DModel(config, recorder).rope.close();
            return recorder.recorded();
        }
    }

    /**
     * Writes a randomly initialised model of this config as a diffusers component folder
     * ({@code config.json} + float32 safetensors shards) that {@link #load(Path, DType, Device)} reads.
     */
    public static void writeRandom(WanTransformerConfig config, Path dir, long seed) {
        RandomWeights.write(parameterShapes(config), dir, seed, config.toJson(CLASS_NAME));
    }

    public WanTransformerConfig config() {
        return config;
    }

    public DType dtype() {
        return params.dtype();
    }

    public Device device() {
        return params.device();
    }

    /**
     * One denoising prediction.
     *
     * @param hiddenStates        latents [B, in_channels, F, H, W]; F, H, W multiples of the patch size
     * @param timestep            [B] (or [1]) diffusion timesteps, any numeric dtype
     * @param encoderHiddenStates text embeddings [B, L, text_dim]
     * @return the prediction [B, out_channels, F, H, W] in the compute dtype, on the model's device
     */
    public Tensor forward(Tensor hiddenStates, Tensor timestep, Tensor encoderHiddenStates) {
        return forward(hiddenStates, timestep, encoderHiddenStates, null);
    }

    /** {@link #forward(Tensor, Tensor, Tensor)} reporting intermediates to {@code probe} (may be null). */
    public Tensor forward(Tensor hiddenStates, Tensor timestep, Tensor encoderHiddenStates, Probe probe) {
        try (NativeScope step = NativeScope.open()) {
            Prepared p = prepare(hiddenStates, timestep, encoderHiddenStates, probe);
            return step.keep(finish(runBlocks(p, probe, null), p));
        }
    }

    /**
     * The main blocks over the prepared tokens, each in its own native scope (only the hidden states
     * pass from block to block). {@code after}, if given, maps (block index, block output) to the next
     * block's input: the VACE hints are added there.
     */
    Tensor runBlocks(Prepared p, Probe probe, BiFunction<Integer, Tensor, Tensor> after) {
        Tensor h = p.tokens();
        for (int i = 0; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            int index = i;
            Tensor in = h;
            h = WanOps.scoped(() -> {
                Tensor out = block.forward(in, p.text(), p.timestepProj(), p.rope());
                report(probe, "blocks." + index, out);
                return after == null ? out : after.apply(index, out);
            });
            if (in != p.tokens()) {
                in.close();
            }
        }
        return h;
    }

    /** What the blocks need: patch tokens [B, S, D], temb [B, D], timestep projection [B, 6, D], text [B, L, D]. */
    record Prepared(Tensor tokens, Tensor temb, Tensor timestepProj, Tensor text, Tensor[] rope, long batch,
                    long frames, long height, long width) {
    }

    Prepared prepare(Tensor hiddenStates, Tensor timestep, Tensor encoderHiddenStates, Probe probe) {
        long[] s = Torch.shape(hiddenStates);
        if (s.length != 5 || s[1] != config.inChannels()) {
            throw new IllegalArgumentException("hidden_states must be [B, " + config.inChannels()
                    + ", F, H, W], got " + Arrays.toString(s));
        }
        for (int i = 0; i < 3; i++) {
            if (s[2 + i] % patch[i] != 0) {
                throw new IllegalArgumentException("hidden_states " + Arrays.toString(s)
                        + ": frames/height/width must be multiples of the patch size " + config.patchSize());
            }
        }
        long[] ts = Torch.shape(encoderHiddenStates);
        if (ts.length != 3 || ts[2] != config.textDim()) {
            throw new IllegalArgumentException("encoder_hidden_states must be [B, L, " + config.textDim() + "], got "
                    + Arrays.toString(ts));
        }
        ScalarType dtype = dtype().scalarType();
        long f = s[2] / patch[0];
        long h = s[3] / patch[1];
        long w = s[4] / patch[2];
        Tensor[] freqs = rope.freqs(f, h, w, device());
        report(probe, "rope.freqs_cos", freqs[0]);
        report(probe, "rope.freqs_sin", freqs[1]);

        Tensor x = WanOps.conv3d(hiddenStates.to(device(), dtype), patchWeight, patchBias, patch);
        report(probe, "patch_embedding", x);
        Tensor tokens = x.flatten(2, -1).transpose(1, 2);

        Tensor text = encoderHiddenStates.to(device(), dtype);
        Tensor temb = condition.timeEmbedding(timestep.to(device(), ScalarType.Float)).to(dtype);
        Tensor timestepProj = condition.timeProj.forward(torch.silu(temb));
        Tensor textEmb = condition.textEmbedding(text);
        report(probe, "condition_embedder.temb", temb);
        report(probe, "condition_embedder.timestep_proj", timestepProj);
        report(probe, "condition_embedder.encoder_hidden_states", textEmb);
        return new Prepared(tokens, temb, timestepProj.unflatten(1, 6, -1), textEmb, rope.halves(freqs), s[0], f, h, w);
    }

    /** Final modulated norm, projection and unpatchify: [B, S, D] → [B, out_channels, F, H, W]. */
    Tensor finish(Tensor h, Prepared p) {
        TensorVector mod = scaleShiftTable.add(p.temb().unsqueeze(1)).chunk(2, 1);
        Tensor normed = WanOps.modulate(WanOps.layerNormFp32(h, config.innerDim(), null, null, config.eps()),
                mod.get(0), mod.get(1)).to(h.scalar_type());
        Tensor out = projOut.forward(normed);
        return out.reshape(p.batch(), p.frames(), p.height(), p.width(), patch[0], patch[1], patch[2], -1)
                .permute(0, 7, 1, 4, 2, 5, 3, 6)
                .reshape(p.batch(), config.outChannels(), p.frames() * patch[0], p.height() * patch[1],
                        p.width() * patch[2]);
    }

    static void report(Probe probe, String name, Tensor value) {
        if (probe != null) {
            probe.capture(name, value);
        }
    }

    static Linear linear(Params p, String name, long in, long out) {
        return new Linear(p.get(name + ".weight", out, in), p.get(name + ".bias", out));
    }

    @Override
    public void close() {
        rope.close();
        params.close();
    }

    /** Timestep sinusoid → time embedding (float32 MLP), its six-way projection, and the text projection. */
    static final class ConditionEmbedder {
        private final int freqDim;
        private final Linear time1;
        private final Linear time2;
        final Linear timeProj;
        private final Linear text1;
        private final Linear text2;

        ConditionEmbedder(Params p, WanTransformerConfig c) {
            int dim = c.innerDim();
            this.freqDim = c.freqDim();
            this.time1 = new Linear(p.getFloat32("time_embedder.linear_1.weight", dim, freqDim),
                    p.getFloat32("time_embedder.linear_1.bias", dim));
            this.time2 = new Linear(p.getFloat32("time_embedder.linear_2.weight", dim, dim),
                    p.getFloat32("time_embedder.linear_2.bias", dim));
            this.timeProj = linear(p, "time_proj", dim, 6L * dim);
            this.text1 = linear(p, "text_embedder.linear_1", c.textDim(), dim);
            this.text2 = linear(p, "text_embedder.linear_2", dim, dim);
        }

        /** diffusers Timesteps(flip_sin_to_cos=True, shift 0) then TimestepEmbedding, in float32: [B] → [B, D]. */
        Tensor timeEmbedding(Tensor timestep) {
            int half = freqDim / 2;
            Tensor exponent = torch.arange(new Scalar(0), new Scalar(half), Torch.options(ScalarType.Float))
                    .to(timestep.device(), ScalarType.Float).mul(Torch.scalar(-Math.log(10000))).div(Torch.scalar(half));
            Tensor args = timestep.reshape(-1, 1).mul(exponent.exp().unsqueeze(0));
            Tensor sinusoid = WanOps.cat(-1, args.cos(), args.sin());
            return time2.forward(torch.silu(time1.forward(sinusoid)));
        }

        Tensor textEmbedding(Tensor text) {
            return text2.forward(torch.gelu(text1.forward(text), "tanh"));
        }
    }

    /**
     * One block (diffusers WanTransformerBlock): modulated self-attention, cross-attention behind an
     * optional affine norm, modulated FFN; shift/scale/gate come from {@code scale_shift_table + temb}.
     */
    static final class Block {
        private final int dim;
        private final double eps;
        private final Attention attn1;
        private final Attention attn2;
        private final Tensor norm2Weight;
        private final Tensor norm2Bias;
        private final Linear ffnIn;
        private final Linear ffnOut;
        private final Tensor scaleShiftTable;

        Block(Params p, WanTransformerConfig c) {
            this.dim = c.innerDim();
            this.eps = c.eps();
            this.attn1 = new Attention(p.prefix("attn1."), dim, c.numAttentionHeads(), eps);
            this.attn2 = new Attention(p.prefix("attn2."), dim, c.numAttentionHeads(), eps);
            this.norm2Weight = c.crossAttnNorm() ? p.getFloat32("norm2.weight", dim) : null;
            this.norm2Bias = c.crossAttnNorm() ? p.getFloat32("norm2.bias", dim) : null;
            this.ffnIn = linear(p, "ffn.net.0.proj", dim, c.ffnDim());
            this.ffnOut = linear(p, "ffn.net.2", c.ffnDim(), dim);
            this.scaleShiftTable = p.getFloat32("scale_shift_table", 1, 6, dim);
        }

        /** h [B, S, D], text [B, L, D], timestepProj [B, 6, D], rope halves (cos, sin) [1, S, 1, head_dim/2]. */
        Tensor forward(Tensor h, Tensor text, Tensor timestepProj, Tensor[] rope) {
            ScalarType dtype = h.scalar_type();
            TensorVector m = scaleShiftTable.add(timestepProj.to(ScalarType.Float)).chunk(6, 1);
            Tensor shift = m.get(0);
            Tensor scale = m.get(1);
            Tensor gate = m.get(2);
            Tensor cShift = m.get(3);
            Tensor cScale = m.get(4);
            Tensor cGate = m.get(5);

            // norm1(h.float()) * (1 + scale) + shift, h + attn * gate, ... in float32 as upstream, rounded once to
            // the model dtype: one fused kernel each on CUDA, the same libtorch formula elsewhere (Kernels)
            Tensor normed = Kernels.layerNormModulate(h, shift, scale, eps);
            h = Kernels.gatedResidual(h, attn1.forward(normed, null, rope), gate);

            normed = norm2Weight == null ? h : WanOps.layerNormFp32(h, dim, norm2Weight, norm2Bias, eps).to(dtype);
            h = h.add(attn2.forward(normed, text, null));

            normed = Kernels.layerNormModulate(h, cShift, cScale, eps);
            Tensor ff = ffnOut.forward(Kernels.geluTanh(ffnIn.forward(normed)));
            return Kernels.gatedResidual(h, ff, cGate);
        }
    }

    /** WanAttention: q/k/v projections, RMSNorm on q and k over all heads, optional rope, SDPA, output projection. */
    static final class Attention {
        private final int heads;
        private final Linear toQ;
        private final Linear toK;
        private final Linear toV;
        private final Linear toOut;
        private final RMSNorm normQ;
        private final RMSNorm normK;

        Attention(Params p, int dim, int heads, double eps) {
            this.heads = heads;
            this.toQ = linear(p, "to_q", dim, dim);
            this.toK = linear(p, "to_k", dim, dim);
            this.toV = linear(p, "to_v", dim, dim);
            this.toOut = linear(p, "to_out.0", dim, dim);
            this.normQ = new RMSNorm(p.get("norm_q.weight", dim), eps);
            this.normK = new RMSNorm(p.get("norm_k.weight", dim), eps);
        }

        /** Self-attention when {@code context} is null (then with {@code rope}), else cross-attention to it. */
        Tensor forward(Tensor x, Tensor context, Tensor[] rope) {
            Tensor kv = context == null ? x : context;
            Tensor q = normQ.forward(toQ.forward(x)).unflatten(2, heads, -1);
            Tensor k = normK.forward(toK.forward(kv)).unflatten(2, heads, -1);
            Tensor v = toV.forward(kv).unflatten(2, heads, -1);
            if (rope != null) {
                q = Kernels.rotaryInterleaved(q, rope[0], rope[1]);
                k = Kernels.rotaryInterleaved(k, rope[0], rope[1]);
            }
            Tensor out = WanOps.sdpa(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2));
            return toOut.forward(out.transpose(1, 2).flatten(2, 3).to(q.scalar_type()));
        }
    }

    /**
     * The 3-D rotary embedding (WanRotaryPosEmbed): per-axis 1-D tables for frames, rows and columns
     * built as upstream (float64, rounded to float32), split by [d - 2(d/3), d/3, d/3] and broadcast over
     * the f × h × w patch grid. Rotation acts on interleaved (even, odd) pairs of each head.
     */
    static final class Rope implements AutoCloseable {
        private final int headDim;
        private final long maxSeqLen;
        private final Tensor cos;
        private final Tensor sin;

        Rope(int headDim, int maxSeqLen) {
            this.headDim = headDim;
            this.maxSeqLen = maxSeqLen;
            int hw = 2 * (headDim / 6);
            int[] dims = {headDim - 2 * hw, hw, hw};
            try (NativeScope scope = NativeScope.open()) {
                Tensor[] c = new Tensor[3];
                Tensor[] s = new Tensor[3];
                Tensor pos = torch.arange(new Scalar(maxSeqLen), Torch.options(ScalarType.Double));
                for (int i = 0; i < 3; i++) {
                    Tensor ar = torch.arange(new Scalar(0), new Scalar(dims[i]), new Scalar(2),
                            Torch.options(ScalarType.Double)).narrow(0, 0, dims[i] / 2).div(Torch.scalar(dims[i]));
                    Tensor inv = torch.pow(new Scalar(10000.0), ar).reciprocal();
                    Tensor angles = torch.outer(pos, inv);
                    c[i] = angles.cos().repeat_interleave(2, new org.bytedeco.pytorch.LongOptional(1),
                            new org.bytedeco.pytorch.LongOptional()).to(ScalarType.Float);
                    s[i] = angles.sin().repeat_interleave(2, new org.bytedeco.pytorch.LongOptional(1),
                            new org.bytedeco.pytorch.LongOptional()).to(ScalarType.Float);
                }
                this.cos = NativeScope.own(WanOps.cat(1, c));
                this.sin = NativeScope.own(WanOps.cat(1, s));
            }
        }

        /** cos and sin tables [1, f*h*w, 1, head_dim] in float32 (the fixtures' rope.freqs_cos/sin). */
        Tensor[] freqs(long f, long h, long w, Device device) {
            if (f > maxSeqLen || h > maxSeqLen || w > maxSeqLen) {
                throw new IllegalArgumentException("patch grid " + f + "x" + h + "x" + w
                        + " exceeds rope_max_seq_len " + maxSeqLen);
            }
            long[] split = {headDim - 2L * (headDim / 3), headDim / 3, headDim / 3};
            return new Tensor[]{grid(cos, split, f, h, w).to(device, ScalarType.Float),
                    grid(sin, split, f, h, w).to(device, ScalarType.Float)};
        }

        private static Tensor grid(Tensor table, long[] split, long f, long h, long w) {
            TensorVector parts = table.split(split, 1);
            Tensor tf = parts.get(0).narrow(0, 0, f).reshape(f, 1, 1, -1).expand(f, h, w, -1);
            Tensor th = parts.get(1).narrow(0, 0, h).reshape(1, h, 1, -1).expand(f, h, w, -1);
            Tensor tw = parts.get(2).narrow(0, 0, w).reshape(1, 1, w, -1).expand(f, h, w, -1);
            return WanOps.cat(-1, tf, th, tw).reshape(1, f * h * w, 1, -1);
        }

        /** cos at even and sin at odd positions: the per-pair values the rotation uses. */
        Tensor[] halves(Tensor[] freqs) {
            long d = headDim;
            return new Tensor[]{freqs[0].slice(3, new org.bytedeco.pytorch.LongOptional(0),
                    new org.bytedeco.pytorch.LongOptional(d), 2),
                    freqs[1].slice(3, new org.bytedeco.pytorch.LongOptional(1),
                            new org.bytedeco.pytorch.LongOptional(d), 2)};
        }

        @Override
        public void close() {
            cos.close();
            sin.close();
        }
    }
}
