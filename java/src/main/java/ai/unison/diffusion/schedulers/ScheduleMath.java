package ai.unison.diffusion.schedulers;

/**
 * The 1-D schedule math shared by the schedulers, in Java doubles and floats, reproducing what
 * upstream computes with numpy (float64) and torch (float32) closely enough that timesteps come out
 * identical and sigmas within an ulp.
 */
final class ScheduleMath {
    private ScheduleMath() {
    }

    // ---- betas and alphas_cumprod (torch float32 in upstream) ----

    /**
     * Betas of a named schedule as float32, like upstream's {@code torch.linspace(..., dtype=float32)}
     * (float endpoints, each value rounded once from double; torch 1.13 differs in at most the last bit
     * of isolated entries) or, for {@code squaredcos_cap_v2}, {@code betas_for_alpha_bar}.
     */
    static float[] betas(ConfigReader cfg, int n) {
        double[] trained = cfg.reals("trained_betas");
        double start = cfg.real("beta_start", 0.0001);
        double end = cfg.real("beta_end", 0.02);
        String schedule = cfg.choice("beta_schedule", "linear", "linear", "scaled_linear", "squaredcos_cap_v2");
        if (trained != null) {
            if (trained.length != n) {
                throw cfg.fail("trained_betas", trained.length + " values for num_train_timesteps=" + n);
            }
            float[] b = new float[n];
            for (int i = 0; i < n; i++) {
                b[i] = (float) trained[i];
            }
            return b;
        }
        return switch (schedule) {
            case "linear" -> linspaceFloat(start, end, n, false);
            case "scaled_linear" -> linspaceFloat(Math.sqrt(start), Math.sqrt(end), n, true);
            default -> cosineBetas(n);
        };
    }

    private static float[] linspaceFloat(double start, double end, int n, boolean square) {
        float s = (float) start;
        float e = (float) end;
        double step = n == 1 ? 0 : ((double) e - (double) s) / (n - 1);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            float v = (float) (s + step * i);
            out[i] = square ? v * v : v;
        }
        return out;
    }

    /** Upstream {@code betas_for_alpha_bar(n)} with the cosine transform and max_beta 0.999. */
    private static float[] cosineBetas(int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double t1 = (double) i / n;
            double t2 = (double) (i + 1) / n;
            out[i] = (float) Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
        }
        return out;
    }

    private static double alphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** Upstream {@code rescale_zero_terminal_snr}, in float32 as torch computes it. */
    static float[] rescaleZeroTerminalSnr(float[] betas) {
        int n = betas.length;
        float[] sqrt = alphasCumprod(betas);
        for (int i = 0; i < n; i++) {
            sqrt[i] = (float) Math.sqrt(sqrt[i]);
        }
        float first = sqrt[0];
        float last = sqrt[n - 1];
        float scale = first / (first - last);
        float[] bar = new float[n];
        for (int i = 0; i < n; i++) {
            float v = (sqrt[i] - last) * scale;
            bar[i] = v * v;
        }
        float[] out = new float[n];
        out[0] = 1f - bar[0];
        for (int i = 1; i < n; i++) {
            out[i] = 1f - bar[i] / bar[i - 1];
        }
        return out;
    }

    /** {@code torch.cumprod(1 - betas)} in float32 (torch accumulates in double). */
    static float[] alphasCumprod(float[] betas) {
        float[] out = new float[betas.length];
        double acc = 1;
        for (int i = 0; i < betas.length; i++) {
            acc *= 1f - betas[i];
            out[i] = (float) acc;
        }
        return out;
    }

    /** The noise levels of the training schedule, {@code ((1 - a) / a) ** 0.5} in float32. */
    static float[] trainingSigmas(float[] alphasCumprod) {
        float[] out = new float[alphasCumprod.length];
        for (int i = 0; i < out.length; i++) {
            float a = alphasCumprod[i];
            out[i] = (float) Math.sqrt((1f - a) / a);
        }
        return out;
    }

    // ---- numpy float64 helpers ----

    /** {@code np.linspace(start, stop, num)}: {@code i * step + start}, the last value exactly {@code stop}. */
    static double[] linspace(double start, double stop, int num) {
        double[] out = new double[num];
        if (num == 1) {
            out[0] = start;
            return out;
        }
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            out[i] = i * step + start;
        }
        out[num - 1] = stop;
        return out;
    }

    /** {@code np.interp(x, arange(len(fp)), fp)} for x inside [0, len-1]. */
    static double[] interpIndex(double[] x, float[] fp) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            int j = (int) Math.floor(v);
            if (v <= 0) {
                out[i] = fp[0];
            } else if (j >= fp.length - 1) {
                out[i] = fp[fp.length - 1];
            } else if (j == v) {
                out[i] = fp[j];
            } else {
                double slope = (double) fp[j + 1] - fp[j];
                out[i] = slope * (v - j) + fp[j];
            }
        }
        return out;
    }

    /** Karras et al. (2022) noise levels, rho = 7, from {@code sigmaMax} down to {@code sigmaMin}. */
    static double[] karras(double sigmaMin, double sigmaMax, int n) {
        double rho = 7.0;
        double[] ramp = linspace(0, 1, n);
        double minInv = Math.pow(sigmaMin, 1 / rho);
        double maxInv = Math.pow(sigmaMax, 1 / rho);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.pow(maxInv + ramp[i] * (minInv - maxInv), rho);
        }
        return out;
    }

    /** Geometric noise levels from {@code sigmaMax} down to {@code sigmaMin}. */
    static double[] exponential(double sigmaMin, double sigmaMax, int n) {
        double[] l = linspace(Math.log(sigmaMax), Math.log(sigmaMin), n);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.exp(l[i]);
        }
        return out;
    }

    /** {@code np.log} of a float32 array, kept in float32. */
    static float[] logs(float[] sigmas) {
        float[] out = new float[sigmas.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) Math.log(sigmas[i]);
        }
        return out;
    }

    /**
     * Upstream {@code _sigma_to_t}: the fractional training timestep whose noise level is {@code sigma},
     * interpolating linearly in log-sigma over the ascending training sigmas.
     */
    static double sigmaToT(double sigma, float[] logSigmas) {
        double logSigma = Math.log(Math.max(sigma, 1e-10));
        int low = 0;
        for (int i = 0; i < logSigmas.length; i++) {
            if (logSigma - logSigmas[i] >= 0) {
                low = i;
            }
        }
        low = Math.min(low, logSigmas.length - 2);
        float lo = logSigmas[low];
        float hi = logSigmas[low + 1];
        double w = (lo - logSigma) / (double) (lo - hi);
        w = Math.max(0, Math.min(1, w));
        return (1 - w) * low + w * (low + 1);
    }
}
