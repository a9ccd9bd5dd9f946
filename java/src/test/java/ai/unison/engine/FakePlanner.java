package ai.unison.engine;

import ai.unison.api.Attachment;
import ai.unison.plan.MetaNormalizer;
import ai.unison.plan.Signal;
import ai.unison.plan.SignalGrammar;
import ai.unison.route.Conditioning;
import ai.unison.route.PlanTask;
import ai.unison.route.Planner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A planner for tests, with continuous batching: each admitted task finishes after {@link #stepsPerTask}
 * steps (or {@code steps=N} in its text). By the words of the request: "video"/"clip" plans a video,
 * "image"/"picture" an image, "edit" with attachments an image edit, "mask" a video edit; size and
 * duration come from the rule-based normaliser; anything else is answered with "answer: PROMPT".
 * "planner-fail" fails the task, "planner-throw" makes the step throw, "bad-signal" writes an
 * unparsable signal. Generation plans carry a {@link Conditioning} whose closes are counted.
 */
public class FakePlanner implements Planner {

    /** A stand-in for the planner's hidden states. */
    public static final class FakeConditioning implements Conditioning {
        public final String id;
        public final AtomicInteger closes = new AtomicInteger();

        FakeConditioning(String id) {
            this.id = id;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    public int slots = 4;
    public int stepsPerTask = 2;
    /** When set, every step waits for it (for tests that need requests to pile up). */
    public volatile CountDownLatch gate;
    public final List<FakeConditioning> conditionings = new CopyOnWriteArrayList<>();
    public final List<String> admitted = new CopyOnWriteArrayList<>();
    public final List<Thread> threads = new CopyOnWriteArrayList<>();
    public final AtomicInteger maxActive = new AtomicInteger();
    public final AtomicInteger steps = new AtomicInteger();
    public volatile boolean closed;
    /** Whether admissions and threads are recorded (a soak turns it off). */
    public boolean record = true;
    private final Map<PlanTask, Integer> remaining = Collections.synchronizedMap(new HashMap<>());

    @Override
    public String version() {
        return "fake-planner 1";
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public void admit(PlanTask task) {
        if (record) {
            threads.add(Thread.currentThread());
            admitted.add(task.id());
        }
        int n = stepsPerTask;
        var m = java.util.regex.Pattern.compile("steps=(\\d+)").matcher(task.prepared().prompt());
        if (m.find()) {
            n = Integer.parseInt(m.group(1));
        }
        remaining.put(task, n);
        maxActive.accumulateAndGet(remaining.size(), Math::max);
    }

    @Override
    public void step() {
        if (record) {
            threads.add(Thread.currentThread());
        }
        steps.incrementAndGet();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                if (!g.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("planner gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<PlanTask> tasks;
        synchronized (remaining) {
            remaining.keySet().removeIf(PlanTask::isDone);
            tasks = new ArrayList<>(remaining.keySet());
        }
        for (PlanTask t : tasks) {
            if (t.prepared().prompt().contains("planner-throw")) {
                throw new IllegalStateException("the planner's forward failed");
            }
        }
        for (PlanTask t : tasks) {
            if (!t.live()) {
                remaining.remove(t);
                t.fail(new CancellationException("dropped"));
                continue;
            }
            int left = remaining.merge(t, -1, Integer::sum);
            if (left > 0) {
                continue;
            }
            remaining.remove(t);
            finish(t);
        }
    }

    private void finish(PlanTask t) {
        String prompt = t.prepared().prompt();
        if (prompt.contains("planner-fail")) {
            t.fail(new IllegalArgumentException("cannot read attachment 0"));
            return;
        }
        if (prompt.contains("bad-signal")) {
            t.complete("<BORES>12<EORES><CFI>", null);
            return;
        }
        Signal.End end = prompt.contains("video") || prompt.contains("clip") || prompt.contains("mask") ? Signal.End.VIDEO
                : prompt.contains("image") || prompt.contains("picture") || prompt.contains("edit") ? Signal.End.IMAGE
                : Signal.End.NONE;
        if (end == Signal.End.NONE) {
            t.complete(t.answer() ? "answer: " + prompt : "", null);
            return;
        }
        MetaNormalizer.Meta meta = MetaNormalizer.read(prompt);
        List<Attachment> att = t.prepared().attachments();
        boolean edit = (prompt.contains("edit") || prompt.contains("mask")) && !att.isEmpty();
        Signal s = new Signal(meta.width(), meta.height(), end == Signal.End.VIDEO ? meta.frameToken() : null, null,
                edit ? new ai.unison.api.Plan.Edit(0, 0) : null, false, false, end, null);
        t.complete(SignalGrammar.print(s), conditioning(t));
    }

    /** The conditioning of a generation plan; a counted stand-in unless overridden. */
    protected Conditioning conditioning(PlanTask t) {
        FakeConditioning c = new FakeConditioning(t.id());
        conditionings.add(c);
        return c;
    }

    @Override
    public void close() {
        threads.add(Thread.currentThread());
        closed = true;
    }
}
