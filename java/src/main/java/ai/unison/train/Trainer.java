package ai.unison.train;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Threads;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The training loop shared by every trainer. Each step, inside its own native scope: drop the
 * gradients, compute the {@link TrainStep}'s loss with a generator seeded by {@link #stepSeed}, back-propagate,
 * clip the global gradient norm, and take an AdamW step at the schedule's learning rate. Every
 * {@code logEvery} steps it appends the mean loss, learning rate, gradient norm and seconds per step to
 * {@code loss.csv} and prints them; every {@code checkpointEvery} steps, at the end, and when the
 * wall-clock budget runs out it writes a checkpoint that {@code resume} continues from, bit for bit.
 * With {@link TrainConfig#ema()} set it also keeps an {@link Ema} of the weights, updated after every step,
 * saved in every checkpoint; evaluations read the average, and when {@link #run} returns the parameters hold the
 * average (the checkpoints keep the training values), so that a trainer exports it.
 *
 * <pre>{@code
 * try (Parameters params = new Parameters(); Rng init = new Rng(config.seed());
 *      Model model = new Model(params.weights(init, ParameterInit.standard(0.02)), modelConfig)) {
 *     TrainResult r = new Trainer(config, params).run((step, rng) -> model.loss(batch(rng)));
 *     params.save(dir.resolve("model.safetensors"), DType.BFLOAT16, Map.of());
 * }
 * }</pre>
 *
 * Bit-identical resume holds for the same seed, thread count and machine: libtorch's CPU kernels are
 * deterministic for a fixed thread count.
 */
public final class Trainer {
    private static final int RECENT = 20;

    private final TrainConfig config;
    private final Parameters parameters;
    private Predicate<String> noDecay = AdamW.NORMS_BIASES_EMBEDDINGS;
    private EvalHook eval;
    private int evalEvery;
    private Map<String, ?> info = Map.of();
    private PrintStream log = System.out;

    public Trainer(TrainConfig config, Parameters parameters) {
        this.config = config;
        this.parameters = parameters;
    }

    /** Which parameters take no weight decay (default {@link AdamW#NORMS_BIASES_EMBEDDINGS}). */
    public Trainer noDecay(Predicate<String> names) {
        this.noDecay = names;
        return this;
    }

    /** Evaluates every {@code every} completed steps and at the end. */
    public Trainer eval(int every, EvalHook hook) {
        if (every < 1) {
            throw new IllegalArgumentException("eval interval must be >= 1, got " + every);
        }
        this.evalEvery = every;
        this.eval = hook;
        return this;
    }

    /** Extra facts recorded in every checkpoint's {@code state.json} under {@code model} (e.g. the model config). */
    public Trainer info(Map<String, ?> facts) {
        this.info = Map.copyOf(facts);
        return this;
    }

    /** Where progress lines go (default standard output). */
    public Trainer log(PrintStream out) {
        this.log = out;
        return this;
    }

    /**
     * The seed of step {@code step}'s generator: the run's seed, scrambled (so runs with neighbouring seeds
     * share no data, and an init generator {@code new Rng(seed)} differs from every step's), plus the step.
     */
    public static long stepSeed(long seed, long step) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) + step;
    }

    /** Trains until all steps are done or the budget runs out, resuming first if asked and possible. */
    public TrainResult run(TrainStep step) {
        Path out = config.out();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        int threadsBefore = Threads.get();
        Threads.set(config.threads());
        try {
            return resumeAndTrain(step, out);
        } finally {
            Threads.set(threadsBefore);
        }
    }

    private TrainResult resumeAndTrain(TrainStep step, Path out) {
        Checkpoints checkpoints = new Checkpoints(out);
        Optional<Path> latest = checkpoints.latest();
        if (latest.isPresent() && !config.resume()) {
            throw new IllegalStateException(out + " already holds a checkpoint (" + latest.get().getFileName()
                    + "); pass --resume to continue it or choose another output folder");
        }
        CsvLog losses = new CsvLog(out.resolve("loss.csv"), "step,loss,lr,grad_norm,step_seconds,elapsed_seconds");
        CsvLog metrics = new CsvLog(out.resolve("metrics.csv"), "step,metric,value");
        try (AdamW optimizer = new AdamW(parameters, config.adamw(), noDecay);
             Ema ema = config.ema() > 0 ? new Ema(parameters, config.ema()) : null) {
            long start = 0;
            double before = 0;
            ArrayDeque<Double> recent = new ArrayDeque<>();
            if (latest.isPresent()) {
                Checkpoints.State state = Checkpoints.read(latest.get());
                if (state.seed() != config.seed()) {
                    throw new IllegalStateException(latest.get() + " was trained with seed " + state.seed()
                            + "; resuming it with seed " + config.seed() + " would not reproduce the run");
                }
                parameters.restore(latest.get().resolve(Checkpoints.PARAMETERS));
                optimizer.load(latest.get().resolve(Checkpoints.OPTIMIZER));
                if (ema != null) {
                    resumeAverage(ema, latest.get());
                }
                start = state.step();
                before = state.elapsedSeconds();
                recent.addAll(state.recentLosses());
                log.printf(Locale.ROOT, "resuming from %s (step %d of %d)%n", latest.get(), start, config.steps());
            } else if (config.resume()) {
                log.println("no checkpoint in " + out + " yet; starting at step 0");
            }
            losses.startAt(start);
            metrics.startAt(start);
            TrainResult r = new Loop(step, optimizer, ema, checkpoints, losses, metrics, start, before, recent).run();
            if (ema != null) {
                ema.swap();
            }
            return r;
        }
    }

    /** The checkpoint's average, or (a checkpoint of a run without one) a fresh average from the restored weights. */
    private void resumeAverage(Ema ema, Path checkpoint) {
        Path file = checkpoint.resolve(Checkpoints.EMA);
        if (Files.isRegularFile(file)) {
            ema.load(file);
        } else {
            ema.restart();
            log.printf(Locale.ROOT, "%s holds no weight average; the average starts from its weights%n", checkpoint);
        }
    }

    /** The state of one run of the loop. */
    private final class Loop {
        private final TrainStep trainStep;
        private final AdamW optimizer;
        private final Ema ema;
        private final Checkpoints checkpoints;
        private final CsvLog losses;
        private final CsvLog metrics;
        private final double before;
        private final ArrayDeque<Double> recent;
        private final long runStart = System.nanoTime();
        private long step;
        private long savedStep = -1;
        private long evaluatedStep = -1;
        private Path checkpoint;
        private Map<String, Double> lastMetrics = Map.of();

        Loop(TrainStep trainStep, AdamW optimizer, Ema ema, Checkpoints checkpoints, CsvLog losses, CsvLog metrics,
             long start, double before, ArrayDeque<Double> recent) {
            this.trainStep = trainStep;
            this.optimizer = optimizer;
            this.ema = ema;
            this.checkpoints = checkpoints;
            this.losses = losses;
            this.metrics = metrics;
            this.step = start;
            this.before = before;
            this.recent = recent;
        }

        TrainResult run() {
            long first = step;
            double windowLoss = 0;
            int windowSteps = 0;
            double windowStart = runSeconds();
            boolean outOfBudget = false;
            while (step < config.steps()) {
                double mean = step > first ? runSeconds() / (step - first) : 0;
                if (config.budget() != null && runSeconds() + mean > config.budget().toNanos() / 1e9) {
                    outOfBudget = true;
                    break;
                }
                double lr = config.schedule().at(step);
                double loss;
                double gradNorm;
                try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(stepSeed(config.seed(), step))) {
                    parameters.zeroGrad();
                    Tensor l = trainStep.loss(step, rng);
                    loss = l.item().toDouble();
                    if (!Double.isFinite(loss)) {
                        throw new IllegalStateException("loss is " + loss + " at step " + step);
                    }
                    if (!l.requires_grad()) {
                        throw new IllegalStateException("the loss does not depend on any trainable parameter; "
                                + "build the model over Parameters.weights()");
                    }
                    l.backward();
                    gradNorm = GradClip.clip(parameters, config.clipNorm());
                    if (!Double.isFinite(gradNorm)) {
                        throw new IllegalStateException("gradient norm is " + gradNorm + " at step " + step);
                    }
                    optimizer.step(lr);
                    parameters.zeroGrad();
                }
                if (ema != null) {
                    ema.update();
                }
                step++;
                recent.addLast(loss);
                if (recent.size() > RECENT) {
                    recent.removeFirst();
                }
                windowLoss += loss;
                windowSteps++;
                if (step % config.logEvery() == 0 || step == config.steps()) {
                    double now = runSeconds();
                    logRow(windowLoss / windowSteps, lr, gradNorm, (now - windowStart) / windowSteps);
                    windowLoss = 0;
                    windowSteps = 0;
                    windowStart = now;
                }
                if (eval != null && step % evalEvery == 0) {
                    evaluate();
                }
                if (step % config.checkpointEvery() == 0) {
                    save();
                }
            }
            if (eval != null && evaluatedStep != step) {
                evaluate();
            }
            if (savedStep != step) {
                save();
            }
            if (outOfBudget) {
                log.printf(Locale.ROOT, "wall-clock budget of %s reached after step %d of %d; checkpoint %s%n",
                        config.budget(), step, config.steps(), checkpoint);
            }
            return new TrainResult(step, step >= config.steps(), outOfBudget, List.copyOf(recent),
                    Duration.ofNanos((long) (elapsedSeconds() * 1e9)), checkpoint, lastMetrics);
        }

        private void logRow(double loss, double lr, double gradNorm, double stepSeconds) {
            losses.append(String.format(Locale.ROOT, "%d,%.6g,%.6g,%.6g,%.4f,%.1f", step, loss, lr, gradNorm,
                    stepSeconds, elapsedSeconds()));
            log.printf(Locale.ROOT, "step %d/%d  loss %.5f  lr %.3e  grad %.3f  %.3f s/step  elapsed %s%n", step,
                    config.steps(), loss, lr, gradNorm, stepSeconds, format(elapsedSeconds()));
        }

        private void evaluate() {
            Map<String, Double> m;
            if (ema != null) {
                ema.swap();
            }
            try (NativeScope scope = NativeScope.open(); NoGradGuard noGrad = new NoGradGuard()) {
                m = new LinkedHashMap<>(eval.evaluate(step));
            } finally {
                if (ema != null) {
                    ema.swap();
                }
            }
            StringBuilder line = new StringBuilder("eval step " + step + ":");
            m.forEach((k, v) -> {
                metrics.append(String.format(Locale.ROOT, "%d,%s,%.6g", step, k, v));
                line.append(String.format(Locale.ROOT, "  %s %.4f", k, v));
            });
            log.println(line);
            lastMetrics = Map.copyOf(m);
            evaluatedStep = step;
        }

        private void save() {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("step", step);
            state.put("total_steps", config.steps());
            state.put("seed", config.seed());
            state.put("elapsed_seconds", elapsedSeconds());
            state.put("last_loss", recent.isEmpty() ? null : recent.peekLast());
            state.put("recent_losses", List.copyOf(recent));
            state.put("parameters", parameters.count());
            state.put("config", config.describe());
            state.put("model", info);
            if (!lastMetrics.isEmpty()) {
                state.put("metrics", lastMetrics);
            }
            checkpoint = checkpoints.write(step, parameters, optimizer, ema, state, config.keepCheckpoints());
            savedStep = step;
        }

        private double runSeconds() {
            return (System.nanoTime() - runStart) / 1e9;
        }

        private double elapsedSeconds() {
            return before + runSeconds();
        }
    }

    static String format(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
