package ai.unison.train;

import ai.unison.runtime.NativeScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Clipping by the global L2 norm of all gradients, as PyTorch's {@code clip_grad_norm_}. */
public final class GradClip {
    private GradClip() {
    }

    /** The global L2 norm of the trainable parameters' gradients (0 if none has a gradient). */
    public static double norm(Parameters parameters) {
        double sumSq = 0;
        try (NativeScope scope = NativeScope.open(); NoGradGuard noGrad = new NoGradGuard()) {
            for (Tensor p : parameters.trainable().values()) {
                Tensor g = p.grad();
                if (g.defined()) {
                    double n = torch.linalg_vector_norm(g).item().toDouble();
                    sumSq += n * n;
                }
            }
        }
        return Math.sqrt(sumSq);
    }

    /**
     * Scales all gradients by {@code maxNorm / (norm + 1e-6)} when their global norm exceeds
     * {@code maxNorm} ({@code maxNorm <= 0} only measures). Returns the norm before clipping.
     */
    public static double clip(Parameters parameters, double maxNorm) {
        double total = norm(parameters);
        if (maxNorm > 0 && total > maxNorm) {
            try (NativeScope scope = NativeScope.open(); NoGradGuard noGrad = new NoGradGuard()) {
                Scalar coef = new Scalar(maxNorm / (total + 1e-6));
                for (Tensor p : parameters.trainable().values()) {
                    Tensor g = p.grad();
                    if (g.defined()) {
                        g.mul_(coef);
                    }
                }
            }
        }
        return total;
    }
}
