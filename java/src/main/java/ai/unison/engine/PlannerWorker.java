package ai.unison.engine;

import ai.unison.api.Plan;
import ai.unison.api.PlanException;
import ai.unison.api.Result;
import ai.unison.api.Task;
import ai.unison.api.Timings;
import ai.unison.api.UnisonException.Reason;
import ai.unison.plan.PlanLimits;
import ai.unison.plan.SignalGrammar;
import ai.unison.route.Expert;
import ai.unison.route.Job;
import ai.unison.route.PlanTask;
import ai.unison.route.Planner;
import ai.unison.route.PlannerOutput;
import ai.unison.route.Route;
import ai.unison.route.RouteException;
import ai.unison.route.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The planner's thread: admits queued requests into free slots (interactive first), steps the
 * planner while any admitted request is unfinished, and hands each finished one on: a plan-only or
 * understanding result completes here, a generation plan is routed and queued for its expert.
 */
final class PlannerWorker implements Runnable {
    private record Admitted(Ticket ticket, PlanTask task) {}

    private final Planner planner;
    private final Router router;
    private final PlanLimits limits;
    private final Map<Expert, ExpertWorker> experts;
    private final Inbox<PriorityQueue<Ticket>> inbox = new Inbox<>(new PriorityQueue<>(Ticket.ORDER));
    private final List<Admitted> active = new ArrayList<>();

    PlannerWorker(Planner planner, Router router, PlanLimits limits, Map<Expert, ExpertWorker> experts) {
        this.planner = planner;
        this.router = router;
        this.limits = limits;
        this.experts = experts;
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
            while (admit()) {
                if (!active.isEmpty()) {
                    try {
                        planner.step();
                    } catch (Throwable e) {
                        for (Admitted a : active) {
                            a.task.fail(e);
                        }
                    }
                }
                collect();
            }
        } finally {
            inbox.releaseAll();
            active.forEach(a -> a.ticket.release());
            planner.close();
        }
    }

    /** Moves queued requests into free slots; waits while there is nothing to do. False once stopping. */
    private boolean admit() {
        List<Ticket> admitted = new ArrayList<>();
        PriorityQueue<Ticket> queue = inbox.tickets;
        inbox.lock.lock();
        try {
            while (!inbox.stopping() && active.isEmpty() && queue.isEmpty()) {
                inbox.ready.awaitUninterruptibly();
            }
            if (inbox.stopping()) {
                return false;
            }
            int free = Math.max(1, planner.slots()) - active.size();
            while (admitted.size() < free && !queue.isEmpty()) {
                Ticket t = queue.poll();
                if (t.live()) {
                    admitted.add(t);
                } else {
                    t.release();
                }
            }
        } finally {
            inbox.lock.unlock();
        }
        for (Ticket t : admitted) {
            t.stage = Ticket.Stage.PLANNING;
            t.planStart = System.nanoTime();
            PlanTask task = new PlanTask(t.id, t.prepared, t.inputs, t.mode == Ticket.Mode.RUN, t.seed, t::live);
            active.add(new Admitted(t, task));
            try {
                planner.admit(task);
            } catch (Throwable e) {
                task.fail(e);
            }
        }
        collect();
        return true;
    }

    /** Hands on every admitted request the planner has finished. */
    private void collect() {
        for (Iterator<Admitted> it = active.iterator(); it.hasNext(); ) {
            Admitted a = it.next();
            if (a.task.isDone()) {
                it.remove();
                a.ticket.planEnd = System.nanoTime();
                try {
                    handOn(a.ticket, a.task);
                } catch (RuntimeException e) {
                    a.ticket.fail(Reason.FAILED, "request " + a.ticket.id + " failed after planning: " + Failures.message(e), e);
                    a.ticket.release();
                }
            }
        }
    }

    private void handOn(Ticket t, PlanTask task) {
        PlannerOutput out;
        try {
            out = task.outcome().join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            Reason reason = cause instanceof PlanException ? Reason.INVALID
                    : Failures.isOutOfMemory(cause) ? Reason.OUT_OF_MEMORY : Reason.FAILED;
            t.fail(reason, "planner failed on request " + t.id + ": " + Failures.message(cause), cause);
            t.release();
            return;
        }
        t.conditioning = out.conditioning();
        if (!t.live()) {
            t.release();
            return;
        }
        try {
            Plan plan = SignalGrammar.toPlan(out.text(), t.prepared.attachments(), t.prepared.prompt());
            if (t.mode == Ticket.Mode.PLAN && plan.answer() != null) {
                plan = withAnswer(plan, null);
            }
            t.plan = plan;
            limits.validate(plan.task().isUnderstanding() ? plan : asRequested(plan, t));
        } catch (PlanException e) {
            t.fail(Reason.INVALID, "request " + t.id + ": " + Failures.message(e), e);
            t.release();
            return;
        }
        if (t.mode == Ticket.Mode.PLAN || t.plan.task().isUnderstanding()) {
            t.succeed(new Result(t.id, t.plan, null, null, null, null, t.seed, timings(t),
                    Map.of("planner", planner.version())));
            t.release();
            return;
        }
        Route route;
        try {
            route = router.route(t.plan, t.overrides, t.inputs == null ? List.of() : t.inputs);
        } catch (RouteException e) {
            t.fail(Reason.UNROUTABLE, "request " + t.id + " (" + t.plan.task() + "): " + e.getMessage(), e);
            t.release();
            return;
        } catch (RuntimeException e) {
            t.fail(Reason.FAILED, "request " + t.id + ": routing " + t.plan.task() + " failed: " + Failures.message(e), e);
            t.release();
            return;
        }
        t.route = route;
        t.job = new Job(t.id, t.plan, t.inputs, route.requested(), route.executed(), route.settings(), t.seed,
                t.conditioning, t::live);
        try {
            t.batchKey = route.expert().batchKey(t.job);
            t.bytesPerJob = route.expert().bytesPerJob(t.job);
        } catch (RuntimeException e) {
            t.fail(Reason.FAILED, "request " + t.id + ": expert '" + route.expert().name() + "' cannot size "
                    + t.job + ": " + Failures.message(e), e);
            t.release();
            return;
        }
        t.stage = Ticket.Stage.WAITING;
        t.waitStart = System.nanoTime();
        experts.get(route.expert()).enqueue(t);
    }

    /** The plan with the size the request asks for (overrides win), to check against the caps. */
    private static Plan asRequested(Plan p, Ticket t) {
        boolean sized = t.overrides.width() != null;
        boolean video = p.task().output() == Task.Modality.VIDEO;
        Integer frames = video && t.overrides.frames() != null ? t.overrides.frames() : p.frames();
        return new Plan(p.task(), p.signal(), sized ? t.overrides.width() : p.width(),
                sized ? t.overrides.height() : p.height(), frames, p.fps(), p.frameRef(), p.edit(), p.reference(),
                p.control(), p.attachments(), p.prompt(), p.answer());
    }

    private static Plan withAnswer(Plan p, String answer) {
        return new Plan(p.task(), p.signal(), p.width(), p.height(), p.frames(), p.fps(), p.frameRef(), p.edit(),
                p.reference(), p.control(), p.attachments(), p.prompt(), answer);
    }

    private static Timings timings(Ticket t) {
        long now = System.nanoTime();
        return new Timings(Engine.nanos(t.planStart - t.submitted), Engine.nanos(t.planEnd - t.planStart),
                Duration.ZERO, Duration.ZERO, Duration.ZERO, Engine.nanos(now - t.submitted));
    }
}
