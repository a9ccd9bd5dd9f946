package ai.unison.nn;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** {@code y = x W^T + b} with upstream names {@code weight} [out, in] and optional {@code bias} [out]. */
public final class Linear {
    public final Tensor weight;
    public final Tensor bias;
    private final TensorOptional biasOpt;

    public Linear(Tensor weight, Tensor bias) {
        this.weight = weight;
        this.bias = bias;
        this.biasOpt = bias == null ? new TensorOptional() : new TensorOptional(bias);
    }

    /** Loads {@code name.weight} and, if {@code hasBias}, {@code name.bias}. */
    public static Linear load(Weights w, String name, long in, long out, boolean hasBias) {
        return new Linear(w.get(name + ".weight", out, in), hasBias ? w.get(name + ".bias", out) : null);
    }

    public Tensor forward(Tensor x) {
        long in = weight.size(1);
        if (x.numel() == in) {
            // one row (e.g. decoding one token): a matrix-vector product reads the weight once, where
            // the matrix-matrix path copies it into packed panels first (about three times slower)
            Tensor row = x.reshape(in);
            Tensor y = bias == null ? torch.mv(weight, row) : torch.addmv(bias, weight, row);
            long[] shape = x.sizes().vec().get();
            shape[shape.length - 1] = weight.size(0);
            return y.view(shape);
        }
        return torch.linear(x, weight, biasOpt);
    }
}
