package ai.unison.bench.engine;

import ai.unison.route.PlanTask;
import ai.unison.route.Planner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A stand-in planner with a GPU-like cost: each step is one forward over every admitted request,
 * costing a fixed latency plus a little per row, and a request needs one step per output token.
 * Requests starting "image:" plan a 64×64 image, "video:" a 17-frame 64×64 video, others are
 * answered. It only waits (parks), so it measures the engine's batching, not this machine's cores.
 */
final class SimulatedPlanner implements Planner {
    private static final long STEP_NANOS = 2_000_000;
    private static final long ROW_NANOS = 100_000;

    private final int slots;
    private final List<PlanTask> active = new ArrayList<>();
    private final List<Integer> left = new ArrayList<>();

    SimulatedPlanner(int slots) {
        this.slots = slots;
    }

    @Override
    public String version() {
        return "simulated-planner";
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public void admit(PlanTask task) {
        active.add(task);
        left.add(signal(task).length() / 2);
    }

    @Override
    public void step() {
        LockSupport.parkNanos(STEP_NANOS + ROW_NANOS * active.size());
        for (int i = active.size() - 1; i >= 0; i--) {
            PlanTask t = active.get(i);
            int n = left.get(i) - 1;
            if (n > 0 && t.live()) {
                left.set(i, n);
                continue;
            }
            active.remove(i);
            left.remove(i);
            if (t.live()) {
                t.complete(signal(t), null);
            } else {
                t.fail(new IllegalStateException("cancelled"));
            }
        }
    }

    private static String signal(PlanTask t) {
        String text = t.prepared().prompt();
        if (text.startsWith("image:")) {
            return "<BORES>64,64<EORES><CFI>";
        }
        if (text.startsWith("video:")) {
            return "<BORES>64,64<EORES><BONF>16<EONF><CFV>";
        }
        return "there are three circles and one square in the picture.";
    }

    @Override
    public void close() {
        active.clear();
        left.clear();
    }
}
