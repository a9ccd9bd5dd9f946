package ai.unison.diffusion;

import ai.unison.diffusion.schedulers.NoiseSource;
import ai.unison.diffusion.schedulers.Scheduler;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;

/**
 * Seeded, reproducible Gaussian noise for a batch: sample {@code b} is drawn from its own CPU
 * generator seeded with {@code seeds[b]}, in float32, then moved and cast. The same seed therefore
 * gives the same latents on every run, on every device and at every batch position. The initial
 * latents come first from each generator; the noise of stochastic steps ({@link NoiseSource}) continues
 * the same streams, as a diffusers pipeline with one {@code torch.Generator} per sample does.
 */
public final class Noise implements NoiseSource, AutoCloseable {
    private final long[] seeds;
    private final Rng[] generators;

    private Noise(long[] seeds) {
        this.seeds = seeds.clone();
        this.generators = new Rng[seeds.length];
        for (int i = 0; i < seeds.length; i++) {
            generators[i] = new Rng(seeds[i]);
        }
    }

    /** One generator per batch element. */
    public static Noise seeded(long... seeds) {
        if (seeds.length == 0) {
            throw new IllegalArgumentException("at least one seed is needed");
        }
        return new Noise(seeds);
    }

    public int batch() {
        return seeds.length;
    }

    public long[] seeds() {
        return seeds.clone();
    }

    /** Standard normal float32 CPU noise {@code [batch, sampleShape...]}, the next draw of every generator. */
    public Tensor gaussian(long... sampleShape) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = generators.length;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        try (NativeScope scope = NativeScope.open()) {
            Tensor out = Torch.empty(ScalarType.Float, shape);
            // randn is normal_(0, 1) on a fresh tensor: filling each row in place draws the same numbers
            for (int i = 0; i < generators.length; i++) {
                out.select(0, i).normal_(0, 1, generators[i].optional());
            }
            return scope.keep(out);
        }
    }

    /**
     * Pure-noise initial latents for {@code scheduler}: {@code gaussian(sampleShape) * initNoiseSigma},
     * cast to {@code dtype} on {@code device}. Call after {@code setTimesteps} when the scheduler's
     * initial sigma depends on the schedule (Euler with leading spacing); the loop calls it again, which
     * gives the same schedule.
     */
    public Tensor initialLatents(Scheduler scheduler, long[] sampleShape, ScalarType dtype, Device device) {
        try (NativeScope scope = NativeScope.open()) {
            Tensor x = gaussian(sampleShape);
            double sigma = scheduler.initNoiseSigma();
            if (sigma != 1.0) {
                x = x.mul(Torch.scalar(sigma));
            }
            return scope.keep(x.to(device, dtype));
        }
    }

    /** The next step noise, shaped like {@code like} (whose batch must match the seeds). */
    @Override
    public Tensor next(Tensor like) {
        long[] shape = Torch.shape(like);
        if (shape.length == 0 || shape[0] != generators.length) {
            throw new IllegalArgumentException("noise for " + generators.length + " seeds asked for shape "
                    + Arrays.toString(shape));
        }
        try (NativeScope scope = NativeScope.open()) {
            Tensor x = gaussian(Arrays.copyOfRange(shape, 1, shape.length));
            return scope.keep(x.to(like.device(), like.scalar_type()));
        }
    }

    /** One generator per batch row, in batch order, when {@code like}'s batch matches the seeds. */
    @Override
    public Generator[] generators(Tensor like) {
        if (like.dim() == 0 || like.size(0) != generators.length) {
            return null;
        }
        Generator[] out = new Generator[generators.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = generators[i].generator();
        }
        return out;
    }

    @Override
    public void close() {
        for (Rng g : generators) {
            g.close();
        }
    }
}
