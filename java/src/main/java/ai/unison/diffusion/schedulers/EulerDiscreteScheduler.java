package ai.unison.diffusion.schedulers;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Euler steps of the probability-flow ODE in the sigma parameterisation of Karras et al. (2022):
 * diffusers' {@code EulerDiscreteScheduler} without churn. The model sees
 * {@code sample / sqrt(sigma^2 + 1)}; a step is {@code x + (sigma_next - sigma) * (x - x0) / sigma}, one
 * or two passes over the latents.
 */
public final class EulerDiscreteScheduler extends BaseScheduler {
    private final TrainingSchedule train;
    private final PredictionType prediction;
    private final boolean karras;
    private final boolean finalSigmaMin;
    private final double sigmaMinOverride;
    private final double sigmaMaxOverride;
    private final float[] trainSigmas;

    EulerDiscreteScheduler(ConfigReader cfg) {
        super(cfg.className());
        train = new TrainingSchedule(cfg, true, "linspace");
        String p = cfg.choice("prediction_type", "epsilon", "epsilon", "v_prediction", "sample", "original_sample");
        prediction = switch (p) {
            case "epsilon" -> PredictionType.EPSILON;
            case "v_prediction" -> PredictionType.V_PREDICTION;
            default -> PredictionType.SAMPLE;
        };
        cfg.choice("interpolation_type", "linear", "linear");
        karras = cfg.bool("use_karras_sigmas", false);
        sigmaMinOverride = cfg.optionalReal("sigma_min");
        sigmaMaxOverride = cfg.optionalReal("sigma_max");
        finalSigmaMin = cfg.choice("final_sigmas_type", "zero", "zero", "sigma_min").equals("sigma_min");
        cfg.choice("timestep_type", "discrete", "discrete");
        cfg.requireDefault("use_exponential_sigmas", false);
        cfg.requireDefault("use_beta_sigmas", false);
        cfg.finish();
        trainSigmas = train.sigmas();
    }

    @Override
    void schedule(int n, double mu) {
        double[] t = train.eulerTimesteps(n);
        double[] s = ScheduleMath.interpIndex(t, trainSigmas);
        if (karras) {
            double lo = Double.isNaN(sigmaMinOverride) ? s[n - 1] : sigmaMinOverride;
            double hi = Double.isNaN(sigmaMaxOverride) ? s[0] : sigmaMaxOverride;
            s = ScheduleMath.karras(lo, hi, n);
            float[] logs = ScheduleMath.logs(trainSigmas);
            for (int i = 0; i < n; i++) {
                t[i] = (float) ScheduleMath.sigmaToT(s[i], logs);
            }
        }
        sigmas = new float[n + 1];
        for (int i = 0; i < n; i++) {
            sigmas[i] = (float) s[i];
        }
        sigmas[n] = finalSigmaMin ? trainSigmas[0] : 0f;
        timesteps = t;
    }

    @Override
    public double initNoiseSigma() {
        return initNoiseSigma(sigmas.length == 0 ? trainSigmas : sigmas, train.spacing);
    }

    /** The largest sigma, or {@code sqrt(max^2 + 1)} for leading spacing (float32, as upstream). */
    static double initNoiseSigma(float[] sigmas, String spacing) {
        float max = 0;
        for (float s : sigmas) {
            max = Math.max(max, s);
        }
        if (spacing.equals("linspace") || spacing.equals("trailing")) {
            return max;
        }
        return (float) Math.sqrt(max * max + 1f);
    }

    @Override
    public Tensor scaleModelInput(Tensor sample, double timestep) {
        return scaleBySigma(sample, sigmas[indexOf(timestep)]);
    }

    /**
     * {@code sample / sqrt(sigma^2 + 1)}, the divisor in float32 as upstream computes it, applied as a
     * multiplication by its reciprocal (within an ulp of the division, and a fraction of its cost; CUDA
     * divides by a scalar the same way).
     */
    static Tensor scaleBySigma(Tensor sample, float sigma) {
        try (NativeScope scope = NativeScope.open()) {
            return scope.keep(torch.mul(sample, Torch.scalar(inputScale(sigma))));
        }
    }

    /** The factor of {@link #scaleBySigma}, {@code 1 / sqrt(sigma^2 + 1)} (a float tensor multiplies by its float value). */
    static double inputScale(float sigma) {
        float divisor = (float) Math.sqrt(sigma * sigma + 1f);
        return 1.0 / divisor;
    }

    @Override
    public Tensor step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise) {
        int i = indexOf(timestep);
        double sigma = sigmas[i];
        double dt = sigmas[i + 1] - sigmas[i];
        try (NativeScope scope = NativeScope.open()) {
            Tensor prev = derivativeStep(prediction, sigma, dt, sample, modelOutput).eval(sample);
            advance();
            return scope.keep(prev);
        }
    }

    /**
     * {@code sample + dt * (sample - x0) / sigma} as a combination of sample and model output, where
     * x0 is {@code sample - sigma * eps}, {@code model} itself, or, for v-prediction,
     * {@code -sigma / sqrt(sigma^2 + 1) * v + sample / (sigma^2 + 1)}.
     */
    static LinearCombination derivativeStep(PredictionType prediction, double sigma, double dt, Tensor sample,
                                            Tensor model) {
        return switch (prediction) {
            case EPSILON -> LinearCombination.of(1, sample).plus(dt, model);
            case SAMPLE -> LinearCombination.of(1 + dt / sigma, sample).plus(-dt / sigma, model);
            default -> {
                double s2 = sigma * sigma + 1;
                yield LinearCombination.of(1 + dt * sigma / s2, sample).plus(dt / Math.sqrt(s2), model);
            }
        };
    }

    @Override
    public Tensor addNoise(Tensor original, Tensor noise, double timestep) {
        double sigma = sigmas[scheduleIndex(timestep)];
        try (NativeScope scope = NativeScope.open()) {
            return scope.keep(LinearCombination.of(1, original).plus(sigma, noise).eval(original));
        }
    }
}
