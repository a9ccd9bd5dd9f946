package ai.unison.diffusion.schedulers;

import org.bytedeco.pytorch.Tensor;

/**
 * A diffusion sampler in the shape of diffusers' schedulers. Configure it from a
 * {@code scheduler_config.json} ({@link Schedulers#fromConfig}), call {@link #setTimesteps} before each
 * run, then for every timestep {@code t} in order:
 *
 * <pre>{@code
 * Tensor in = scheduler.scaleModelInput(sample, t);
 * Tensor out = model(in, t);
 * sample = scheduler.step(out, t, sample);
 * }</pre>
 *
 * <p>Multistep solvers remember earlier model outputs between steps; {@link #setTimesteps} forgets
 * them and {@link #close} frees them. The sample passed to a step is expected to be the previous step's
 * result, possibly changed by the caller (UniPC corrects the sample it is given). Tensors passed in are
 * never modified; returned tensors belong to the caller (to the innermost open {@code NativeScope}).
 * Results keep the sample's dtype and device. One run at a time: a scheduler is not thread-safe.
 */
public interface Scheduler extends AutoCloseable {
    /** The diffusers class this implements, e.g. {@code UniPCMultistepScheduler}. */
    String className();

    /** Builds the schedule for {@code numInferenceSteps} steps and clears the solver state. */
    void setTimesteps(int numInferenceSteps);

    /**
     * As {@link #setTimesteps(int)} with the resolution-dependent shift {@code mu} of schedulers
     * configured with {@code use_dynamic_shifting}; others reject it.
     */
    void setTimesteps(int numInferenceSteps, double mu);

    /** The timesteps of the current schedule, in the order they are stepped (integers or float32 values). */
    double[] timesteps();

    /**
     * The noise levels of the current schedule (float32 values, one more than timesteps), or empty when
     * the scheduler has none (DDIM).
     */
    double[] sigmas();

    /** The standard deviation of the initial noise: the pure-noise latents are {@code randn * initNoiseSigma()}. */
    double initNoiseSigma();

    /** The index of the next step in {@link #timesteps()}; 0 after {@link #setTimesteps}. */
    int stepIndex();

    /** Whether {@link #step} draws noise (it then needs a {@link NoiseSource}). */
    boolean needsNoise();

    /**
     * The model input for {@code timestep}: {@code sample} itself (the same object) for most schedulers,
     * a new scaled tensor for Euler's ({@code sample / sqrt(sigma^2 + 1)}).
     */
    Tensor scaleModelInput(Tensor sample, double timestep);

    /** One deterministic step from {@code timestep} to the next: the previous (less noisy) sample. */
    default Tensor step(Tensor modelOutput, double timestep, Tensor sample) {
        return step(modelOutput, timestep, sample, NoiseSource.none());
    }

    /** One step, drawing any noise it needs from {@code noise}. */
    Tensor step(Tensor modelOutput, double timestep, Tensor sample, NoiseSource noise);

    /** {@code original} noised to the level of {@code timestep} with {@code noise} (img2img, training). */
    Tensor addNoise(Tensor original, Tensor noise, double timestep);

    /** Frees the solver state; the scheduler can be used again after {@link #setTimesteps}. */
    @Override
    void close();
}
