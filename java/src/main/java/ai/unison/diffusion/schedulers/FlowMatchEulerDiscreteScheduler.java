package ai.unison.diffusion.schedulers;

import ai.unison.runtime.NativeScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Euler steps along a rectified flow ({@code x_t = (1 - sigma) x_0 + sigma * noise}, the model predicts
 * the velocity {@code noise - x_0}), as in SD3, Flux and Wan: diffusers'
 * {@code FlowMatchEulerDiscreteScheduler}. Sigmas are shifted either by a fixed {@code shift}
 * ({@code shift*s / (1 + (shift-1)*s)}) or, with {@code use_dynamic_shifting}, by a per-resolution
 * {@code mu} passed to {@link #setTimesteps(int, double)} (see {@link #mu(int)}).
 */
public final class FlowMatchEulerDiscreteScheduler extends BaseScheduler {
    private final int numTrainTimesteps;
    private final double shift;
    private final boolean dynamicShifting;
    private final boolean linearTimeShift;
    private final double shiftTerminal;
    private final boolean stochastic;
    private final double baseShift;
    private final double maxShift;
    private final int baseImageSeqLen;
    private final int maxImageSeqLen;
    private final float sigmaMin;
    private final float sigmaMax;

    FlowMatchEulerDiscreteScheduler(ConfigReader cfg) {
        super(cfg.className());
        numTrainTimesteps = cfg.integer("num_train_timesteps", 1000);
        shift = cfg.real("shift", 1.0);
        dynamicShifting = cfg.bool("use_dynamic_shifting", false);
        baseShift = cfg.real("base_shift", 0.5);
        maxShift = cfg.real("max_shift", 1.15);
        baseImageSeqLen = cfg.integer("base_image_seq_len", 256);
        maxImageSeqLen = cfg.integer("max_image_seq_len", 4096);
        linearTimeShift = cfg.choice("time_shift_type", "exponential", "exponential", "linear").equals("linear");
        shiftTerminal = cfg.optionalReal("shift_terminal");
        stochastic = cfg.bool("stochastic_sampling", false);
        cfg.requireDefault("invert_sigmas", false);
        cfg.requireDefault("use_karras_sigmas", false);
        cfg.requireDefault("use_exponential_sigmas", false);
        cfg.requireDefault("use_beta_sigmas", false);
        cfg.finish();
        // the training schedule's ends, float32 as upstream keeps them (already shifted unless dynamic)
        sigmaMax = shifted(1f);
        sigmaMin = shifted(1f / numTrainTimesteps);
    }

    private float shifted(float s) {
        if (dynamicShifting) {
            return s;
        }
        return (float) shift * s / (1f + (float) (shift - 1) * s);
    }

    /**
     * The {@code mu} upstream pipelines compute for an image of {@code imageSeqLen} latent tokens:
     * linear from {@code base_shift} at {@code base_image_seq_len} to {@code max_shift} at
     * {@code max_image_seq_len}.
     */
    public double mu(int imageSeqLen) {
        double m = (maxShift - baseShift) / (maxImageSeqLen - baseImageSeqLen);
        double b = baseShift - m * baseImageSeqLen;
        return imageSeqLen * m + b;
    }

    @Override
    boolean dynamicShifting() {
        return dynamicShifting;
    }

    @Override
    void schedule(int n, double mu) {
        if (dynamicShifting && Double.isNaN(mu)) {
            throw new IllegalStateException(className() + " uses dynamic shifting: call setTimesteps(n, mu)");
        }
        double[] s = ScheduleMath.linspace((double) sigmaMax * numTrainTimesteps,
                (double) sigmaMin * numTrainTimesteps, n);
        for (int i = 0; i < n; i++) {
            double t = s[i] / numTrainTimesteps;
            if (dynamicShifting) {
                double e = linearTimeShift ? mu : Math.exp(mu);
                t = e / (e + (1 / t - 1));
            } else {
                t = shift * t / (1 + (shift - 1) * t);
            }
            s[i] = t;
        }
        if (!Double.isNaN(shiftTerminal) && shiftTerminal != 0) {
            double scale = (1 - s[n - 1]) / (1 - shiftTerminal);
            for (int i = 0; i < n; i++) {
                s[i] = 1 - (1 - s[i]) / scale;
            }
        }
        sigmas = new float[n + 1];
        timesteps = new double[n];
        for (int i = 0; i < n; i++) {
            sigmas[i] = (float) s[i];
            timesteps[i] = sigmas[i] * (float) numTrainTimesteps;
        }
    }

    @Override
    public double initNoiseSigma() {
        return 1.0;
    }

    @Override
    public boolean needsNoise() {
        return stochastic;
    }

    @Override
    public Tensor step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise) {
        int i = indexOf(timestep);
        float sigma = sigmas[i];
        float next = sigmas[i + 1];
        try (NativeScope scope = NativeScope.open()) {
            Tensor prev;
            if (stochastic) {
                // x0 = sample - sigma * v, then re-noised to the next level with fresh noise
                prev = LinearCombination.of(1 - next, sample).plus(-(1 - next) * (double) sigma, modelOutput)
                        .plusNoise(next, noise).eval(sample);
            } else {
                prev = LinearCombination.of(1, sample).plus(next - sigma, modelOutput).eval(sample);
            }
            advance();
            return scope.keep(prev);
        }
    }

    @Override
    public Tensor addNoise(Tensor original, Tensor noise, double timestep) {
        double sigma = sigmas[scheduleIndex(timestep)];
        try (NativeScope scope = NativeScope.open()) {
            return scope.keep(LinearCombination.of(1 - sigma, original).plus(sigma, noise).eval(original));
        }
    }

    /** The shift used without dynamic shifting. */
    public double shift() {
        return shift;
    }
}
