package ai.unison.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a {@link Trainer} runs: where it writes, how many optimizer steps, the seed, the learning-rate
 * schedule, AdamW, clipping, logging and checkpoint cadence, the wall-clock budget and the threads.
 * Build one with {@link #builder(Path)} (or from the command line through {@link TrainOptions}).
 *
 * @param out             folder for {@code loss.csv}, {@code metrics.csv} and {@code checkpoints/}
 * @param steps           total optimizer steps
 * @param batch           examples per step (the {@link TrainStep} reads it; recorded in checkpoints)
 * @param clipNorm        global gradient-norm limit; {@code <= 0} measures without clipping
 * @param checkpointEvery steps between checkpoints; one is always written at the end
 * @param keepCheckpoints how many of the newest checkpoints stay on disk
 * @param budget          wall-clock limit of this run; {@code null} for none
 * @param threads         libtorch intra-op threads; {@code <= 0} keeps libtorch's default
 * @param resume          continue from the newest checkpoint in {@code out} if there is one
 * @param ema             decay of an exponential moving average of the weights ({@link Ema}) that evaluations
 *                        read and the run ends with; 0 for none
 */
public record TrainConfig(Path out, long steps, int batch, long seed, LrSchedule schedule, AdamW.Options adamw,
                          double clipNorm, int logEvery, int checkpointEvery, int keepCheckpoints, Duration budget,
                          int threads, boolean resume, double ema) {
    public TrainConfig {
        if (out == null) {
            throw new IllegalArgumentException("an output folder is required (--out)");
        }
        if (steps < 1 || batch < 1 || logEvery < 1 || checkpointEvery < 1 || keepCheckpoints < 1) {
            throw new IllegalArgumentException("steps, batch, logEvery, checkpointEvery and keepCheckpoints must be"
                    + " >= 1, got " + steps + ", " + batch + ", " + logEvery + ", " + checkpointEvery + ", "
                    + keepCheckpoints);
        }
        if (ema != 0 && !(ema > 0 && ema < 1)) {
            throw new IllegalArgumentException("the EMA decay must be in (0, 1), or 0 for none, got " + ema);
        }
        if (schedule.total() != steps) {
            throw new IllegalArgumentException("the schedule covers " + schedule.total() + " steps, training runs "
                    + steps);
        }
    }

    public static Builder builder(Path out) {
        return new Builder(out);
    }

    /** The settings as plain values, for {@code state.json} and model cards. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("batch", batch);
        m.put("seed", seed);
        m.put("lr", schedule.peak());
        m.put("warmup", schedule.warmup());
        m.put("min_lr", schedule.floor());
        m.put("beta1", adamw.beta1());
        m.put("beta2", adamw.beta2());
        m.put("eps", adamw.eps());
        m.put("weight_decay", adamw.weightDecay());
        m.put("clip_norm", clipNorm);
        m.put("threads", threads);
        m.put("budget_minutes", budget == null ? null : budget.toSeconds() / 60.0);
        if (ema > 0) {
            m.put("ema", ema);
        }
        return m;
    }

    /** Defaults: 1000 steps, batch 8, seed 0, lr 1e-3 with 5% warm-up to a floor of lr/10, AdamW defaults, clip 1. */
    public static final class Builder {
        private final Path out;
        private long steps = 1000;
        private int batch = 8;
        private long seed;
        private double lr = 1e-3;
        private Long warmup;
        private Double minLr;
        private AdamW.Options adamw = AdamW.Options.defaults();
        private double clipNorm = 1.0;
        private int logEvery = 10;
        private int checkpointEvery = 500;
        private int keepCheckpoints = 2;
        private Duration budget;
        private int threads;
        private boolean resume;
        private double ema;

        private Builder(Path out) {
            this.out = out;
        }

        public Builder steps(long v) {
            steps = v;
            return this;
        }

        public Builder batch(int v) {
            batch = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Peak learning rate. */
        public Builder lr(double v) {
            lr = v;
            return this;
        }

        /** Warm-up steps (default 5% of the steps). */
        public Builder warmup(long v) {
            warmup = v;
            return this;
        }

        /** Learning rate at the end of the cosine (default lr/10). */
        public Builder minLr(double v) {
            minLr = v;
            return this;
        }

        public Builder adamw(AdamW.Options v) {
            adamw = v;
            return this;
        }

        public Builder clipNorm(double v) {
            clipNorm = v;
            return this;
        }

        public Builder logEvery(int v) {
            logEvery = v;
            return this;
        }

        public Builder checkpointEvery(int v) {
            checkpointEvery = v;
            return this;
        }

        public Builder keepCheckpoints(int v) {
            keepCheckpoints = v;
            return this;
        }

        public Builder budget(Duration v) {
            budget = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder resume(boolean v) {
            resume = v;
            return this;
        }

        /** Decay of the weights' moving average, 0 (the default) for none. */
        public Builder ema(double v) {
            ema = v;
            return this;
        }

        public TrainConfig build() {
            long w = warmup != null ? warmup : Math.min(steps, Math.max(1, steps / 20));
            double floor = minLr != null ? minLr : lr / 10;
            return new TrainConfig(out, steps, batch, seed, new LrSchedule(lr, w, steps, floor), adamw, clipNorm,
                    logEvery, checkpointEvery, keepCheckpoints, budget, threads, resume, ema);
        }
    }
}
