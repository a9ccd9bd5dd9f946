package ai.unison.diffusion.schedulers;

import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;

/**
 * What every scheduler shares: the current schedule (timesteps and float32 sigmas) and the step
 * counter. The first step finds its index by timestep (so a run may start part-way, as img2img does);
 * every later step must pass the next timestep of the schedule. Unlike diffusers, a run that starts at
 * the first timestep starts at index 0 even when that timestep repeats (UniPC's truncated integer
 * timesteps do for long flow schedules: diffusers would skip the first sigma there).
 */
abstract class BaseScheduler implements Scheduler {
    private final String className;
    /** The timesteps of the schedule, stepped in this order. */
    double[] timesteps = new double[0];
    /** One noise level per timestep plus the final one, as float32; empty for schedulers without sigmas. */
    float[] sigmas = new float[0];
    private boolean scheduled;
    private int stepIndex = -1;

    BaseScheduler(String className) {
        this.className = className;
    }

    @Override
    public final String className() {
        return className;
    }

    @Override
    public final void setTimesteps(int numInferenceSteps) {
        checkSteps(numInferenceSteps);
        schedule(numInferenceSteps, Double.NaN);
        started();
    }

    @Override
    public final void setTimesteps(int numInferenceSteps, double mu) {
        if (!dynamicShifting()) {
            throw new UnsupportedOperationException(className + " takes no mu: it is not configured for dynamic shifting"
                    + " (use_dynamic_shifting)");
        }
        checkSteps(numInferenceSteps);
        schedule(numInferenceSteps, mu);
        started();
    }

    /** Whether the schedule is shifted by a {@code mu} given to {@link #setTimesteps(int, double)}. */
    boolean dynamicShifting() {
        return false;
    }

    /** Builds {@link #timesteps} and {@link #sigmas}; {@code mu} is NaN unless given. */
    abstract void schedule(int numInferenceSteps, double mu);

    /** Forgets any solver state; called whenever a new schedule is set. */
    void resetState() {
    }

    final void checkSteps(int numInferenceSteps) {
        if (numInferenceSteps < 1) {
            throw new IllegalArgumentException(className + ": numInferenceSteps must be at least 1, got "
                    + numInferenceSteps);
        }
    }

    final void started() {
        scheduled = true;
        stepIndex = -1;
        resetState();
    }

    @Override
    public final double[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public final double[] sigmas() {
        double[] out = new double[sigmas.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = sigmas[i];
        }
        return out;
    }

    @Override
    public final int stepIndex() {
        return Math.max(stepIndex, 0);
    }

    @Override
    public boolean needsNoise() {
        return false;
    }

    @Override
    public Tensor scaleModelInput(Tensor sample, double timestep) {
        indexOf(timestep);
        return sample;
    }

    /** The index of the step at {@code timestep}, checking that it is the next one. */
    final int indexOf(double timestep) {
        if (!scheduled) {
            throw new IllegalStateException(className + ": call setTimesteps before stepping");
        }
        if (stepIndex < 0) {
            stepIndex = lookup(timestep);
        }
        if (stepIndex >= timesteps.length) {
            throw new IllegalStateException(className + ": the schedule of " + timesteps.length
                    + " steps is finished; call setTimesteps to start another run");
        }
        if (timesteps[stepIndex] != timestep) {
            throw new IllegalArgumentException(className + ": step " + stepIndex + " is at timestep "
                    + timesteps[stepIndex] + ", got " + timestep);
        }
        return stepIndex;
    }

    /** Moves to the next step; called at the end of {@link #step}. */
    final void advance() {
        stepIndex++;
    }

    /**
     * Where a run starts: at 0 when {@code timestep} is the first of the schedule, else (a run that starts
     * part-way) its position, the second one if it occurs twice, as diffusers picks it.
     */
    final int lookup(double timestep) {
        if (timesteps.length > 0 && timesteps[0] == timestep) {
            return 0;
        }
        int first = -1;
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] == timestep) {
                if (first >= 0) {
                    return i;
                }
                first = i;
            }
        }
        if (first < 0) {
            throw new IllegalArgumentException(className + ": timestep " + timestep + " is not in the schedule "
                    + Arrays.toString(timesteps));
        }
        return first;
    }

    /** The index of {@code timestep} in the schedule, for {@link #addNoise}. */
    final int scheduleIndex(double timestep) {
        for (int i = 0; i < timesteps.length; i++) {
            if (timesteps[i] == timestep) {
                return i;
            }
        }
        throw new IllegalArgumentException(className + ": timestep " + timestep + " is not in the schedule "
                + Arrays.toString(timesteps));
    }

    @Override
    public void close() {
        resetState();
    }
}
