package ai.unison.nn;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;

/**
 * Rotary position embeddings as Qwen2 / Llama compute them ({@code rotate_half} convention):
 * {@code inv_freq = 1 / theta^(2i/d)}, divided by the factor for linear scaling;
 * {@code angle = position * inv_freq}, duplicated to the full head dim; {@code x * cos + rotate_half(x) * sin}.
 *
 * <p>Positions are {@code [B, T]} ids, or {@code [3, B, T]} (temporal, height, width) for M-RoPE: then
 * the head dim is split by {@code mropeSection} (twice over, for the duplicated halves) and chunk
 * {@code i} takes its angles from position row {@code i % 3}, as Qwen2.5-VL does. Either way
 * {@link #cosSin} yields {@code [B, T, headDim]} tables, so attention never sees which kind it was.
 */
public final class RotaryEmbedding implements AutoCloseable {
    /** cos and sin tables, {@code [B, T, headDim]}, in the compute dtype. */
    public record CosSin(Tensor cos, Tensor sin) {
    }

    private final long headDim;
    private final long[] mropeSection;
    private final Tensor invFreq;

    /**
     * @param linearFactor 1 for plain rope; positions are divided by it for linear scaling
     * @param mropeSection null, or the M-RoPE split of {@code headDim / 2}
     */
    public RotaryEmbedding(long headDim, double theta, double linearFactor, long[] mropeSection, Device device) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary head dim must be even, got " + headDim);
        }
        if (mropeSection != null && Arrays.stream(mropeSection).sum() * 2 != headDim) {
            throw new IllegalArgumentException("mrope_section " + Arrays.toString(mropeSection)
                    + " must sum to head dim / 2 = " + headDim / 2);
        }
        this.headDim = headDim;
        this.mropeSection = mropeSection == null ? null : mropeSection.clone();
        try (NativeScope scope = NativeScope.open()) {
            // 1 / theta^(arange(0, d, 2) / d), in float32 exactly as upstream
            Tensor exponents = torch.arange(Torch.scalar(0), Torch.scalar(headDim), Torch.scalar(2),
                    Torch.options(ScalarType.Long)).to(ScalarType.Float).div(Torch.scalar(headDim));
            Tensor inv = torch.pow(Torch.scalar(theta), exponents).reciprocal();
            if (linearFactor != 1.0) {
                inv = inv.div(Torch.scalar(linearFactor));
            }
            this.invFreq = NativeScope.own(inv.to(device, ScalarType.Float));
        }
    }

    public long headDim() {
        return headDim;
    }

    /** cos/sin for {@code positionIds} ({@code [B, T]}, or {@code [3, B, T]} with an M-RoPE section), cast to {@code dtype}. */
    public CosSin cosSin(Tensor positionIds, ScalarType dtype) {
        long dims = positionIds.dim();
        if (dims == 3 && mropeSection == null) {
            throw new IllegalArgumentException("3-D position ids " + Torch.shapeString(positionIds)
                    + " need an mrope_section");
        }
        if (dims != 2 && dims != 3) {
            throw new IllegalArgumentException("position ids must be [B, T] or [3, B, T], got "
                    + Torch.shapeString(positionIds));
        }
        Tensor pos = positionIds.to(invFreq.device(), ScalarType.Float).unsqueeze(-1);
        Tensor freqs = pos.mul(invFreq);                     // [..., T, d/2]
        Tensor emb = torch.cat(new TensorVector(freqs, freqs), -1);
        Tensor cos = emb.cos();
        Tensor sin = emb.sin();
        if (dims == 3) {
            cos = mropeSelect(cos);
            sin = mropeSelect(sin);
        }
        return new CosSin(cos.to(dtype), sin.to(dtype));
    }

    /** [3, B, T, d] → [B, T, d]: chunk i of the (doubled) section comes from position row i % 3. */
    private Tensor mropeSelect(Tensor t) {
        TensorVector parts = new TensorVector();
        long start = 0;
        for (int i = 0; i < mropeSection.length * 2; i++) {
            long len = mropeSection[i % mropeSection.length];
            parts.push_back(t.select(0, i % 3).narrow(-1, start, len));
            start += len;
        }
        return torch.cat(parts, -1);
    }

    /** Rotates {@code x} of shape {@code [B, T, heads, headDim]} by the tables (broadcast over heads). */
    public static Tensor apply(Tensor x, CosSin cs) {
        Tensor cos = cs.cos().unsqueeze(2);
        Tensor sin = cs.sin().unsqueeze(2);
        long half = x.size(-1) / 2;
        Tensor x1 = x.narrow(-1, 0, half);
        Tensor x2 = x.narrow(-1, half, half);
        Tensor rotated = torch.cat(new TensorVector(x2.neg(), x1), -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    @Override
    public void close() {
        invFreq.close();
    }
}
