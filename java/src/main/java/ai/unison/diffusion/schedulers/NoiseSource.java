package ai.unison.diffusion.schedulers;

import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;

/**
 * Where a stochastic step (Euler-ancestral, DDIM with eta &gt; 0, stochastic flow matching) gets its
 * standard normal noise. {@link #of(Rng)} draws from a seeded generator; tests and conformance checks
 * inject recorded noise instead.
 */
@FunctionalInterface
public interface NoiseSource {
    /** N(0, 1) noise with the shape of {@code like}, on its device and in its dtype. */
    Tensor next(Tensor like);

    /** Noise from one seeded CPU generator: drawn in float32 on the CPU, then moved and cast. */
    static NoiseSource of(Rng rng) {
        return like -> rng.randn(Torch.shape(like)).to(like.device(), like.scalar_type());
    }

    /** The source of a deterministic step: asking it for noise is an error. */
    static NoiseSource none() {
        return like -> {
            throw new IllegalStateException("this step draws noise: pass a NoiseSource (e.g. NoiseSource.of(rng))");
        };
    }
}
