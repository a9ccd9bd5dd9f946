package ai.unison.engine;

import ai.unison.api.Attachment;
import ai.unison.api.Input;
import ai.unison.api.Options;
import ai.unison.api.Overrides;
import ai.unison.api.PlanException;
import ai.unison.api.Priority;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.UnisonException;
import ai.unison.api.UnisonException.Reason;
import ai.unison.plan.RequestText;
import ai.unison.route.Expert;
import ai.unison.route.Planner;
import ai.unison.route.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The batching engine: owns the planner and the experts, each driven by its own thread (which owns
 * that model's tensors), and takes requests from any number of threads.
 *
 * <p>A request is prepared on the caller's thread (attachments checked, bytes spilled to files,
 * text turned into the planner's input), planned with continuous batching on the planner thread,
 * answered there if it is an understanding request, else routed and queued for its expert, whose
 * thread groups jobs by batching key under the memory budget. Each priority has
 * {@code queueCapacity} requests in flight at most; beyond that {@code submit} blocks or fails
 * fast. Timeouts and cancellation complete the caller's future at once; the models notice between
 * steps. {@link #close} fails what is still in flight with {@code CLOSED}, stops the threads and
 * closes each model on its own thread.
 */
public final class Engine implements AutoCloseable {
    private final Options options;
    private final Router router;
    private final String plannerVersion;
    private final Map<Priority, Semaphore> room = new EnumMap<>(Priority.class);
    private final Set<Ticket> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private final SplittableRandom seeds;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService completer;
    private final PlannerWorker plannerWorker;
    private final Map<Expert, ExpertWorker> expertWorkers = new IdentityHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    /** An engine over these models, which it owns from now on: it closes them, also when this constructor fails. */
    public Engine(Planner planner, Collection<? extends Expert> experts, Options options) {
        this.options = options;
        try {
            this.router = new Router(experts);
            this.plannerVersion = planner.version();
        } catch (RuntimeException e) {
            experts.forEach(Expert::close);
            planner.close();
            throw e;
        }
        this.seeds = options.seed() != null ? new SplittableRandom(options.seed()) : new SplittableRandom();
        for (Priority p : Priority.values()) {
            room.put(p, new Semaphore(options.queueCapacity()));
        }
        timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "unison-timeouts"));
        completer = Executors.newSingleThreadExecutor(r -> daemon(r, "unison-results"));
        timer.setRemoveOnCancelPolicy(true);
        for (Expert e : router.experts()) {
            ExpertWorker w = new ExpertWorker(e, new BatchSizer(options.memoryBudget()), plannerVersion);
            expertWorkers.put(e, w);
        }
        plannerWorker = new PlannerWorker(planner, router, options.limits(), expertWorkers);
        start(plannerWorker, "unison-planner");
        for (ExpertWorker w : expertWorkers.values()) {
            start(w, "unison-expert-" + w.name());
        }
    }

    private void start(Runnable r, String name) {
        Thread t = daemon(r, name);
        threads.add(t);
        t.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Queues a request to be planned and run; the future completes with its result or failure. */
    public CompletableFuture<Result> submit(Request request) {
        return submit(request, Ticket.Mode.RUN);
    }

    /** Queues a request to be planned only; the result carries the plan (no answer) and nothing else. */
    public CompletableFuture<Result> submitPlan(Request request) {
        return submit(request, Ticket.Mode.PLAN);
    }

    /** The planner's and each expert's version, by model name ({@code planner}, then expert names). */
    public Map<String, String> versions() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("planner", plannerVersion);
        for (Expert e : router.experts()) {
            v.put(e.name(), e.version());
        }
        return v;
    }

    private CompletableFuture<Result> submit(Request request, Ticket.Mode mode) {
        Priority priority = request.priority() != null ? request.priority() : Priority.INTERACTIVE;
        long seq = sequence.incrementAndGet();
        String id = request.id() != null ? request.id() : "r-" + seq;
        if (closed) {
            return failed(Reason.CLOSED, "request " + id + " was submitted after the engine was closed");
        }
        Semaphore sem = room.get(priority);
        if (options.backpressure() == Options.Backpressure.BLOCK) {
            try {
                sem.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failed(Reason.CANCELLED, "request " + id + " was interrupted while waiting for room in the queue");
            }
        } else if (!sem.tryAcquire()) {
            return failed(Reason.REJECTED, "request " + id + " rejected: " + options.queueCapacity() + " "
                    + priority.name().toLowerCase(Locale.ROOT) + " requests are in flight (Options.queueCapacity); retry later or use Backpressure.BLOCK");
        }
        Overrides overrides = request.overrides().orElse(options.requestDefaults());
        long seed;
        if (overrides.seed() != null) {
            seed = overrides.seed();
        } else {
            synchronized (seeds) {
                seed = seeds.nextLong() & Long.MAX_VALUE;
            }
        }
        Ticket t = new Ticket(id, seq, request, mode, priority, overrides, seed, completer);
        inFlight.add(t);
        ScheduledFuture<?> deadline = overrides.timeout() == null ? null
                : timer.schedule(() -> t.fail(Reason.TIMEOUT, "request " + id + " timed out after "
                        + Failures.human(overrides.timeout()) + " while " + t.whereabouts(), null),
                        overrides.timeout().toNanos(), TimeUnit.NANOSECONDS);
        t.future.whenComplete((r, e) -> {
            inFlight.remove(t);
            sem.release();
            if (deadline != null) {
                deadline.cancel(false);
            }
        });
        if (closed) {
            // close() may have run between the check above and registering the ticket
            t.fail(Reason.CLOSED, "request " + id + " was submitted after the engine was closed", null);
            return t.future;
        }
        try {
            prepare(t);
        } catch (PlanException | IllegalArgumentException e) {
            t.fail(Reason.INVALID, "request " + id + " is invalid: " + Failures.message(e), e);
            t.release();
            return t.future;
        } catch (IOException e) {
            t.fail(Reason.INVALID, "request " + id + ": cannot stage an attachment in " + options.workDir() + ": "
                    + Failures.message(e), e);
            t.release();
            return t.future;
        }
        plannerWorker.enqueue(t);
        return t.future;
    }

    private static CompletableFuture<Result> failed(Reason reason, String message) {
        return CompletableFuture.failedFuture(new UnisonException(reason, message));
    }

    /**
     * Checks the attachments, spills bytes to files, and prepares the planner's input. Inline
     * {@code ###path###} references become file inputs ahead of the separate attachments.
     */
    private void prepare(Ticket t) throws IOException {
        List<Input> separate = t.request.attachments();
        List<String> names = new ArrayList<>();
        for (Input in : separate) {
            names.add(in.name());
        }
        RequestText.Prepared prepared = RequestText.prepare(t.request.text(), names, options.limits());
        int inline = prepared.attachments().size() - separate.size();
        List<Input> inputs = new ArrayList<>();
        List<Path> spilled = new ArrayList<>();
        t.spilled = spilled;
        for (int i = 0; i < prepared.attachments().size(); i++) {
            Attachment a = prepared.attachments().get(i);
            Input in = i < inline ? Input.file(Path.of(a.path())) : separate.get(i - inline);
            if (in instanceof Input.File f && !Files.isRegularFile(f.path())) {
                throw new IllegalArgumentException("attachment " + i + " '" + f.path() + "' is not a readable file");
            }
            if (in instanceof Input.Bytes b) {
                Files.createDirectories(options.workDir());
                Path file = Files.createTempFile(options.workDir(), "unison-" + t.id.replaceAll("[^A-Za-z0-9._-]", "_")
                        + "-" + i + "-", suffix(b.name()));
                spilled.add(file);
                Files.write(file, b.data());
                in = Input.file(file);
            }
            inputs.add(in);
        }
        t.prepared = prepared;
        t.inputs = inputs;
    }

    private static String suffix(String name) {
        int dot = name.lastIndexOf('.');
        return dot >= 0 ? name.substring(dot) : "";
    }

    /**
     * Fails every request still in flight with {@code CLOSED}, stops the threads, closes the models,
     * and returns once every future it handed out is complete.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Ticket t : List.copyOf(inFlight)) {
            t.fail(Reason.CLOSED, "request " + t.id + " did not finish: the engine was closed while " + t.whereabouts(), null);
        }
        for (Semaphore s : room.values()) {
            s.release(Integer.MAX_VALUE / 4);
        }
        plannerWorker.stop();
        for (ExpertWorker w : expertWorkers.values()) {
            w.stop();
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        timer.shutdownNow();
        completer.shutdown();
        try {
            if (!completer.awaitTermination(10, TimeUnit.SECONDS)) {
                completer.shutdownNow();
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for a result; a failure is thrown as the {@link UnisonException} it holds (a cancelled
     * or interrupted wait as reason {@code CANCELLED}, and an interrupted wait cancels the request).
     */
    public static Result await(CompletableFuture<Result> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new UnisonException(Reason.CANCELLED, "interrupted while waiting for the result", e);
        } catch (ExecutionException | CancellationException e) {
            throw Failures.unwrap(e);
        }
    }

    static Duration nanos(long n) {
        return Duration.ofNanos(Math.max(0, n));
    }
}
