package ai.unison.diffusion.schedulers;

import ai.unison.runtime.NativeScope;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * UniPC (Zhao et al. 2023), diffusers' {@code UniPCMultistepScheduler}: a multistep predictor (UniP)
 * followed, at the next step, by a corrector (UniC) that reuses the new model output, in the B(h)
 * variants bh1 and bh2. With {@code use_flow_sigmas}, {@code prediction_type=flow_prediction} and
 * {@code flow_shift} it is the sampler Wan uses: sigmas {@code shift*s / (1 + (shift-1)*s)} over a
 * linear ramp, {@code alpha = 1 - sigma}, and integer timesteps {@code (sigma * 1000)} truncated.
 *
 * <p>The corrector of step i and the predictor of step i - 1 start from the same first-order part
 * (both go from the previous corrected sample over the same log-SNR gap), so the corrected sample is
 * the predicted one, i.e. the sample passed to {@link #step}, plus the difference of their
 * higher-order terms. Upstream recomputes that first-order part from a stored copy of the previous
 * sample instead; the result is the same whenever the sample passed in is the previous step's result,
 * as in every sampling loop, and this way the scheduler keeps no copy of the sample, a step is one
 * linear combination (five passes at order 2 instead of eight; with float32 CPU latents and a full
 * history, three: the converted output, one {@code torch.mv} over the history rows, one add of the
 * sample, see {@link History#eval}; with the project's CPU kernels loaded, one native pass that writes
 * the converted output and the new sample together), and changes a caller makes to the
 * latents between steps are kept. State between steps: the converted model outputs (x0 with
 * {@code predict_x0}) of the last {@code solver_order + 1} steps. The scalar coefficients follow
 * upstream's float32 arithmetic, including its small linear solves.
 */
public final class UniPCMultistepScheduler extends BaseScheduler {
    private final TrainingSchedule train;
    private final PredictionType prediction;
    private final int order;
    private final boolean predictX0;
    private final boolean bh1;
    private final boolean lowerOrderFinal;
    private final int[] disableCorrector;
    private final boolean karras;
    private final boolean exponential;
    private final boolean flowSigmas;
    private final double flowShift;
    private final boolean dynamicShifting;
    private final boolean finalSigmaMin;
    private final float[] trainSigmas;
    private final History history;
    private int lowerOrderNums;
    /** The order of the last predictor; 0 before the first step of a run. */
    private int thisOrder;

    UniPCMultistepScheduler(ConfigReader cfg) {
        super(cfg.className());
        train = new TrainingSchedule(cfg, true, "linspace");
        prediction = PredictionType.read(cfg, "epsilon", PredictionType.values());
        order = cfg.integer("solver_order", 2);
        if (order < 1) {
            throw cfg.fail("solver_order", "must be at least 1, got " + order);
        }
        predictX0 = cfg.bool("predict_x0", true);
        if (!predictX0 && prediction == PredictionType.FLOW_PREDICTION) {
            throw cfg.fail("predict_x0", "false is not implemented with prediction_type flow_prediction");
        }
        // upstream maps the DPM-Solver names onto bh2
        bh1 = cfg.choice("solver_type", "bh2", "bh1", "bh2", "midpoint", "heun", "logrho").equals("bh1");
        lowerOrderFinal = cfg.bool("lower_order_final", true);
        disableCorrector = cfg.integers("disable_corrector");
        karras = cfg.bool("use_karras_sigmas", false);
        exponential = cfg.bool("use_exponential_sigmas", false);
        flowSigmas = cfg.bool("use_flow_sigmas", false);
        flowShift = cfg.real("flow_shift", 1.0);
        dynamicShifting = cfg.bool("use_dynamic_shifting", false);
        cfg.choice("time_shift_type", "exponential", "exponential");
        finalSigmaMin = cfg.choice("final_sigmas_type", "zero", "zero", "sigma_min").equals("sigma_min");
        if (!predictX0 && !finalSigmaMin) {
            throw cfg.fail("final_sigmas_type", "\"zero\" is not supported with predict_x0 false (its last step "
                    + "would be 0 * inf); use \"sigma_min\"");
        }
        if ((karras ? 1 : 0) + (exponential ? 1 : 0) + (flowSigmas ? 1 : 0) > 1) {
            throw cfg.fail("use_karras_sigmas", "at most one of use_karras_sigmas, use_exponential_sigmas and "
                    + "use_flow_sigmas can be set");
        }
        cfg.requireDefault("use_beta_sigmas", false);
        cfg.requireDefault("solver_p", null);
        cfg.requireDefault("thresholding", false);
        cfg.ignore("dynamic_thresholding_ratio", "sample_max_value");
        cfg.finish();
        trainSigmas = train.sigmas();
        history = new History(order);
    }

    @Override
    boolean dynamicShifting() {
        return dynamicShifting;
    }

    @Override
    void schedule(int n, double mu) {
        int big = train.numTrainTimesteps;
        double[] t = train.multistepTimesteps(n, big);
        double[] s;
        double sigmaLast;
        if (karras || exponential) {
            s = karras ? ScheduleMath.karras(trainSigmas[0], trainSigmas[big - 1], n)
                    : ScheduleMath.exponential(trainSigmas[0], trainSigmas[big - 1], n);
            float[] logs = ScheduleMath.logs(trainSigmas);
            for (int i = 0; i < n; i++) {
                double ti = ScheduleMath.sigmaToT(s[i], logs);
                t[i] = karras ? Math.rint(ti) : ti;
            }
            sigmaLast = s[n - 1];
        } else if (flowSigmas) {
            double shift = Double.isNaN(mu) ? flowShift : Math.exp(mu);
            double[] ramp = ScheduleMath.linspace(1, 1.0 / big, n + 1);
            s = new double[n];
            for (int i = 0; i < n; i++) {
                double x = 1.0 - ramp[n - i];
                s[i] = shift * x / (1 + (shift - 1) * x);
                t[i] = s[i] * big;
            }
            sigmaLast = s[n - 1];
        } else {
            s = ScheduleMath.interpIndex(t, trainSigmas);
            sigmaLast = trainSigmas[0];
        }
        sigmas = new float[n + 1];
        timesteps = new double[n];
        for (int i = 0; i < n; i++) {
            sigmas[i] = (float) s[i];
            timesteps[i] = (long) t[i];
        }
        sigmas[n] = finalSigmaMin ? (float) sigmaLast : 0f;
    }

    @Override
    void resetState() {
        history.clear();
        lowerOrderNums = 0;
        thisOrder = 0;
    }

    @Override
    public double initNoiseSigma() {
        return 1.0;
    }

    @Override
    public Tensor step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise) {
        int i = indexOf(timestep);
        boolean useCorrector = i > 0 && thisOrder > 0 && !correctorDisabledAfter(i - 1);
        try (NativeScope scope = NativeScope.open()) {
            pushConverted(i, modelOutput, sample);
            LinearCombination corrected = LinearCombination.of(1, sample);
            if (useCorrector) {
                correct(corrected, i);
            }
            int n = timesteps.length;
            int wanted = lowerOrderFinal ? Math.min(order, n - i) : order;
            thisOrder = Math.min(wanted, lowerOrderNums + 1);
            Tensor prev = history.eval(predictor(i, thisOrder, corrected), sample);
            if (lowerOrderNums < order) {
                lowerOrderNums++;
            }
            advance();
            return scope.keep(prev);
        }
    }

    private boolean correctorDisabledAfter(int step) {
        for (int d : disableCorrector) {
            if (d == step) {
                return true;
            }
        }
        return false;
    }

    private float[] alphaSigma(float sigma) {
        return flowSigmas ? AlphaSigma.flow(sigma) : AlphaSigma.vp(sigma);
    }

    private float lambda(int index) {
        return AlphaSigma.lambda(alphaSigma(sigmas[index]));
    }

    /** Remembers the model output as the solver uses it: x0 with {@code predict_x0}, else eps. */
    private void pushConverted(int i, Tensor modelOutput, Tensor sample) {
        float[] as = alphaSigma(sigmas[i]);
        double a = as[0];
        double s = as[1];
        if (predictX0) {
            switch (prediction) {
                case EPSILON -> history.stage(1 / a, sample, -s / a, modelOutput);
                case SAMPLE -> history.stage(0, sample, 1, modelOutput);
                case V_PREDICTION -> history.stage(a, sample, -s, modelOutput);
                case FLOW_PREDICTION -> history.stage(1, sample, -(double) sigmas[i], modelOutput);
            }
        } else {
            switch (prediction) {
                case EPSILON -> history.stage(0, sample, 1, modelOutput);
                case SAMPLE -> history.stage(1 / s, sample, -a / s, modelOutput);
                default -> history.stage(s, sample, a, modelOutput);
            }
        }
    }

    /**
     * UniP of order {@code p} from step {@code i} to {@code i + 1}, from the (corrected) sample {@code x};
     * the history's newest entry (age 0) is this step's converted output.
     */
    private LinearCombination predictor(int i, int p, LinearCombination x) {
        Coefficients c = new Coefficients(i + 1, i, p, k -> i - k);
        float[] rhos = predictorRhos(c, p);
        LinearCombination out = history.addTo(LinearCombination.of(c.sampleScale, x), -c.m0Scale, 0);
        for (int k = 1; k < p; k++) {
            addDifference(out, -c.bScale * rhos[k - 1] / c.rks[k - 1], k, 0);
        }
        return out;
    }

    /** UniP's weights of the earlier steps' differences: none at order 1, 0.5 at order 2, else solved. */
    private static float[] predictorRhos(Coefficients c, int p) {
        if (p == 1) {
            return new float[0];
        }
        return p == 2 ? new float[] {0.5f} : solve(c.r, c.b, p - 1);
    }

    /**
     * Adds UniC of order {@code q} (the previous predictor's) to {@code sample}, the previous predictor's
     * result: with this step's converted output (age 0 in the history) it replaces the predictor's
     * higher-order terms, from step {@code i - 1} (m0 at age 1) to step {@code i}, by the corrector's.
     */
    private void correct(LinearCombination sample, int i) {
        int q = thisOrder;
        Coefficients c = new Coefficients(i, i - 1, q, k -> i - (k + 1));
        float[] predicted = predictorRhos(c, q);
        float[] corrected = q == 1 ? new float[] {0.5f} : solve(c.r, c.b, q);
        for (int k = 1; k < q; k++) {
            double w = -c.bScale * (corrected[k - 1] - predicted[k - 1]) / c.rks[k - 1];
            addDifference(sample, w, k + 1, 1);
        }
        addDifference(sample, -c.bScale * corrected[q - 1], 0, 1);
    }

    /** Adds {@code w * (history[a] - history[b])}. */
    private void addDifference(LinearCombination out, double w, int ageA, int ageB) {
        history.addTo(history.addTo(out, w, ageA), -w, ageB);
    }

    /**
     * The float32 scalars of one UniP/UniC update from noise level {@code s0} to {@code t}: the scales
     * of the sample and of m0, {@code B(h)} times the output scale, the ratios {@code r_k} of the earlier
     * steps' log-SNR gaps, and the order conditions {@code R rho = b}.
     */
    private final class Coefficients {
        final float sampleScale;
        final float m0Scale;
        final float bScale;
        final float[] rks;
        final float[][] r;
        final float[] b;

        Coefficients(int target, int from, int order, IntUnaryOperator earlier) {
            float[] t = alphaSigma(sigmas[target]);
            float[] s0 = alphaSigma(sigmas[from]);
            float lambdaS0 = AlphaSigma.lambda(s0);
            float h = AlphaSigma.lambda(t) - lambdaS0;
            rks = new float[order];
            for (int k = 1; k < order; k++) {
                rks[k - 1] = (lambda(earlier.applyAsInt(k)) - lambdaS0) / h;
            }
            rks[order - 1] = 1f;
            float hh = predictX0 ? -h : h;
            float hPhi1 = (float) Math.expm1(hh);
            float hPhiK = hPhi1 / hh - 1f;
            float bh = bh1 ? hh : (float) Math.expm1(hh);
            r = new float[order][order];
            b = new float[order];
            int factorial = 1;
            for (int j = 0; j < order; j++) {
                for (int k = 0; k < order; k++) {
                    r[j][k] = power(rks[k], j);
                }
                b[j] = hPhiK * factorial / bh;
                factorial *= j + 2;
                hPhiK = hPhiK / hh - (float) (1.0 / factorial);
            }
            float outScale = predictX0 ? t[0] : t[1];
            sampleScale = predictX0 ? t[1] / s0[1] : t[0] / s0[0];
            m0Scale = outScale * hPhi1;
            bScale = outScale * bh;
        }
    }

    /** {@code torch.pow(x, j)} for small integer j: repeated float multiplication. */
    private static float power(float x, int j) {
        float p = j == 0 ? 1f : x;
        for (int e = 1; e < j; e++) {
            p *= x;
        }
        return p;
    }

    /** Solves the leading n x n system {@code r x = b} in float32, Gaussian elimination with partial pivoting. */
    static float[] solve(float[][] r, float[] b, int n) {
        float[][] a = new float[n][];
        float[] y = Arrays.copyOf(b, n);
        for (int i = 0; i < n; i++) {
            a[i] = Arrays.copyOf(r[i], n);
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int row = col + 1; row < n; row++) {
                if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) {
                    pivot = row;
                }
            }
            float[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            float ty = y[col];
            y[col] = y[pivot];
            y[pivot] = ty;
            float inv = 1f / a[col][col];
            for (int row = col + 1; row < n; row++) {
                float l = a[row][col] * inv;
                for (int k = col; k < n; k++) {
                    a[row][k] -= l * a[col][k];
                }
                y[row] -= l * y[col];
            }
        }
        float[] x = new float[n];
        for (int row = n - 1; row >= 0; row--) {
            float acc = y[row];
            for (int k = row + 1; k < n; k++) {
                acc -= a[row][k] * x[k];
            }
            x[row] = acc / a[row][row];
        }
        return x;
    }

    @Override
    public Tensor addNoise(Tensor original, Tensor noise, double timestep) {
        float[] as = alphaSigma(sigmas[scheduleIndex(timestep)]);
        try (NativeScope scope = NativeScope.open()) {
            return scope.keep(LinearCombination.of(as[0], original).plus(as[1], noise).eval(original));
        }
    }

    /** The flow shift used without dynamic shifting. */
    public double flowShift() {
        return flowShift;
    }

    @Override
    public void close() {
        resetState();
        history.close();
    }
}
