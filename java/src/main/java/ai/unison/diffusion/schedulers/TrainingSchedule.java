package ai.unison.diffusion.schedulers;

/**
 * The discrete training noise schedule of the DDPM family ({@code betas} → {@code alphas_cumprod}, in
 * float32 like upstream) and the ways upstream spaces inference timesteps over it
 * ({@code timestep_spacing} linspace, leading, trailing; see Lin et al. 2023, table 2).
 */
final class TrainingSchedule {
    final int numTrainTimesteps;
    final float[] alphasCumprod;
    final String spacing;
    final int stepsOffset;

    /**
     * @param zeroSnrFloor   whether, with {@code rescale_betas_zero_snr}, the last alphas_cumprod is lifted
     *                       to 2^-24 so that its sigma stays finite (all but DDIM do this)
     * @param defaultSpacing the scheduler's upstream default {@code timestep_spacing}
     */
    TrainingSchedule(ConfigReader cfg, boolean zeroSnrFloor, String defaultSpacing) {
        numTrainTimesteps = cfg.integer("num_train_timesteps", 1000);
        float[] betas = ScheduleMath.betas(cfg, numTrainTimesteps);
        boolean zeroSnr = cfg.bool("rescale_betas_zero_snr", false);
        if (zeroSnr) {
            betas = ScheduleMath.rescaleZeroTerminalSnr(betas);
        }
        alphasCumprod = ScheduleMath.alphasCumprod(betas);
        if (zeroSnr && zeroSnrFloor) {
            alphasCumprod[numTrainTimesteps - 1] = (float) Math.pow(2, -24);
        }
        spacing = cfg.choice("timestep_spacing", defaultSpacing, "linspace", "leading", "trailing");
        stepsOffset = cfg.integer("steps_offset", 0);
    }

    /** {@code ((1 - a) / a) ** 0.5} for every training timestep, ascending. */
    float[] sigmas() {
        return ScheduleMath.trainingSigmas(alphasCumprod);
    }

    /** DDIM's integer timesteps, {@code n} of them, descending. */
    double[] ddimTimesteps(int n) {
        int big = numTrainTimesteps;
        double[] t = new double[n];
        switch (spacing) {
            case "linspace" -> {
                double[] l = ScheduleMath.linspace(0, big - 1, n);
                for (int i = 0; i < n; i++) {
                    t[i] = Math.rint(l[n - 1 - i]);
                }
            }
            case "leading" -> {
                int ratio = big / n;
                for (int i = 0; i < n; i++) {
                    t[i] = (double) (n - 1 - i) * ratio + stepsOffset;
                }
            }
            default -> {
                double[] a = trailing(big, n);
                for (int i = 0; i < n; i++) {
                    t[i] = Math.rint(a[i]) - 1;
                }
            }
        }
        return t;
    }

    /** Euler's float32 timesteps, {@code n} of them, descending (linspace is not rounded). */
    double[] eulerTimesteps(int n) {
        int big = numTrainTimesteps;
        double[] t = new double[n];
        switch (spacing) {
            case "linspace" -> {
                double[] l = ScheduleMath.linspace(0, big - 1, n);
                for (int i = 0; i < n; i++) {
                    t[i] = (float) l[n - 1 - i];
                }
            }
            case "leading" -> {
                int ratio = big / n;
                for (int i = 0; i < n; i++) {
                    t[i] = (float) ((double) (n - 1 - i) * ratio) + stepsOffset;
                }
            }
            default -> {
                double[] a = trailing(big, n);
                for (int i = 0; i < n; i++) {
                    t[i] = (float) Math.rint(a[i]) - 1;
                }
            }
        }
        return t;
    }

    /**
     * The multistep solvers' integer timesteps (DPM-Solver, UniPC): {@code n + 1} points with the last
     * dropped, below {@code lastTimestep} (the training length unless lambda clipping shortens it).
     */
    double[] multistepTimesteps(int n, int lastTimestep) {
        double[] t = new double[n];
        switch (spacing) {
            case "linspace" -> {
                double[] l = ScheduleMath.linspace(0, lastTimestep - 1, n + 1);
                for (int i = 0; i < n; i++) {
                    t[i] = Math.rint(l[n - i]);
                }
            }
            case "leading" -> {
                int ratio = lastTimestep / (n + 1);
                for (int i = 0; i < n; i++) {
                    t[i] = (double) (n - i) * ratio + stepsOffset;
                }
            }
            default -> {
                double[] a = trailing(lastTimestep, n);
                for (int i = 0; i < n; i++) {
                    t[i] = Math.rint(a[i]) - 1;
                }
            }
        }
        return t;
    }

    /** {@code np.arange(start, 0, -numTrainTimesteps / n)}, which upstream expects to hold n values. */
    private double[] trailing(int start, int n) {
        double step = (double) numTrainTimesteps / n;
        int len = (int) Math.ceil(start / step);
        if (len != n) {
            throw new IllegalArgumentException("trailing spacing from " + start + " gives " + len
                    + " timesteps for " + n + " inference steps");
        }
        double[] out = new double[len];
        for (int i = 0; i < len; i++) {
            out[i] = start + i * -step;
        }
        return out;
    }
}
