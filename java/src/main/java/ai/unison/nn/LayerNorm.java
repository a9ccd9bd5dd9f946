package ai.unison.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** LayerNorm over the last dimension, with optional affine {@code weight}/{@code bias}. */
public final class LayerNorm {
    public final Tensor weight;
    public final Tensor bias;
    private final long dim;
    private final double eps;

    public LayerNorm(Tensor weight, Tensor bias, long dim, double eps) {
        this.weight = weight;
        this.bias = bias;
        this.dim = dim;
        this.eps = eps;
    }

    public static LayerNorm load(Weights w, String name, long dim, double eps, boolean affine) {
        return affine ? new LayerNorm(w.get(name + ".weight", dim), w.get(name + ".bias", dim), dim, eps)
                : new LayerNorm(null, null, dim, eps);
    }

    public Tensor forward(Tensor x) {
        return torch.layer_norm(x, new long[]{dim},
                weight == null ? new TensorOptional() : new TensorOptional(weight),
                bias == null ? new TensorOptional() : new TensorOptional(bias), eps, false);
    }
}
