package ai.unison.diffusion.wan;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** The few libtorch calls the Wan models share, spelled once. */
final class WanOps {
    private WanOps() {
    }

    /** {@code softmax(q k^T / sqrt(d)) v} over [B, heads, seq, d] (torch.scaled_dot_product_attention, no mask). */
    static Tensor sdpa(Tensor q, Tensor k, Tensor v) {
        return torch.scaled_dot_product_attention(q, k, v, new TensorOptional(), 0.0, false, new DoubleOptional(), false);
    }

    /** diffusers' FP32LayerNorm: layer norm over the last dim computed in float32, returned in float32. */
    static Tensor layerNormFp32(Tensor x, long dim, Tensor weight, Tensor bias, double eps) {
        return torch.layer_norm(x.to(ScalarType.Float), new long[]{dim},
                weight == null ? new TensorOptional() : new TensorOptional(weight),
                bias == null ? new TensorOptional() : new TensorOptional(bias), eps, false);
    }

    static Tensor conv3d(Tensor x, Tensor weight, Tensor bias, long[] stride) {
        return torch.conv3d(x, weight, new TensorOptional(bias), stride, new long[]{0, 0, 0}, new long[]{1, 1, 1}, 1);
    }

    static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, long stride, long padding) {
        return torch.conv2d(x, weight, new TensorOptional(bias), new long[]{stride, stride}, new long[]{padding, padding},
                new long[]{1, 1}, 1);
    }

    static Tensor cat(long dim, Tensor... parts) {
        return torch.cat(new TensorVector(parts), dim);
    }

    /** {@code x * (1 + scale) + shift}, the adaptive modulation of every Wan norm. */
    static Tensor modulate(Tensor x, Tensor shift, Tensor scale) {
        return x.mul(scale.add(Torch.scalar(1))).add(shift);
    }

    /**
     * Runs one stage of a forward in its own native scope: its temporaries are freed when it returns,
     * only its result survives (in the enclosing scope). Keeps peak memory at one stage's worth.
     */
    static Tensor scoped(Supplier<Tensor> stage) {
        try (NativeScope scope = NativeScope.open()) {
            return scope.keep(stage.get());
        }
    }

    /** {@code f(x)} as a {@link #scoped} stage, then frees {@code x}: x must be an intermediate no one else holds. */
    static Tensor consume(Tensor x, UnaryOperator<Tensor> f) {
        Tensor y = scoped(() -> f.apply(x));
        x.close();
        return y;
    }
}
