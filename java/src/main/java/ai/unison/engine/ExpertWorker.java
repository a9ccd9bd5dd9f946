package ai.unison.engine;

import ai.unison.api.Frames;
import ai.unison.api.Result;
import ai.unison.api.Size;
import ai.unison.api.Timings;
import ai.unison.api.UnisonException.Reason;
import ai.unison.route.Expert;
import ai.unison.route.Job;
import ai.unison.route.Outcome;
import ai.unison.route.StepControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * An expert's thread: takes the most urgent waiting job, gathers the waiting jobs with its batching
 * key (in priority order) up to the size the memory budget and past out-of-memory failures allow,
 * runs them as one batch, and completes each request from its own outcome. A batch that throws is
 * retried in halves until only the culprit fails.
 */
final class ExpertWorker implements Runnable {
    private final Expert expert;
    private final BatchSizer sizer;
    private final String plannerVersion;
    private final Inbox<TreeSet<Ticket>> inbox = new Inbox<>(new TreeSet<>(Ticket.ORDER));

    ExpertWorker(Expert expert, BatchSizer sizer, String plannerVersion) {
        this.expert = expert;
        this.sizer = sizer;
        this.plannerVersion = plannerVersion;
    }

    String name() {
        return expert.name();
    }

    void enqueue(Ticket t) {
        inbox.offer(t);
    }

    void stop() {
        inbox.stop();
    }

    @Override
    public void run() {
        try {
            List<Ticket> batch;
            while ((batch = next()) != null) {
                execute(batch, batch.get(0).batchKey);
            }
        } finally {
            inbox.releaseAll();
            expert.close();
        }
    }

    /** The next batch: the most urgent live job and those waiting with its key; null once stopping. */
    private List<Ticket> next() {
        TreeSet<Ticket> pending = inbox.tickets;
        inbox.lock.lock();
        try {
            while (true) {
                while (!inbox.stopping() && pending.isEmpty()) {
                    inbox.ready.awaitUninterruptibly();
                }
                if (inbox.stopping()) {
                    return null;
                }
                pending.removeIf(t -> {
                    if (!t.live()) {
                        t.release();
                        return true;
                    }
                    return false;
                });
                if (pending.isEmpty()) {
                    continue;
                }
                Ticket head = pending.first();
                int cap = sizer.cap(head.batchKey, head.bytesPerJob, expert.maxBatch());
                List<Ticket> batch = new ArrayList<>();
                for (Iterator<Ticket> it = pending.iterator(); it.hasNext() && batch.size() < cap; ) {
                    Ticket t = it.next();
                    if (t.batchKey.equals(head.batchKey)) {
                        batch.add(t);
                        it.remove();
                    }
                }
                return batch;
            }
        } finally {
            inbox.lock.unlock();
        }
    }

    private void execute(List<Ticket> batch, Object key) {
        List<Ticket> live = new ArrayList<>();
        for (Ticket t : batch) {
            if (t.live()) {
                live.add(t);
            } else {
                t.release();
            }
        }
        if (live.isEmpty()) {
            return;
        }
        List<Job> jobs = new ArrayList<>();
        for (Ticket t : live) {
            jobs.add(t.job);
        }
        Control control = new Control(live);
        List<Outcome> outcomes;
        try {
            outcomes = expert.runBatch(List.copyOf(jobs), control);
        } catch (Throwable e) {
            // any throw is this batch's failure, never the worker's: a dead worker would strand its queue
            boolean oom = Failures.isOutOfMemory(e);
            if (live.size() > 1) {
                if (oom) {
                    sizer.outOfMemory(key, live.size());
                }
                int half = live.size() / 2;
                execute(new ArrayList<>(live.subList(0, half)), key);
                execute(new ArrayList<>(live.subList(half, live.size())), key);
                return;
            }
            Ticket t = live.get(0);
            if (oom) {
                t.fail(Reason.OUT_OF_MEMORY, "request " + t.id + " (" + t.job.plan().task() + " " + t.job.executed()
                        + ") does not fit in memory on expert '" + expert.name() + "' even alone: " + Failures.message(e), e);
            } else {
                t.fail(Reason.FAILED, "expert '" + expert.name() + "' failed on request " + t.id + " ("
                        + t.job.plan().task() + " " + t.job.executed() + "): " + Failures.message(e), e);
            }
            t.release();
            return;
        }
        control.finish();
        if (outcomes == null || outcomes.size() != live.size()) {
            for (Ticket t : live) {
                t.fail(Reason.FAILED, "expert '" + expert.name() + "' returned " + (outcomes == null ? "no" : outcomes.size())
                        + " outcomes for a batch of " + live.size() + " (request " + t.id + ")", null);
                t.release();
            }
            return;
        }
        for (int i = 0; i < live.size(); i++) {
            Ticket t = live.get(i);
            try {
                if (t.live()) {
                    complete(t, outcomes.get(i), control);
                }
            } catch (RuntimeException e) {
                t.fail(Reason.FAILED, "expert '" + expert.name() + "' returned an unusable outcome for request " + t.id
                        + ": " + Failures.message(e), e);
            } finally {
                t.release();
            }
        }
    }

    private void complete(Ticket t, Outcome outcome, Control control) {
        if (outcome instanceof Outcome.Failed f) {
            Throwable e = f.error();
            boolean oom = Failures.isOutOfMemory(e);
            t.fail(oom ? Reason.OUT_OF_MEMORY : Reason.FAILED, "expert '" + expert.name() + "' failed on request " + t.id
                    + " (" + t.job.plan().task() + " " + t.job.executed() + "): " + Failures.message(e), e);
            return;
        }
        Frames frames = ((Outcome.Done) outcome).frames();
        Size x = t.job.executed();
        if (frames.count() != x.frames() || frames.height() != x.height() || frames.width() != x.width()) {
            t.fail(Reason.FAILED, "expert '" + expert.name() + "' returned " + frames + " for request " + t.id
                    + ", which was to run at " + x + " (width×height×frames)", null);
            return;
        }
        long now = System.nanoTime();
        Timings timings = new Timings(
                Engine.nanos(t.planStart - t.submitted + control.start - t.waitStart),
                Engine.nanos(t.planEnd - t.planStart),
                control.time(StepControl.Stage.ENCODE), control.time(StepControl.Stage.DENOISE),
                control.time(StepControl.Stage.DECODE), Engine.nanos(now - t.submitted));
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("planner", plannerVersion);
        versions.put(expert.name(), expert.version());
        t.succeed(new Result(t.id, t.plan, frames, t.route.requested(), x, t.route.settings(), t.seed, timings, versions,
                ((Outcome.Done) outcome).notes()));
    }

    /** Stage times of one batch attempt, progress, and liveness of its jobs. */
    private static final class Control implements StepControl {
        final long start = System.nanoTime();
        private final List<Ticket> tickets;
        private final Map<Stage, Long> nanos = new EnumMap<>(Stage.class);
        private Stage current = Stage.ENCODE;
        private long since = start;

        Control(List<Ticket> tickets) {
            this.tickets = tickets;
            for (Ticket t : tickets) {
                t.stage = Ticket.Stage.ENCODE;
            }
        }

        @Override
        public void stage(Stage stage) {
            long now = System.nanoTime();
            nanos.merge(current, now - since, Long::sum);
            current = stage;
            since = now;
            Ticket.Stage s = Ticket.Stage.valueOf(stage.name());
            for (Ticket t : tickets) {
                t.stage = s;
            }
        }

        @Override
        public boolean step(int done, int total) {
            boolean any = false;
            for (Ticket t : tickets) {
                t.step = done;
                t.steps = total;
                any |= t.live();
            }
            return any;
        }

        void finish() {
            stage(current);
        }

        Duration time(Stage stage) {
            return Engine.nanos(nanos.getOrDefault(stage, 0L));
        }
    }
}
