package ai.unison.vision;

import ai.unison.nn.Linear;
import ai.unison.nn.RMSNorm;
import ai.unison.nn.Weights;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.List;

/**
 * The Qwen2.5-VL vision tower ({@code visual.*}): 3-D patch embedding, blocks of RMSNorm → attention
 * with 2-D rotary embeddings (windowed, except the configured full-attention blocks, which attend
 * within each temporal frame) → RMSNorm → SwiGLU MLP, and the 2×2 patch merger into the language
 * model's width. Input is the processor's {@code pixel_values} [patches, C·T·P·P] in merge-window
 * order with {@code grid_thw} per image/video; output is one embedding per merged token, in input order.
 */
public final class Qwen2_5_VisionTransformer implements AutoCloseable {
    private final Qwen2_5_VisionConfig config;
    private final Tensor patchEmbed;
    private final List<Block> blocks = new ArrayList<>();
    private final RMSNorm lnQ;
    private final Linear mlp0;
    private final Linear mlp2;
    private final Tensor invFreq;

    private record Block(RMSNorm norm1, RMSNorm norm2, Linear qkv, Linear proj, Linear gate, Linear up,
                         Linear down) {
    }

    /** Loads {@code visual.*} from {@code w} (pass the root Weights; the prefix is added here). */
    public Qwen2_5_VisionTransformer(Qwen2_5_VisionConfig config, Weights root) {
        this.config = config;
        Weights w = root.prefix("visual.");
        int d = config.hiddenSize();
        int inter = config.intermediateSize();
        patchEmbed = w.get("patch_embed.proj.weight", d, config.channels(), config.temporalPatch(), config.patch(),
                config.patch()).reshape(d, config.patchElements());
        for (int i = 0; i < config.depth(); i++) {
            Weights b = w.prefix("blocks." + i + ".");
            blocks.add(new Block(RMSNorm.load(b, "norm1", d, 1e-6), RMSNorm.load(b, "norm2", d, 1e-6),
                    Linear.load(b, "attn.qkv", d, 3L * d, true), Linear.load(b, "attn.proj", d, d, true),
                    Linear.load(b, "mlp.gate_proj", d, inter, true), Linear.load(b, "mlp.up_proj", d, inter, true),
                    Linear.load(b, "mlp.down_proj", inter, d, true)));
        }
        int unit = config.merge() * config.merge();
        lnQ = RMSNorm.load(w, "merger.ln_q", d, 1e-6);
        mlp0 = Linear.load(w, "merger.mlp.0", (long) d * unit, (long) d * unit, true);
        mlp2 = Linear.load(w, "merger.mlp.2", (long) d * unit, config.outHiddenSize(), true);
        int rotDim = config.headDim() / 2;
        float[] f = new float[rotDim / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (1.0 / Math.pow(10000.0, (2.0 * i) / rotDim));
        }
        invFreq = NativeScope.own(Torch.fromFloats(f, f.length));
    }

    public Qwen2_5_VisionConfig config() {
        return config;
    }

    /**
     * Runs the tower. {@code gridThw} holds one (t, h, w) triple per image or video, in patches.
     * Returns [tokens, out_hidden_size] with tokens = Σ t·h·w / merge².
     */
    public Tensor forward(Tensor pixelValues, int[][] gridThw) {
        try (NativeScope step = NativeScope.open()) {
            VisionIndex idx = VisionIndex.of(config, gridThw);
            int unit = config.merge() * config.merge();
            long seq = idx.patches();
            Tensor x = torch.linear(pixelValues.to(patchEmbed.scalar_type()), patchEmbed);
            Tensor windowIndex = Torch.fromLongs(idx.windowIndex(), idx.windowIndex().length);
            x = x.reshape(seq / unit, unit, -1).index_select(0, windowIndex).reshape(seq, -1);
            Tensor rot = rotaryTable(idx).reshape(seq / unit, unit, -1).index_select(0, windowIndex).reshape(seq, -1);
            Tensor emb = torch.cat(new org.bytedeco.pytorch.TensorVector(rot, rot), -1);
            Tensor cos = emb.cos().unsqueeze(-2);
            Tensor sin = emb.sin().unsqueeze(-2);
            Tensor windowMask = VisionIndex.blockMask(idx.windowSeqlens(), seq);
            Tensor fullMask = VisionIndex.blockMask(idx.frameSeqlens(), seq);
            for (int i = 0; i < blocks.size(); i++) {
                Block b = blocks.get(i);
                Tensor mask = config.fullAttentionBlocks().contains(i) ? fullMask : windowMask;
                x = x.add(attention(b, b.norm1().forward(x), cos, sin, mask));
                Tensor h = b.norm2().forward(x);
                x = x.add(b.down().forward(torch.silu(b.gate().forward(h)).mul(b.up().forward(h))));
            }
            Tensor merged = mlp2.forward(torch.gelu(mlp0.forward(lnQ.forward(x).view(-1, (long) config.hiddenSize() * unit))));
            Tensor reverse = torch.argsort(windowIndex);
            return step.keep(merged.index_select(0, reverse));
        }
    }

    private Tensor attention(Block b, Tensor x, Tensor cos, Tensor sin, Tensor mask) {
        long seq = x.size(0);
        int heads = config.numHeads();
        Tensor qkv = b.qkv().forward(x).reshape(seq, 3, heads, -1).permute(1, 0, 2, 3);
        Tensor q = applyRotary(qkv.select(0, 0), cos, sin).transpose(0, 1);
        Tensor k = applyRotary(qkv.select(0, 1), cos, sin).transpose(0, 1);
        Tensor v = qkv.select(0, 2).transpose(0, 1);
        Tensor out = torch.scaled_dot_product_attention(q, k, v, new TensorOptional(mask), 0.0, false,
                new org.bytedeco.pytorch.DoubleOptional(), false);
        return b.proj().forward(out.transpose(0, 1).reshape(seq, -1));
    }

    /** {@code q·cos + rotate_half(q)·sin}, in float32 as upstream, cast back. */
    private static Tensor applyRotary(Tensor q, Tensor cos, Tensor sin) {
        ScalarType type = q.scalar_type();
        Tensor f = q.to(ScalarType.Float);
        long half = f.size(-1) / 2;
        Tensor rotated = torch.cat(new org.bytedeco.pytorch.TensorVector(f.narrow(-1, half, half).neg(),
                f.narrow(-1, 0, half)), -1);
        return f.mul(cos).add(rotated.mul(sin)).to(type);
    }

    /** Per-patch rotary angles [patches, headDim/2]: the (row, column) frequencies of each patch. */
    private Tensor rotaryTable(VisionIndex idx) {
        long[] hw = idx.rowColumn();
        int maxGrid = idx.maxGrid();
        Tensor pos = Torch.fromLongs(hw, hw.length / 2, 2);
        Tensor seq = torch.arange(Torch.scalar(maxGrid)).to(ScalarType.Float);
        Tensor freqs = torch.outer(seq, invFreq);
        return freqs.index_select(0, pos.reshape(-1)).reshape(hw.length / 2, -1);
    }

    /** Frees the tower's own tables; its weights belong to the {@link Weights} it was built from. */
    @Override
    public void close() {
        invFreq.close();
    }
}
