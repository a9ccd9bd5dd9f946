package ai.unison.diffusion.schedulers;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;

/**
 * Denoising diffusion implicit models (Song et al. 2020), diffusers' {@code DDIMScheduler}:
 * {@code x_prev = sqrt(a_prev) * x0 + sqrt(1 - a_prev - std^2) * eps (+ std * noise)} with
 * {@code std = eta * sqrt((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev))}. Without clipping the step is
 * one linear combination of the sample and the model output, computed in one or two passes.
 */
public final class DDIMScheduler extends BaseScheduler {
    private final TrainingSchedule train;
    private final PredictionType prediction;
    private final boolean clipSample;
    private final double clipSampleRange;
    private final float finalAlphaCumprod;
    private double eta;
    private int numInferenceSteps;

    DDIMScheduler(ConfigReader cfg) {
        super(cfg.className());
        train = new TrainingSchedule(cfg, false, "leading");
        prediction = PredictionType.read(cfg, "epsilon", PredictionType.EPSILON, PredictionType.SAMPLE,
                PredictionType.V_PREDICTION);
        clipSample = cfg.bool("clip_sample", true);
        clipSampleRange = cfg.real("clip_sample_range", 1.0);
        finalAlphaCumprod = cfg.bool("set_alpha_to_one", true) ? 1f : train.alphasCumprod[0];
        cfg.requireDefault("thresholding", false);
        cfg.ignore("dynamic_thresholding_ratio", "sample_max_value");
        cfg.finish();
    }

    /** The DDIM noise weight: 0 (the default) is deterministic, 1 is DDPM-like ancestral sampling. */
    public void setEta(double eta) {
        if (!(eta >= 0)) {
            throw new IllegalArgumentException("eta must be >= 0, got " + eta);
        }
        this.eta = eta;
    }

    @Override
    void schedule(int n, double mu) {
        if (n > train.numTrainTimesteps) {
            throw new IllegalArgumentException(className() + ": " + n + " steps exceed num_train_timesteps "
                    + train.numTrainTimesteps);
        }
        numInferenceSteps = n;
        timesteps = train.ddimTimesteps(n);
    }

    @Override
    public double initNoiseSigma() {
        return 1.0;
    }

    @Override
    public boolean needsNoise() {
        return eta > 0;
    }

    @Override
    public Tensor step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise) {
        indexOf(timestep);
        int t = (int) timestep;
        int prevT = t - train.numTrainTimesteps / numInferenceSteps;
        float aT = train.alphasCumprod[t];
        float aPrev = prevT >= 0 ? train.alphasCumprod[prevT] : finalAlphaCumprod;
        float bT = 1f - aT;
        double sqrtA = Math.sqrt(aT);
        double sqrtB = Math.sqrt(bT);
        float variance = (1f - aPrev) / bT * (1f - aT / aPrev);
        double std = eta * Math.sqrt(variance);
        double sqrtAPrev = Math.sqrt(aPrev);
        double direction = Math.sqrt(Math.max(0, 1 - aPrev - std * std));
        try (NativeScope scope = NativeScope.open()) {
            // x0 = cs*sample + cm*model, eps = es*sample + em*model
            double cs;
            double cm;
            double es;
            double em;
            switch (prediction) {
                case EPSILON -> {
                    cs = 1 / sqrtA;
                    cm = -sqrtB / sqrtA;
                    es = 0;
                    em = 1;
                }
                case SAMPLE -> {
                    cs = 0;
                    cm = 1;
                    es = 1 / sqrtB;
                    em = -sqrtA / sqrtB;
                }
                default -> {
                    cs = sqrtA;
                    cm = -sqrtB;
                    es = sqrtB;
                    em = sqrtA;
                }
            }
            LinearCombination combination;
            if (clipSample) {
                Tensor x0 = LinearCombination.of(cs, sample).plus(cm, modelOutput).eval(sample);
                x0.clamp_(new org.bytedeco.pytorch.ScalarOptional(Torch.scalar(-clipSampleRange)),
                        new org.bytedeco.pytorch.ScalarOptional(Torch.scalar(clipSampleRange)));
                combination = LinearCombination.of(sqrtAPrev, x0).plus(direction * es, sample)
                        .plus(direction * em, modelOutput);
            } else {
                combination = LinearCombination.of(sqrtAPrev * cs + direction * es, sample)
                        .plus(sqrtAPrev * cm + direction * em, modelOutput);
            }
            if (eta > 0 && std > 0) {
                combination.plusNoise(std, noise);
            }
            Tensor prev = combination.eval(sample);
            advance();
            return scope.keep(prev);
        }
    }

    @Override
    public Tensor addNoise(Tensor original, Tensor noise, double timestep) {
        float a = train.alphasCumprod[(int) timestep];
        try (NativeScope scope = NativeScope.open()) {
            return scope.keep(LinearCombination.of(Math.sqrt(a), original).plus(Math.sqrt(1f - a), noise)
                    .eval(original));
        }
    }

    /** {@code alphas_cumprod} of the training schedule (float32 values). */
    public double[] alphasCumprod() {
        double[] out = new double[train.alphasCumprod.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = train.alphasCumprod[i];
        }
        return out;
    }
}
