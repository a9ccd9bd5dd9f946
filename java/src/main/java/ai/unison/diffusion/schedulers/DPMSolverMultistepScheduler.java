package ai.unison.diffusion.schedulers;

import ai.unison.runtime.NativeScope;
import org.bytedeco.pytorch.Tensor;

/**
 * DPM-Solver (Lu et al. 2022) and DPM-Solver++ (Lu et al. 2022b), multistep, orders 1 and 2: diffusers'
 * {@code DPMSolverMultistepScheduler} for {@code algorithm_type} {@code dpmsolver++} (the default, "DPM++
 * 2M") and {@code dpmsolver}, with the midpoint or Heun second-order update and optional Karras sigmas.
 * The converted model outputs (x0, or eps for {@code dpmsolver}) of the last steps are kept between
 * steps. Scalar coefficients follow upstream's float32 arithmetic; the latents are touched only by the
 * final linear combination.
 */
public final class DPMSolverMultistepScheduler extends BaseScheduler {
    private final TrainingSchedule train;
    private final PredictionType prediction;
    private final boolean plusPlus;
    private final int order;
    private final boolean heun;
    private final boolean lowerOrderFinal;
    private final boolean eulerAtFinal;
    private final boolean finalSigmaMin;
    private final boolean karras;
    private final double lambdaMinClipped;
    private final float[] trainSigmas;
    private final History history;
    private int lowerOrderNums;

    DPMSolverMultistepScheduler(ConfigReader cfg) {
        super(cfg.className());
        train = new TrainingSchedule(cfg, true, "linspace");
        prediction = PredictionType.read(cfg, "epsilon", PredictionType.EPSILON, PredictionType.SAMPLE,
                PredictionType.V_PREDICTION);
        plusPlus = cfg.choice("algorithm_type", "dpmsolver++", "dpmsolver++", "dpmsolver").equals("dpmsolver++");
        order = cfg.integer("solver_order", 2);
        if (order < 1 || order > 2) {
            throw cfg.fail("solver_order", order + " is not implemented for " + cfg.className()
                    + "; implemented: 1, 2");
        }
        // upstream maps UniPC's and DEIS's names onto midpoint
        heun = cfg.choice("solver_type", "midpoint", "midpoint", "heun", "bh1", "bh2", "logrho").equals("heun");
        lowerOrderFinal = cfg.bool("lower_order_final", true);
        eulerAtFinal = cfg.bool("euler_at_final", false);
        finalSigmaMin = cfg.choice("final_sigmas_type", "zero", "zero", "sigma_min").equals("sigma_min");
        if (!plusPlus && !finalSigmaMin) {
            throw cfg.fail("final_sigmas_type", "\"zero\" is not supported for algorithm_type dpmsolver (its last "
                    + "step would be 0 * inf); use \"sigma_min\"");
        }
        karras = cfg.bool("use_karras_sigmas", false);
        lambdaMinClipped = cfg.real("lambda_min_clipped", Double.NEGATIVE_INFINITY);
        cfg.requireDefault("thresholding", false);
        cfg.ignore("dynamic_thresholding_ratio", "sample_max_value");
        cfg.requireDefault("variance_type", null);
        cfg.requireDefault("use_lu_lambdas", false);
        cfg.requireDefault("use_exponential_sigmas", false);
        cfg.requireDefault("use_beta_sigmas", false);
        cfg.requireDefault("use_flow_sigmas", false);
        cfg.requireDefault("flow_shift", 1.0);
        cfg.finish();
        trainSigmas = train.sigmas();
        history = new History(order);
    }

    @Override
    void schedule(int n, double mu) {
        int big = train.numTrainTimesteps;
        int clipped = 0;
        // searchsorted(flip(lambda_t), lambda_min_clipped): lambda_t falls with t, so count from the end
        for (int t = big - 1; t >= 0; t--) {
            float a = train.alphasCumprod[t];
            float lambda = (float) Math.log((float) Math.sqrt(a)) - (float) Math.log((float) Math.sqrt(1f - a));
            if (lambda < lambdaMinClipped) {
                clipped++;
            } else {
                break;
            }
        }
        double[] t = train.multistepTimesteps(n, big - clipped);
        double[] s;
        if (karras) {
            s = ScheduleMath.karras(trainSigmas[0], trainSigmas[big - 1], n);
            float[] logs = ScheduleMath.logs(trainSigmas);
            for (int i = 0; i < n; i++) {
                t[i] = Math.rint(ScheduleMath.sigmaToT(s[i], logs));
            }
        } else {
            s = ScheduleMath.interpIndex(t, trainSigmas);
        }
        sigmas = new float[n + 1];
        for (int i = 0; i < n; i++) {
            sigmas[i] = (float) s[i];
        }
        sigmas[n] = finalSigmaMin ? trainSigmas[0] : 0f;
        timesteps = t;
    }

    @Override
    void resetState() {
        history.clear();
        lowerOrderNums = 0;
    }

    @Override
    public double initNoiseSigma() {
        return 1.0;
    }

    @Override
    public Tensor step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise) {
        int i = indexOf(timestep);
        int n = timesteps.length;
        boolean finalFirstOrder = i == n - 1 && (eulerAtFinal || lowerOrderFinal && n < 15 || !finalSigmaMin);
        try (NativeScope scope = NativeScope.open()) {
            pushConverted(i, modelOutput, sample);
            boolean first = order == 1 || lowerOrderNums < 1 || finalFirstOrder;
            LinearCombination update = first ? firstOrder(i, sample) : secondOrder(i, sample);
            Tensor prev = history.eval(update, sample);
            if (lowerOrderNums < order) {
                lowerOrderNums++;
            }
            advance();
            return scope.keep(prev);
        }
    }

    /** Converts the model output to x0 (DPM-Solver++) or eps (DPM-Solver) and remembers it. */
    private void pushConverted(int i, Tensor modelOutput, Tensor sample) {
        float[] as = AlphaSigma.vp(sigmas[i]);
        double a = as[0];
        double s = as[1];
        if (plusPlus) {
            switch (prediction) {
                case EPSILON -> history.stage(1 / a, sample, -s / a, modelOutput);
                case SAMPLE -> history.stage(0, sample, 1, modelOutput);
                default -> history.stage(a, sample, -s, modelOutput);
            }
        } else {
            switch (prediction) {
                case EPSILON -> history.stage(0, sample, 1, modelOutput);
                case SAMPLE -> history.stage(1 / s, sample, -a / s, modelOutput);
                default -> history.stage(s, sample, a, modelOutput);
            }
        }
    }

    private LinearCombination firstOrder(int i, Tensor sample) {
        float[] t = AlphaSigma.vp(sigmas[i + 1]);
        float[] s = AlphaSigma.vp(sigmas[i]);
        float h = AlphaSigma.lambda(t) - AlphaSigma.lambda(s);
        if (plusPlus) {
            return history.addTo(LinearCombination.of(t[1] / s[1], sample), -(t[0] * ((float) Math.exp(-h) - 1f)), 0);
        }
        return history.addTo(LinearCombination.of(t[0] / s[0], sample), -(t[1] * ((float) Math.exp(h) - 1f)), 0);
    }

    /** Second-order multistep update: D0 = m0, D1 = (m0 - m1) / r0 with r0 = h_prev / h. */
    private LinearCombination secondOrder(int i, Tensor sample) {
        float[] t = AlphaSigma.vp(sigmas[i + 1]);
        float[] s0 = AlphaSigma.vp(sigmas[i]);
        float[] s1 = AlphaSigma.vp(sigmas[i - 1]);
        float lt = AlphaSigma.lambda(t);
        float l0 = AlphaSigma.lambda(s0);
        float l1 = AlphaSigma.lambda(s1);
        float h = lt - l0;
        float r0 = (l0 - l1) / h;
        float invR0 = 1f / r0;
        double cSample;
        double cD0;
        double cD1;
        if (plusPlus) {
            float e = (float) Math.exp(-h) - 1f;
            cSample = t[1] / s0[1];
            cD0 = -(t[0] * e);
            cD1 = heun ? t[0] * (e / h + 1f) : -(0.5f * (t[0] * e));
        } else {
            float e = (float) Math.exp(h) - 1f;
            cSample = t[0] / s0[0];
            cD0 = -(t[1] * e);
            cD1 = heun ? -(t[1] * (e / h - 1f)) : -(0.5f * (t[1] * e));
        }
        // D1 = invR0 * (m0 - m1)
        LinearCombination out = history.addTo(LinearCombination.of(cSample, sample), cD0 + cD1 * invR0, 0);
        return history.addTo(out, -cD1 * invR0, 1);
    }

    @Override
    public Tensor addNoise(Tensor original, Tensor noise, double timestep) {
        float[] as = AlphaSigma.vp(sigmas[scheduleIndex(timestep)]);
        try (NativeScope scope = NativeScope.open()) {
            return scope.keep(LinearCombination.of(as[0], original).plus(as[1], noise).eval(original));
        }
    }

    @Override
    public void close() {
        history.close();
        lowerOrderNums = 0;
    }
}
