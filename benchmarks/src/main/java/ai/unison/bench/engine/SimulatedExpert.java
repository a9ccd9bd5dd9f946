package ai.unison.bench.engine;

import ai.unison.api.Frames;
import ai.unison.api.Plan;
import ai.unison.api.Settings;
import ai.unison.api.Size;
import ai.unison.api.Task;
import ai.unison.route.Expert;
import ai.unison.route.Job;
import ai.unison.route.Outcome;
import ai.unison.route.Snap;
import ai.unison.route.StepControl;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * A stand-in generation expert with a GPU-like cost: encode and decode per batch, and each
 * denoising step one forward (conditional and unconditional rows together) costing a fixed latency
 * plus a little per latent frame of the batch. Frames are blank. It only waits (parks).
 */
final class SimulatedExpert implements Expert {
    private static final long ENCODE_NANOS = 3_000_000;
    private static final long STEP_NANOS = 4_000_000;
    private static final long FRAME_NANOS = 50_000;
    private static final long DECODE_NANOS = 2_000_000;

    @Override
    public String name() {
        return "simulated-wan";
    }

    @Override
    public String version() {
        return "simulated";
    }

    @Override
    public Set<Task> tasks() {
        return EnumSet.of(Task.TEXT_TO_IMAGE, Task.TEXT_TO_VIDEO);
    }

    @Override
    public Settings defaults() {
        return new Settings(8, 5.0, "unipc");
    }

    @Override
    public Size snap(Plan plan, Size requested) {
        return Snap.wan(requested, plan.task() == Task.TEXT_TO_VIDEO, 64, 64, 17);
    }

    @Override
    public long bytesPerJob(Job job) {
        Size s = job.executed();
        return 2L * s.width() * s.height() * s.frames() * 64;
    }

    @Override
    public List<Outcome> runBatch(List<Job> jobs, StepControl control) {
        int latentFrames = 0;
        for (Job j : jobs) {
            latentFrames += 2 * ((j.executed().frames() - 1) / 4 + 1);
        }
        control.stage(StepControl.Stage.ENCODE);
        LockSupport.parkNanos(ENCODE_NANOS);
        control.stage(StepControl.Stage.DENOISE);
        int steps = jobs.get(0).settings().steps();
        for (int i = 1; i <= steps; i++) {
            LockSupport.parkNanos(STEP_NANOS + FRAME_NANOS * latentFrames);
            if (!control.step(i, steps)) {
                break;
            }
        }
        control.stage(StepControl.Stage.DECODE);
        LockSupport.parkNanos(DECODE_NANOS + FRAME_NANOS * latentFrames);
        List<Outcome> out = new ArrayList<>();
        for (Job j : jobs) {
            Size s = j.executed();
            out.add(Outcome.done(Frames.of(s.frames(), s.height(), s.width(), 3, new byte[s.frames() * s.height() * s.width() * 3])));
        }
        return out;
    }

    @Override
    public void close() {
    }
}
