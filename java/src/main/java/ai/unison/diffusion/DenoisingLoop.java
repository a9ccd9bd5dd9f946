package ai.unison.diffusion;

import ai.unison.diffusion.schedulers.NoiseSource;
import ai.unison.diffusion.schedulers.Scheduler;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The sampling loop: for every timestep of the scheduler, one model call (the unconditional and
 * conditional passes batched into one when guidance is active), guidance, and one scheduler step.
 * Each step runs in its own native scope, so the only tensors that outlive a step are the new latents
 * and the scheduler's own state. Cancellation is checked before every step; progress is reported
 * after every step. A loop may start part-way through the schedule ({@link Builder#firstStep}, as
 * diffusers' image-to-image pipelines do with {@code strength}), and an {@link Observer} sees every
 * step's guided prediction.
 *
 * <pre>{@code
 * DenoisingLoop loop = DenoisingLoop.builder(Schedulers.wanUniPC(5.0)).steps(50)
 *         .guidance(Guidance.of(5.0)).progress((i, n, t) -> ...).build();
 * Tensor latents = loop.run(model, noise, cond, uncond);
 * }</pre>
 */
public final class DenoisingLoop {
    /** Called after each step with the number of steps done so far. */
    @FunctionalInterface
    public interface Progress {
        void onStep(int stepsDone, int numSteps, double timestep);
    }

    /**
     * Sees each step's sample and guided model prediction before the scheduler steps; both are valid only during the
     * call (copy what must be kept). For debugging and previews: the flow-matching x0 estimate is
     * {@code sample - sigma * prediction}.
     */
    @FunctionalInterface
    public interface Observer {
        void onPrediction(int step, double timestep, double sigma, Tensor sample, Tensor prediction);
    }

    private final Scheduler scheduler;
    private final int steps;
    private final double mu;
    private final Guidance guidance;
    private final NoiseSource noise;
    private final boolean noiseGiven;
    private final Progress progress;
    private final BooleanSupplier cancelled;
    private final int firstStep;
    private final Observer observer;

    private DenoisingLoop(Builder b) {
        this.scheduler = b.scheduler;
        this.steps = b.steps;
        this.mu = b.mu;
        this.guidance = b.guidance;
        this.noise = b.noise;
        this.noiseGiven = b.noiseGiven;
        this.progress = b.progress;
        this.cancelled = b.cancelled;
        this.firstStep = b.firstStep;
        this.observer = b.observer;
    }

    public static Builder builder(Scheduler scheduler) {
        return new Builder(scheduler);
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Denoises {@code latents} (not modified) and returns the final latents, which belong to the
     * caller's scope. {@code uncond} is required when guidance is enabled and ignored otherwise. With a
     * {@link Builder#firstStep} k, {@code latents} must already be at the noise level of step k (e.g.
     * {@link Scheduler#addNoise} at {@code timesteps()[k]}); progress then counts the steps from k.
     *
     * @throws CancellationException when the cancellation check fires between two steps
     */
    public Tensor run(DenoisingModel model, Tensor latents, DenoiserConditioning cond, DenoiserConditioning uncond) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(cond, "cond");
        if (scheduler.needsNoise() && !noiseGiven) {
            throw new IllegalArgumentException(scheduler.className() + " draws noise every step: give the loop a "
                    + "NoiseSource (builder.noise(...))");
        }
        if (guidance.enabled() && uncond == null) {
            throw new IllegalArgumentException("guidance scale " + guidance.scale() + " needs an unconditional "
                    + "conditioning; pass one or use Guidance.none()");
        }
        if (Double.isNaN(mu)) {
            scheduler.setTimesteps(steps);
        } else {
            scheduler.setTimesteps(steps, mu);
        }
        double[] timesteps = scheduler.timesteps();
        double[] sigmas = scheduler.sigmas();
        int n = timesteps.length;
        if (firstStep >= n) {
            throw new IllegalArgumentException("first step " + firstStep + " is past the schedule's " + n + " steps");
        }
        long batch = latents.size(0);
        try (NativeScope run = NativeScope.open()) {
            DenoiserConditioning guided = guidance.enabled() ? DenoiserConditioning.concat(uncond, cond) : null;
            Tensor current = latents;
            try {
                for (int i = firstStep; i < n; i++) {
                    if (cancelled.getAsBoolean()) {
                        throw new CancellationException("denoising cancelled after " + (i - firstStep) + " of "
                                + (n - firstStep) + " steps");
                    }
                    double t = timesteps[i];
                    Tensor next;
                    try (NativeScope step = NativeScope.open()) {
                        boolean cfg = guidance.activeAt(i, n);
                        Tensor in = scheduler.scaleModelInput(current, t);
                        Tensor modelIn = cfg ? torch.cat(new TensorVector(in, in), 0) : in;
                        Tensor timestep = torch.full(new long[] {modelIn.size(0)}, Torch.scalar(t),
                                Torch.options(ScalarType.Float).device(new DeviceOptional(current.device())));
                        Tensor prediction = model.predict(modelIn, timestep, cfg ? guided : cond);
                        if (cfg) {
                            prediction = guidance.combine(prediction.narrow(0, 0, batch),
                                    prediction.narrow(0, batch, batch));
                        }
                        if (observer != null) {
                            observer.onPrediction(i, t, i < sigmas.length ? sigmas[i] : Double.NaN, current, prediction);
                        }
                        next = NativeScope.own(scheduler.step(prediction, t, current, noise));
                    }
                    if (current != latents) {
                        current.close();
                    }
                    current = next;
                    progress.onStep(i + 1 - firstStep, n - firstStep, t);
                }
            } catch (RuntimeException | Error e) {
                if (current != latents) {
                    current.close();
                }
                throw e;
            }
            return run.keep(current);
        }
    }

    /** Options of a loop; every one has a default except the scheduler. */
    public static final class Builder {
        private final Scheduler scheduler;
        private int steps = 50;
        private double mu = Double.NaN;
        private Guidance guidance = Guidance.none();
        private NoiseSource noise = NoiseSource.none();
        private boolean noiseGiven;
        private Progress progress = (i, n, t) -> { };
        private BooleanSupplier cancelled = () -> false;
        private int firstStep;
        private Observer observer;

        private Builder(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        }

        /** Number of denoising steps (default 50). */
        public Builder steps(int steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + steps);
            }
            this.steps = steps;
            return this;
        }

        /** The resolution-dependent shift of schedulers configured with dynamic shifting. */
        public Builder mu(double mu) {
            this.mu = mu;
            return this;
        }

        public Builder guidance(Guidance guidance) {
            this.guidance = Objects.requireNonNull(guidance, "guidance");
            return this;
        }

        /** Noise for stochastic schedulers (Euler-ancestral, DDIM with eta > 0). */
        public Builder noise(NoiseSource noise) {
            this.noise = Objects.requireNonNull(noise, "noise");
            this.noiseGiven = true;
            return this;
        }

        public Builder progress(Progress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** Checked before every step; when it returns true the run ends with a {@link CancellationException}. */
        public Builder cancelWhen(BooleanSupplier cancelled) {
            this.cancelled = Objects.requireNonNull(cancelled, "cancelled");
            return this;
        }

        /**
         * Starts at step {@code step} of the schedule instead of the first (0, the default): the latents given to
         * {@link #run} must be at that step's noise level. The schedule is still the one of {@link #steps}.
         */
        public Builder firstStep(int step) {
            if (step < 0) {
                throw new IllegalArgumentException("the first step must be >= 0, got " + step);
            }
            this.firstStep = step;
            return this;
        }

        /** Sees every step's sample and guided prediction (default: none). */
        public Builder observer(Observer observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        public DenoisingLoop build() {
            return new DenoisingLoop(this);
        }
    }
}
