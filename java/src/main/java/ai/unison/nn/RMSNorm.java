package ai.unison.nn;

import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * RMSNorm as Qwen2/Wan/T5 compute it: in float32, {@code x * rsqrt(mean(x^2) + eps)}, cast back to
 * the input dtype, then scaled by {@code weight}.
 */
public final class RMSNorm {
    public final Tensor weight;
    private final double eps;

    public RMSNorm(Tensor weight, double eps) {
        this.weight = weight;
        this.eps = eps;
    }

    public static RMSNorm load(Weights w, String name, long dim, double eps) {
        return new RMSNorm(w.get(name + ".weight", dim), eps);
    }

    public Tensor forward(Tensor x) {
        ScalarType in = x.scalar_type();
        Tensor h = x.to(ScalarType.Float);
        Tensor var = h.pow(Torch.scalar(2)).mean(new long[]{-1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        Tensor normed = h.mul(var.add(Torch.scalar(eps)).rsqrt()).to(in);
        return weight.mul(normed);
    }
}
