package ai.unison.train;

import ai.unison.diffusion.DenoisingLoop;
import ai.unison.diffusion.Noise;
import ai.unison.diffusion.schedulers.Scheduler;
import ai.unison.diffusion.wan.VacePipeline;
import ai.unison.runtime.NativeScope;
import ai.unison.world.ContactSheet;
import ai.unison.world.Example;
import ai.unison.world.Frame;
import ai.unison.world.Media;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a generator's sampling goes wrong. ShapesEval-style text-to-image scenes (the seven categories in turn)
 * are encoded, noised to a level σ and denoised from there by the expert folder's own pipeline (its scheduler,
 * steps, guidance and negative prompt), as image-to-image pipelines do with {@code strength}; σ = 1 starts from pure
 * noise, i.e. ordinary generation. The detector scores each result against the scene's spec, beside the ground
 * truth's own score through the VAE (the ceiling). For the run from pure noise it also scores every step's x0
 * estimate ({@code sample − σ·prediction}): the step at which the layout appears, and whether later steps keep it.
 */
public final class SamplingProbe {
    /** The σ at which the scene first survives tells which part of the schedule fails. */
    public static final double[] DEFAULT_STARTS = {1.0, 0.9, 0.8, 0.6, 0.4, 0.2};

    private SamplingProbe() {
    }

    /**
     * Mean scores over {@code n} scenes: the ceiling, the result from each start σ (with the schedule step it
     * starts at and that step's own σ), and, for σ = 1, the x0 estimate of each step.
     */
    public record Result(int n, double ceiling, double[] starts, int[] firstSteps, double[] firstSigmas, double[] scores,
                         double[] stepSigmas, double[] stepScores) {
        public String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%-34s %6s %5s%n", "start", "score", "n"));
            b.append(String.format(Locale.ROOT, "%-34s %6.3f %5d%n", "ground truth through the VAE", ceiling, n));
            for (int i = 0; i < starts.length; i++) {
                b.append(String.format(Locale.ROOT, "%-34s %6.3f %5d%n", String.format(Locale.ROOT,
                        "sigma %.2f (step %d at %.3f)", starts[i], firstSteps[i], firstSigmas[i]), scores[i], n));
            }
            if (stepSigmas.length > 0) {
                b.append(String.format(Locale.ROOT, "%nx0 estimate along the run from pure noise%n%-6s %6s %6s%n",
                        "step", "sigma", "score"));
                for (int i = 0; i < stepSigmas.length; i++) {
                    b.append(String.format(Locale.ROOT, "%-6d %6.3f %6.3f%n", i, stepSigmas[i], stepScores[i]));
                }
            }
            return b.toString();
        }
    }

    /**
     * Probes {@code n} scenes from {@code seed}, {@code size}×{@code size}, at every σ of {@code starts} (each in
     * (0, 1]) with guidance scale {@code guidance} (the folder's other run defaults). A start begins at the first
     * step of the schedule whose σ is at most it (the last step when none is). With {@code out} (may be null) writes per scene
     * {@code NN-trajectory.png} (the x0 estimate of every fourth step from pure noise, the result, the ground truth)
     * and {@code NN-starts.png} (the result from each start, then the ground truth).
     */
    public static Result run(VacePipeline pipeline, int n, long seed, int size, double guidance, double[] starts,
                             Path out) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        checkStarts(starts);
        int steps = pipeline.defaults().steps();
        VacePipeline.Run run = new VacePipeline.Run(new ai.unison.api.Size(size, size, 1), steps, guidance, "default");
        double ceiling = 0;
        double[] scores = new double[starts.length];
        int[] firstSteps = new int[starts.length];
        double[] firstSigmas = new double[starts.length];
        double[] stepSigmas;
        try (Scheduler scheduler = pipeline.scheduler("default")) {
            scheduler.setTimesteps(steps);
            double[] sigmas = scheduler.sigmas();
            int count = scheduler.timesteps().length;
            stepSigmas = java.util.Arrays.copyOf(sigmas, count);
            for (int k = 0; k < starts.length; k++) {
                int first = 0;
                while (first < count - 1 && sigmas[first] > starts[k] + 1e-9) {
                    first++;
                }
                firstSteps[k] = first;
                firstSigmas[k] = sigmas[first];
            }
        }
        boolean fromNoiseRun = java.util.Arrays.stream(starts).anyMatch(s -> s >= 1);
        double[] stepScores = new double[fromNoiseRun ? stepSigmas.length : 0];
        if (!fromNoiseRun) {
            stepSigmas = new double[0];
        }
        try (NoGradGuard g = new NoGradGuard()) {
            if (out != null) {
                Files.createDirectories(out);
            }
            for (int i = 0; i < n; i++) {
                Example e = GeneratorTrainer.evalStyleExample(i, seed, size);
                try (NativeScope scope = NativeScope.open()) {
                    GeneratorTrainer.Item item = GeneratorTrainer.prepare(e, pipeline.vae(), pipeline.tokenizer(),
                            pipeline.defaults().maxSequenceLength());
                    Tensor x0 = item.x0();
                    Frame truth = decode(pipeline, x0);
                    ceiling += e.spec().score(new Media.Image(truth));
                    Tensor cond = pipeline.textConditioning(List.of(item.prompt()), null);
                    Tensor control = item.control().to(pipeline.transformer().device(),
                            pipeline.transformer().dtype().scalarType());
                    List<Frame> trajectory = new ArrayList<>();
                    List<Frame> results = new ArrayList<>();
                    for (int k = 0; k < starts.length; k++) {
                        boolean fromNoise = starts[k] >= 1;
                        DenoisingLoop.Observer observer = !fromNoise ? null : (step, t, sigma, sample, prediction) -> {
                            try (NativeScope s = NativeScope.open()) {
                                Frame estimate = decode(pipeline, sample.sub(prediction.mul(
                                        ai.unison.runtime.Torch.scalar(sigma))));
                                stepScores[step] += e.spec().score(new Media.Image(estimate));
                                if (step % 4 == 0) {
                                    trajectory.add(estimate);
                                }
                            }
                        };
                        Tensor result;
                        try (Scheduler scheduler = pipeline.scheduler("default");
                             Noise noise = Noise.seeded(seed * 1_000 + i)) {
                            scheduler.setTimesteps(steps);
                            int first = firstSteps[k];
                            long[] shape = ai.unison.runtime.Torch.shape(x0);
                            Tensor eps = noise.initialLatents(scheduler, java.util.Arrays.copyOfRange(shape, 1, shape.length),
                                    ScalarType.Float, x0.device());
                            Tensor init = fromNoise ? eps : scheduler.addNoise(x0, eps, scheduler.timesteps()[first]);
                            result = pipeline.denoise(scheduler, init, first, cond, control, run, noise,
                                    VacePipeline.Hooks.NONE, observer);
                        }
                        Frame f = decode(pipeline, result);
                        scores[k] += e.spec().score(new Media.Image(f));
                        results.add(f);
                        if (fromNoise) {
                            trajectory.add(f);
                        }
                    }
                    if (out != null) {
                        trajectory.add(truth);
                        results.add(truth);
                        ContactSheet.compose(trajectory, trajectory.size())
                                .writePng(out.resolve(String.format(Locale.ROOT, "%02d-trajectory.png", i)));
                        ContactSheet.compose(results, results.size())
                                .writePng(out.resolve(String.format(Locale.ROOT, "%02d-starts.png", i)));
                    }
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the probe's images into " + out, ex);
        }
        for (int k = 0; k < scores.length; k++) {
            scores[k] /= n;
        }
        for (int s = 0; s < stepScores.length; s++) {
            stepScores[s] /= n;
        }
        return new Result(n, ceiling / n, starts.clone(), firstSteps, firstSigmas, scores, stepSigmas, stepScores);
    }

    /** Throws, naming the value, unless every start σ is in (0, 1]. */
    public static void checkStarts(double[] starts) {
        for (double s : starts) {
            if (!(s > 0 && s <= 1)) {
                throw new IllegalArgumentException("a start sigma must be in (0, 1], got " + s);
            }
        }
    }

    /** The first frame of latents [1, z, T, h, w] decoded. */
    private static Frame decode(VacePipeline pipeline, Tensor latents) {
        try (NativeScope scope = NativeScope.open()) {
            Media m = Media.of(VacePipeline.toFrames(pipeline.decode(latents).select(0, 0)));
            return m instanceof Media.Image img ? img.frame() : ((Media.Video) m).frames().get(0);
        }
    }
}
