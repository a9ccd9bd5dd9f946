package ai.unison.runtime;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A seeded libtorch CPU generator. Noise is always drawn on the CPU in float32 and then moved, so
 * the same seed gives the same numbers on every device and in every batch position.
 */
public final class Rng implements AutoCloseable {
    private final long seed;
    private final Generator generator;

    public Rng(long seed) {
        Torch.load();
        this.seed = seed;
        this.generator = torch.createCPUGenerator(seed);
    }

    public long seed() {
        return seed;
    }

    public Generator generator() {
        return generator;
    }

    public GeneratorOptional optional() {
        return new GeneratorOptional(generator);
    }

    /** Standard normal float32 CPU noise of the given shape. */
    public Tensor randn(long... shape) {
        return torch.randn(shape, optional(), Torch.options(torch.ScalarType.Float));
    }

    /** Uniform [0,1) float32 CPU values of the given shape. */
    public Tensor rand(long... shape) {
        return torch.rand(shape, optional(), Torch.options(torch.ScalarType.Float));
    }

    @Override
    public void close() {
        generator.close();
    }
}
