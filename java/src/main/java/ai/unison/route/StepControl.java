package ai.unison.route;

/**
 * The engine's hooks inside {@link Expert#runBatch}: stage markers for timings, and progress
 * between denoising steps, which is where cancellation and timeouts take effect.
 */
public interface StepControl {

    /** The stages of a generation, timed per batch. */
    enum Stage { ENCODE, DENOISE, DECODE }

    /** Does nothing and never stops; for running an expert outside the engine. */
    StepControl NONE = new StepControl() {
        @Override
        public void stage(Stage stage) {
        }

        @Override
        public boolean step(int done, int total) {
            return true;
        }
    };

    /** Marks the start of a stage; time before the first mark counts as encode. */
    void stage(Stage stage);

    /**
     * Reports that {@code done} of {@code total} denoising steps are finished; returns false when no
     * job of the batch is still live, and the expert should then stop and return at once (its
     * outcomes are discarded). Experts may also drop rows whose {@link Job#live} is false.
     */
    boolean step(int done, int total);
}
