package ai.unison.diffusion.schedulers;

import ai.unison.runtime.NativeScope;
import org.bytedeco.pytorch.Tensor;

/**
 * Ancestral Euler sampling (k-diffusion's {@code sample_euler_ancestral}), diffusers'
 * {@code EulerAncestralDiscreteScheduler}: an Euler step down to {@code sigma_down}, then fresh noise
 * scaled by {@code sigma_up}, where {@code sigma_up^2 + sigma_down^2 = sigma_next^2}. The noise comes
 * from the {@link NoiseSource} passed to {@link #step}. When the noise is drawn in the CPU kernel, a step also
 * writes the next step's model input ({@code sample / sqrt(sigma_next^2 + 1)}) in the same pass, and
 * {@link #scaleModelInput} hands it out instead of computing it again ({@link NextInput}).
 */
public final class EulerAncestralDiscreteScheduler extends BaseScheduler {
    private final TrainingSchedule train;
    private final PredictionType prediction;
    private final float[] trainSigmas;
    private final NextInput nextInput = new NextInput();

    EulerAncestralDiscreteScheduler(ConfigReader cfg) {
        super(cfg.className());
        train = new TrainingSchedule(cfg, true, "linspace");
        prediction = PredictionType.read(cfg, "epsilon", PredictionType.EPSILON, PredictionType.V_PREDICTION);
        cfg.finish();
        trainSigmas = train.sigmas();
    }

    @Override
    void schedule(int n, double mu) {
        timesteps = train.eulerTimesteps(n);
        double[] s = ScheduleMath.interpIndex(timesteps, trainSigmas);
        sigmas = new float[n + 1];
        for (int i = 0; i < n; i++) {
            sigmas[i] = (float) s[i];
        }
    }

    @Override
    public double initNoiseSigma() {
        return EulerDiscreteScheduler.initNoiseSigma(sigmas.length == 0 ? trainSigmas : sigmas, train.spacing);
    }

    @Override
    public boolean needsNoise() {
        return true;
    }

    @Override
    public Tensor scaleModelInput(Tensor sample, double timestep) {
        int i = indexOf(timestep);
        Tensor computed = nextInput.take(sample, i);
        return computed != null ? computed : EulerDiscreteScheduler.scaleBySigma(sample, sigmas[i]);
    }

    @Override
    void resetState() {
        nextInput.close();
    }

    @Override
    public Tensor step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise) {
        int i = indexOf(timestep);
        float from = sigmas[i];
        float to = sigmas[i + 1];
        float up = (float) Math.sqrt(to * to * (from * from - to * to) / (from * from));
        float down = (float) Math.sqrt(to * to - up * up);
        double dt = down - from;
        try (NativeScope scope = NativeScope.open()) {
            LinearCombination prev = EulerDiscreteScheduler.derivativeStep(prediction, from, dt, sample, modelOutput);
            if (up > 0) {
                prev.plusNoise(up, noise);
            }
            Tensor out;
            if (i + 1 < timesteps.length) {
                LinearCombination.Scaled r = prev.evalAlsoScaled(sample, (float) EulerDiscreteScheduler.inputScale(to));
                out = r.value();
                if (r.scaled() != null) {
                    nextInput.put(out, i + 1, r.scaled());
                }
            } else {
                out = prev.eval(sample);
            }
            advance();
            return scope.keep(out);
        }
    }

    @Override
    public Tensor addNoise(Tensor original, Tensor noise, double timestep) {
        double sigma = sigmas[scheduleIndex(timestep)];
        try (NativeScope scope = NativeScope.open()) {
            return scope.keep(LinearCombination.of(1, original).plus(sigma, noise).eval(original));
        }
    }
}
