package ai.unison.diffusion.schedulers;

import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Generator;
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

    /**
     * The CPU generators behind {@code next(like)} when that noise is exactly their next {@code torch.randn}
     * draws in float32, generator r filling the r-th of equally many rows of {@code like} (one per batch sample,
     * or one for the whole tensor); {@code null} (the default) when the noise comes from elsewhere or
     * {@code next(like)} would refuse {@code like}. A step may then draw the noise inside a fused CPU kernel
     * instead of calling {@link #next}; the generators advance the same.
     */
    default Generator[] generators(Tensor like) {
        return null;
    }

    /** Noise from one seeded CPU generator: drawn in float32 on the CPU, then moved and cast. */
    static NoiseSource of(Rng rng) {
        return new NoiseSource() {
            @Override
            public Tensor next(Tensor like) {
                return rng.randn(Torch.shape(like)).to(like.device(), like.scalar_type());
            }

            @Override
            public Generator[] generators(Tensor like) {
                return new Generator[] {rng.generator()};
            }
        };
    }

    /** The source of a deterministic step: asking it for noise is an error. */
    static NoiseSource none() {
        return like -> {
            throw new IllegalStateException("this step draws noise: pass a NoiseSource (e.g. NoiseSource.of(rng))");
        };
    }
}
