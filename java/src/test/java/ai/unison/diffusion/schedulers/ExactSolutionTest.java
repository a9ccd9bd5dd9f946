package ai.unison.diffusion.schedulers;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Configurations the fixtures do not cover, checked against problems with a known answer: data that is
 * a single point (the exact denoiser predicts it at every noise level, so every deterministic sampler
 * must land on it) and Gaussian data (the probability-flow ODE maps the starting noise to a known
 * point, which higher-order solvers approach faster).
 */
class ExactSolutionTest {
    private static final float[] Z = {-1.7f, -0.6f, 0f, 0.4f, 1.3f, 2.2f};

    /** How a scheduler's state at step i maps to the forward process x = alpha * x0 + sigma * eps. */
    private enum Space { VP_SIGMA, DDIM, FLOW, VE }

    private record Config(String name, Map<String, Object> overrides, Space space, PredictionType prediction) {
        Scheduler create() {
            return Schedulers.create(name, overrides);
        }

        @Override
        public String toString() {
            return name + overrides;
        }
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static PredictionType prediction(String name) {
        for (PredictionType p : PredictionType.values()) {
            if (p.configName().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException(name);
    }

    static List<Config> deterministicConfigs() {
        List<Config> out = new ArrayList<>();
        for (String p : List.of("epsilon", "v_prediction", "sample")) {
            for (boolean x0 : List.of(true, false)) {
                for (String type : List.of("bh1", "bh2")) {
                    for (int order = 1; order <= 3; order++) {
                        out.add(new Config("unipc", map("prediction_type", p, "predict_x0", x0, "solver_type", type,
                                "solver_order", order, "final_sigmas_type", x0 ? "zero" : "sigma_min"),
                                Space.VP_SIGMA, prediction(p)));
                    }
                }
            }
            out.add(new Config("unipc", map("prediction_type", p, "use_karras_sigmas", true), Space.VP_SIGMA,
                    prediction(p)));
            for (String algorithm : List.of("dpmsolver++", "dpmsolver")) {
                for (String type : List.of("midpoint", "heun")) {
                    for (int order = 1; order <= 2; order++) {
                        out.add(new Config("dpm++2m", map("prediction_type", p, "algorithm_type", algorithm,
                                "solver_type", type, "solver_order", order, "final_sigmas_type",
                                algorithm.equals("dpmsolver") ? "sigma_min" : "zero"), Space.VP_SIGMA, prediction(p)));
                    }
                }
            }
            out.add(new Config("dpm++2m", map("prediction_type", p, "use_karras_sigmas", true), Space.VP_SIGMA,
                    prediction(p)));
            out.add(new Config("ddim", map("prediction_type", p, "clip_sample", false), Space.DDIM, prediction(p)));
            out.add(new Config("ddim", map("prediction_type", p, "clip_sample", false, "timestep_spacing", "trailing"),
                    Space.DDIM, prediction(p)));
            out.add(new Config("euler", map("prediction_type", p), Space.VE, prediction(p)));
            out.add(new Config("euler", map("prediction_type", p, "use_karras_sigmas", true), Space.VE,
                    prediction(p)));
        }
        for (int order = 1; order <= 3; order++) {
            out.add(new Config("unipc", map("prediction_type", "flow_prediction", "use_flow_sigmas", true,
                    "flow_shift", 3.0, "solver_order", order), Space.FLOW, PredictionType.FLOW_PREDICTION));
        }
        out.add(new Config("flow-euler", map("shift", 3.0), Space.FLOW, PredictionType.FLOW_PREDICTION));
        return out;
    }

    /** alpha and sigma of the forward process at step i (i = n: where the last step lands). */
    private static double[] alphaSigma(Scheduler s, Space space, int i) {
        switch (space) {
            case DDIM -> {
                if (i == s.timesteps().length) {
                    return new double[] {1, 0};
                }
                double a = ((DDIMScheduler) s).alphasCumprod()[(int) s.timesteps()[i]];
                return new double[] {Math.sqrt(a), Math.sqrt(1 - a)};
            }
            case FLOW -> {
                double sigma = s.sigmas()[i];
                return new double[] {1 - sigma, sigma};
            }
            case VE -> {
                return new double[] {1, s.sigmas()[i]};
            }
            default -> {
                double sigma = s.sigmas()[i];
                double a = 1 / Math.sqrt(sigma * sigma + 1);
                return new double[] {a, sigma * a};
            }
        }
    }

    /**
     * Samples Gaussian data N(mu, spread^2) (a point when spread is 0) with the exact denoiser, from the
     * forward-process state of noise Z at the first step; returns the largest distance of the final
     * samples to where the probability-flow ODE takes Z: {@code alpha mu + sqrt(alpha^2 spread^2 + sigma^2) Z}
     * at the last noise level.
     */
    private static double error(Config c, int steps, double mu, double spread) {
        try (NativeScope scope = NativeScope.open(); Scheduler s = c.create()) {
            s.setTimesteps(steps);
            double[] ts = s.timesteps();
            float[] start = new float[Z.length];
            double[] as0 = alphaSigma(s, c.space, 0);
            for (int k = 0; k < Z.length; k++) {
                start[k] = (float) (as0[0] * mu + Math.hypot(as0[0] * spread, as0[1]) * Z[k]);
            }
            Tensor x = Torch.fromFloats(start, 1, Z.length);
            for (int i = 0; i < ts.length; i++) {
                double[] as = alphaSigma(s, c.space, i);
                s.scaleModelInput(x, ts[i]);
                float[] xs = Torch.toFloats(x);
                float[] pred = new float[xs.length];
                double a = as[0];
                double sig = as[1];
                double gain = a * spread * spread / (a * a * spread * spread + sig * sig);
                for (int k = 0; k < xs.length; k++) {
                    double x0hat = mu + gain * (xs[k] - a * mu);
                    double eps = (xs[k] - a * x0hat) / sig;
                    pred[k] = (float) switch (c.prediction) {
                        case EPSILON -> eps;
                        case SAMPLE -> x0hat;
                        case FLOW_PREDICTION -> eps - x0hat;
                        case V_PREDICTION -> c.space == Space.VE
                                ? (eps - sig * x0hat) / Math.sqrt(sig * sig + 1)
                                : a * eps - sig * x0hat;
                    };
                }
                x = s.step(Torch.fromFloats(pred, 1, Z.length), ts[i], x);
            }
            double[] end = alphaSigma(s, c.space, ts.length);
            float[] out = Torch.toFloats(x);
            double err = 0;
            for (int k = 0; k < Z.length; k++) {
                double exact = end[0] * mu + Math.hypot(end[0] * spread, end[1]) * Z[k];
                err = Math.max(err, Math.abs(out[k] - exact));
            }
            return err;
        }
    }

    @Test
    void everyDeterministicSamplerFollowsPointDataExactly() {
        List<String> failures = new ArrayList<>();
        for (Config c : deterministicConfigs()) {
            double err = error(c, 12, 0.5, 0);
            if (!(err < 2e-4)) {
                failures.add(c + ": " + err);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " configs missed: " + String.join("\n", failures));
    }

    /** Largest error on Gaussian data N(0.5, 1). */
    private static double gaussianError(Config c, int steps) {
        return error(c, steps, 0.5, 1.0);
    }

    @Test
    void everySolverConvergesOnGaussianData() {
        List<String> failures = new ArrayList<>();
        for (Config c : deterministicConfigs()) {
            if (c.prediction == PredictionType.EPSILON || c.prediction == PredictionType.FLOW_PREDICTION) {
                double coarse = gaussianError(c, 10);
                double fine = gaussianError(c, 80);
                if (!(fine < coarse / 3)) {
                    failures.add(c + ": " + coarse + " at 10 steps, " + fine + " at 80");
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void higherOrderSolversAreMoreAccurate() {
        Map<String, Object> flow = map("prediction_type", "flow_prediction", "use_flow_sigmas", true,
                "flow_shift", 3.0);
        String[][] pairs = {{"unipc", "VP_SIGMA"}, {"dpm++2m", "VP_SIGMA"}, {"unipc", "FLOW"}};
        for (String[] p : pairs) {
            Space space = Space.valueOf(p[1]);
            Map<String, Object> first = new HashMap<>(space == Space.FLOW ? flow : Map.of());
            first.put("solver_order", 1);
            Map<String, Object> second = new HashMap<>(first);
            second.put("solver_order", 2);
            PredictionType type = space == Space.FLOW ? PredictionType.FLOW_PREDICTION : PredictionType.EPSILON;
            double e1 = gaussianError(new Config(p[0], first, space, type), 40);
            double e2 = gaussianError(new Config(p[0], second, space, type), 40);
            assertTrue(e2 < e1 / 2, p[0] + " " + space + ": order 1 error " + e1 + ", order 2 error " + e2);
        }
    }
}
