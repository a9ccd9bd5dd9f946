package ai.unison.bench.diffusion;

import ai.unison.diffusion.Noise;
import ai.unison.diffusion.schedulers.NoiseSource;
import ai.unison.diffusion.schedulers.Scheduler;
import ai.unison.diffusion.schedulers.Schedulers;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Threads;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The per-step overhead of each scheduler ({@code scaleModelInput} + {@code step}, in steady state with
 * a full multistep history) on Wan-sized float32 latents, next to the cost of one elementwise pass over
 * the same latents in the same run: {@code torch.add(sample, modelOutput, alpha)}, which reads two
 * latent-sized tensors and writes a new one, as a flow-matching Euler step does. Schedulers run a
 * 1000-step schedule and restart when it ends; every one has its upstream default configuration except
 * Wan's UniPC (flow, shift 5), flow-matching Euler with shift 5, and DDIM without clipping (as latent
 * diffusion configures it). {@code euler-ancestral} takes recorded noise, {@code euler-ancestral-rng}
 * draws it from a seeded generator.
 *
 * <p>libtorch runs with one intra-op thread by default here: on a shared two-core machine a two-thread
 * OpenMP region waits a whole scheduling quantum (~20 ms) whenever another process holds the second
 * core, which swamps microsecond-scale passes. Pass {@code -p threads=2} to measure with two.
 *
 * <p>{@code cache=hot} (the default) repeats step and pass back to back, so whatever fits the core's L2
 * stays there: one frame's pass (three 400 KB tensors) does, a multistep step (five to six) does not.
 * {@code cache=cold} sweeps a buffer four times the L2 size before every invocation, as the model's
 * forward pass does between two steps of a real denoising loop, so both read their tensors from the
 * shared cache or memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SchedulerStepBenchmark {
    private static final int STEPS = 1000;

    @Param({"unipc-flow", "flow-euler", "ddim", "euler", "euler-ancestral", "euler-ancestral-rng", "dpm++2m"})
    public String scheduler;

    @Param({"1"})
    public int threads;

    /** Wan latents: one 480x832 frame, and 81 frames. */
    @Param({"16x60x104", "16x21x60x104"})
    public String shape;

    /** {@code hot}: back to back; {@code cold}: the core's L2 swept before each invocation. */
    @Param({"hot"})
    public String cache;

    /** Four times this machine's 2 MB per-core L2: sweeping it evicts the latents from L2. */
    private static final int SWEEP_FLOATS = 4 * 2 * 1024 * 1024 / Float.BYTES;

    private float[] sweep;
    private Scheduler s;
    private NoiseSource noise;
    private Noise generators;
    private Tensor sample;
    private Tensor modelOutput;
    private Tensor stepNoise;
    private Scalar alpha;
    private double[] timesteps;
    private int index;

    @Setup(Level.Trial)
    public void setUp() {
        Torch.load(); // first, so that it sets the OpenMP wait policy before libtorch loads
        Threads.set(threads);
        s = switch (scheduler) {
            case "unipc-flow" -> Schedulers.wanUniPC(5.0);
            case "flow-euler" -> Schedulers.create("flow-euler", Map.of("shift", 5.0));
            case "ddim" -> Schedulers.create("ddim", Map.of("clip_sample", false));
            case "euler-ancestral-rng" -> Schedulers.create("euler-ancestral", Map.of());
            default -> Schedulers.create(scheduler, Map.of());
        };
        long[] dims = Arrays.stream(shape.split("x")).mapToLong(Long::parseLong).toArray();
        long[] batched = new long[dims.length + 1];
        batched[0] = 1;
        System.arraycopy(dims, 0, batched, 1, dims.length);
        try (Rng rng = new Rng(0)) {
            sample = rng.randn(batched);
            modelOutput = rng.randn(batched);
            stepNoise = rng.randn(batched);
        }
        alpha = new Scalar(-0.01);
        if (scheduler.equals("euler-ancestral-rng")) {
            generators = Noise.seeded(1);
            noise = generators;
        } else {
            noise = like -> stepNoise;
        }
        if (!cache.equals("hot") && !cache.equals("cold")) {
            throw new IllegalArgumentException("cache must be hot or cold, got " + cache);
        }
        sweep = cache.equals("cold") ? new float[SWEEP_FLOATS] : null;
        restart();
    }

    /** With {@code cache=cold}: writes one float per cache line of a buffer larger than L2. */
    @Setup(Level.Invocation)
    public void evict() {
        if (sweep != null) {
            for (int i = 0; i < sweep.length; i += 16) {
                sweep[i] += 1f;
            }
        }
    }

    private void restart() {
        s.setTimesteps(STEPS);
        timesteps = s.timesteps();
        index = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        s.close();
        if (generators != null) {
            generators.close();
        }
        sample.close();
        modelOutput.close();
        stepNoise.close();
        alpha.close();
    }

    /** One scheduler step: scale the model input, then step, and feed the result back as the next sample. */
    @Benchmark
    public void schedulerStep() {
        if (index == timesteps.length) {
            restart();
        }
        double t = timesteps[index++];
        Tensor in = s.scaleModelInput(sample, t);
        Tensor next = s.step(modelOutput, t, sample, noise);
        if (in != sample) {
            in.close();
        }
        sample.close();
        sample = next;
    }

    /** The reference: one elementwise pass over the latents, {@code sample + alpha * modelOutput} into a new tensor. */
    @Benchmark
    public void elementwisePass() {
        torch.add(sample, modelOutput, alpha).close();
    }
}
