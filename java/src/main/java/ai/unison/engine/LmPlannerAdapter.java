package ai.unison.engine;

import ai.unison.api.PlanException;
import ai.unison.api.UnisonException;
import ai.unison.plan.LmPlanner;
import ai.unison.route.HiddenStates;
import ai.unison.route.PlanTask;
import ai.unison.route.Planner;
import ai.unison.runtime.DType;
import ai.unison.runtime.Devices;
import ai.unison.runtime.NativeScope;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The engine's {@link Planner} over a language-model planner folder ({@link LmPlanner}: a Qwen2 or
 * Qwen2.5-VL model with the signal tokens): admitted tasks join one continuous-batching session and
 * finish with the planner's constrained output. Plans read the request text with placeholders only.
 */
final class LmPlannerAdapter implements Planner {
    private static final int SLOTS = 16;

    private final LmPlanner planner;
    private final LmPlanner.Session session;
    private final String version;
    private final Map<PlanTask, CompletableFuture<LmPlanner.Planned>> pending = new LinkedHashMap<>();
    private final Map<PlanTask, CompletableFuture<String>> answering = new LinkedHashMap<>();
    private volatile boolean hiddenStates;

    LmPlannerAdapter(LmPlanner planner, String version) {
        this.planner = planner;
        this.session = planner.session(SLOTS);
        this.version = version;
    }

    static Planner open(Path dir, String device) {
        LmPlanner p = LmPlanner.open(dir, DType.FLOAT32, Devices.parse(device), SLOTS);
        return new LmPlannerAdapter(p, dir.getFileName() + " (" + p + ")");
    }

    /** The planner's hidden-state width (what a projector reads), 0 when the model has none. */
    int hiddenSize() {
        return planner.hiddenSize();
    }

    /** Whether generation plans carry the planner's last hidden states ({@link HiddenStates}) to the expert. */
    void emitHiddenStates(boolean on) {
        this.hiddenStates = on;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public int slots() {
        return SLOTS;
    }

    @Override
    public void admit(PlanTask task) {
        pending.put(task, session.submit(task.prepared(), task.answer()));
    }

    @Override
    public void step() {
        pending.entrySet().removeIf(e -> {
            if (e.getKey().isDone()) {
                e.getValue().cancel(false);
                return true;
            }
            if (!e.getKey().live()) {
                e.getValue().cancel(false);
                e.getKey().fail(new UnisonException(UnisonException.Reason.CANCELLED, "planning was cancelled"));
                return true;
            }
            return false;
        });
        if (session.hasWork()) {
            session.step();
        }
        pending.entrySet().removeIf(e -> {
            CompletableFuture<LmPlanner.Planned> f = e.getValue();
            if (!f.isDone()) {
                return false;
            }
            LmPlanner.Planned p = f.join();
            PlanTask task = e.getKey();
            if (p.ok() && p.plan().task().isUnderstanding() && task.answer() && planner.seesImages()
                    && !task.inputs().isEmpty()) {
                // the answer looks at the attachments: a second generation in the same session
                answering.put(task, session.submitVision(task.prepared(), task.inputs()));
            } else if (p.ok() && hiddenStates && !p.plan().task().isUnderstanding()) {
                HiddenStates h;
                try (NativeScope scope = NativeScope.open()) {
                    h = new HiddenStates(NativeScope.own(planner.hiddenStates(task.prepared(), p.output())));
                } catch (RuntimeException ex) {
                    task.fail(ex);
                    return true;
                }
                task.complete(p.output(), h);
            } else if (p.ok()) {
                e.getKey().complete(p.output(), null);
            } else {
                e.getKey().fail(new PlanException(p.error()));
            }
            return true;
        });
        answering.entrySet().removeIf(e -> {
            PlanTask task = e.getKey();
            CompletableFuture<String> f = e.getValue();
            if (task.isDone() || !task.live()) {
                f.cancel(false);
                if (!task.isDone()) {
                    task.fail(new UnisonException(UnisonException.Reason.CANCELLED, "answering was cancelled"));
                }
                return true;
            }
            if (!f.isDone()) {
                return false;
            }
            try {
                task.complete(f.join(), null);
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException ex) {
                task.fail(ex.getCause() != null ? ex.getCause() : ex);
            }
            return true;
        });
    }

    @Override
    public void close() {
        session.close();
        planner.close();
    }
}
