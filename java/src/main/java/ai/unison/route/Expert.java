package ai.unison.route;

import ai.unison.api.Input;
import ai.unison.api.Plan;
import ai.unison.api.Settings;
import ai.unison.api.Size;
import ai.unison.api.Task;
import java.util.List;
import java.util.Set;

/**
 * A generation model (for Unison: the Wan-VACE pipeline) serving some of the generation tasks.
 *
 * <p>Threads: {@link #runBatch} and {@link #close} are called on the expert's own engine thread,
 * which owns its tensors. The other methods are called from the routing and batching code on other
 * threads: they must be cheap, thread-safe and touch no tensors.
 *
 * <p>Batching: the engine groups jobs whose {@link #batchKey} is equal (by default: executed size
 * and frames, steps, scheduler), at most {@link #maxBatch} and at most what the memory budget allows
 * by {@link #bytesPerJob}; the conditional and unconditional passes of classifier-free guidance
 * belong in the same forward (the estimate must count both). Interactive jobs go first.
 */
public interface Expert extends AutoCloseable {

    /** Registry name, e.g. {@code wan-vace}; used in errors, results and versions. */
    String name();

    /** The model's version for results and sidecars. */
    String version();

    /** The generation tasks it serves. */
    Set<Task> tasks();

    /** Steps, guidance and scheduler when neither the request nor the engine options set them. */
    Settings defaults();

    /**
     * The size to run at for a plan: {@code requested} (override, else plan) snapped to what the
     * model accepts (Wan: multiples of 16 px, 4k+1 frames, see {@link Snap}); where it is null, the
     * first visual attachment's size, else the expert's default. Images have 1 frame. All fields set.
     */
    Size snap(Plan plan, Size requested);

    /**
     * {@link #snap(Plan, Size)} with the attachments' contents at hand (index i is
     * {@code plan.attachments().get(i)}), for experts that size outputs after their inputs; it may read
     * image headers or probe a video, nothing heavier. By default the attachments are not looked at.
     */
    default Size snap(Plan plan, Size requested, List<Input> inputs) {
        return snap(plan, requested);
    }

    /** Jobs with equal keys may share a batch. */
    default Object batchKey(Job job) {
        return List.of(job.executed(), job.settings().steps(), job.settings().scheduler());
    }

    /** Estimated peak bytes one job adds to a batch, guidance passes included. */
    long bytesPerJob(Job job);

    /** Most jobs per batch, whatever the memory budget. */
    default int maxBatch() {
        return 16;
    }

    /**
     * Runs a batch of jobs with equal batch keys and returns one outcome per job, in order. A job
     * that fails on its own (unreadable attachment, bad conditioning) gets {@link Outcome#failed};
     * the others complete. Throwing fails the batch as a whole: the engine retries it in halves (and
     * remembers a smaller size on {@link ExpertOutOfMemoryException} or a libtorch out-of-memory
     * error) so that only the culprit fails. Call {@code control.step} between denoising steps and
     * return at once when it answers false.
     */
    List<Outcome> runBatch(List<Job> jobs, StepControl control);

    @Override
    void close();
}
