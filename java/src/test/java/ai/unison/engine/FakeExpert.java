package ai.unison.engine;

import ai.unison.api.Frames;
import ai.unison.api.Plan;
import ai.unison.api.Settings;
import ai.unison.api.Size;
import ai.unison.api.Task;
import ai.unison.route.Expert;
import ai.unison.route.ExpertOutOfMemoryException;
import ai.unison.route.Job;
import ai.unison.route.Outcome;
import ai.unison.route.Snap;
import ai.unison.route.StepControl;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * An expert for tests: Wan-style snapping (default 32×32, 5 frames), {@link #steps} denoising steps
 * per batch, frames filled with the job's seed. By the words of a request: "explode" fails that job
 * alone, "poison" makes any batch holding it throw, "huge" runs out of memory in any batch.
 * Batches larger than {@link #oomAbove} run out of memory. Every batch is recorded.
 */
public class FakeExpert implements Expert {
    public final String name;
    public final Set<Task> tasks;
    public int steps = 3;
    public int maxBatch = 16;
    public int oomAbove = Integer.MAX_VALUE;
    public long bytesPerPixel = 1;
    public volatile long stepMillis;
    /** When set, the first batch waits for it; {@link #started} counts down when a batch starts. */
    public volatile CountDownLatch gate;
    public volatile CountDownLatch started = new CountDownLatch(1);
    /** Called before each {@code control.step} with the batch and the step number. */
    public volatile BiConsumer<List<Job>, Integer> onStep;
    public final List<List<Job>> batches = new CopyOnWriteArrayList<>();
    public final List<Thread> threads = new CopyOnWriteArrayList<>();
    public final AtomicInteger stoppedEarly = new AtomicInteger();
    public volatile boolean closed;
    /** Whether batches and threads are recorded (a soak turns it off: recorded jobs keep their results alive). */
    public boolean record = true;

    public FakeExpert(String name, Set<Task> tasks) {
        this.name = name;
        this.tasks = tasks;
    }

    /** Serves every generation task. */
    public FakeExpert() {
        this("fake-wan", EnumSet.complementOf(EnumSet.of(Task.TEXT_UNDERSTANDING, Task.IMAGE_UNDERSTANDING,
                Task.VIDEO_UNDERSTANDING)));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String version() {
        return name + " 7";
    }

    @Override
    public Set<Task> tasks() {
        return tasks;
    }

    @Override
    public Settings defaults() {
        return new Settings(steps, 5.0, "unipc");
    }

    @Override
    public Size snap(Plan plan, Size requested) {
        return Snap.wan(requested, plan.task().output() == Task.Modality.VIDEO, 32, 32, 5);
    }

    @Override
    public long bytesPerJob(Job job) {
        Size s = job.executed();
        return 2L * s.width() * s.height() * s.frames() * bytesPerPixel;
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public List<Outcome> runBatch(List<Job> jobs, StepControl control) {
        if (record) {
            threads.add(Thread.currentThread());
            batches.add(jobs);
        }
        started.countDown();
        CountDownLatch g = gate;
        if (g != null) {
            await(g);
        }
        for (Job j : jobs) {
            if (j.plan().prompt().contains("poison")) {
                throw new IllegalStateException("the batch produced NaNs");
            }
            if (j.plan().prompt().contains("huge")) {
                throw new RuntimeException("CUDA out of memory. Tried to allocate 20.00 GiB");
            }
        }
        if (jobs.size() > oomAbove) {
            throw new ExpertOutOfMemoryException("batch of " + jobs.size() + " does not fit");
        }
        control.stage(StepControl.Stage.ENCODE);
        control.stage(StepControl.Stage.DENOISE);
        int total = jobs.get(0).settings().steps();
        for (int i = 1; i <= total; i++) {
            if (stepMillis > 0) {
                sleep(stepMillis);
            }
            BiConsumer<List<Job>, Integer> hook = onStep;
            if (hook != null) {
                hook.accept(jobs, i);
            }
            if (!control.step(i, total)) {
                stoppedEarly.incrementAndGet();
                List<Outcome> none = new ArrayList<>();
                for (Job j : jobs) {
                    none.add(Outcome.failed(new IllegalStateException("stopped")));
                }
                return none;
            }
        }
        control.stage(StepControl.Stage.DECODE);
        List<Outcome> out = new ArrayList<>();
        for (Job j : jobs) {
            if (j.plan().prompt().contains("explode")) {
                out.add(Outcome.failed(new IllegalArgumentException("mask attachment has 4 channels")));
                continue;
            }
            out.add(Outcome.done(frames(j)));
        }
        return out;
    }

    /** The job's frames: every byte is its seed, unless overridden. */
    protected Frames frames(Job j) {
        Size s = j.executed();
        byte[] data = new byte[s.frames() * s.height() * s.width() * 3];
        java.util.Arrays.fill(data, (byte) j.seed());
        return Frames.of(s.frames(), s.height(), s.width(), 3, data);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("expert gate never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sizes of the batches run so far. */
    public List<Integer> batchSizes() {
        return batches.stream().map(List::size).toList();
    }

    @Override
    public void close() {
        threads.add(Thread.currentThread());
        closed = true;
    }
}
