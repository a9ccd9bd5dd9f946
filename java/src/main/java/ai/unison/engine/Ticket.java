package ai.unison.engine;

import ai.unison.api.Input;
import ai.unison.api.Overrides;
import ai.unison.api.Plan;
import ai.unison.api.Priority;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.UnisonException;
import ai.unison.plan.RequestText;
import ai.unison.route.Conditioning;
import ai.unison.route.Job;
import ai.unison.route.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request inside the engine. Its future is the caller's; the ticket is live until that future
 * completes (result, failure, timeout, cancellation). Whoever holds the ticket last (planner or
 * expert worker) releases it: closes the planner's conditioning and deletes spilled attachments.
 */
final class Ticket {

    /** Interactive before batch, then first come first served. */
    static final Comparator<Ticket> ORDER = Comparator.<Ticket, Priority>comparing(t -> t.priority)
            .thenComparingLong(t -> t.seq);

    enum Mode { RUN, PLAN }

    enum Stage {
        QUEUED("waiting to be planned"), PLANNING("planning"), WAITING("waiting for the expert"),
        ENCODE("encoding"), DENOISE("denoising"), DECODE("decoding");

        final String words;

        Stage(String words) {
            this.words = words;
        }
    }

    final String id;
    final long seq;
    final Request request;
    final Mode mode;
    final Priority priority;
    final Overrides overrides;
    final long seed;
    final long submitted = System.nanoTime();
    final CompletableFuture<Result> future = new CompletableFuture<>();

    volatile Stage stage = Stage.QUEUED;
    volatile int step;
    volatile int steps;

    RequestText.Prepared prepared;
    List<Input> inputs;
    List<Path> spilled = List.of();
    long planStart;
    long planEnd;
    Plan plan;
    Conditioning conditioning;
    Route route;
    Job job;
    Object batchKey;
    long bytesPerJob;
    long waitStart;

    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Executor completer;

    Ticket(String id, long seq, Request request, Mode mode, Priority priority, Overrides overrides, long seed,
           Executor completer) {
        this.completer = completer;
        this.id = id;
        this.seq = seq;
        this.request = request;
        this.mode = mode;
        this.priority = priority;
        this.overrides = overrides;
        this.seed = seed;
    }

    /** Until it has an outcome or the caller cancelled it. */
    boolean live() {
        return !finished.get() && !future.isDone();
    }

    /**
     * The caller's future completes on the completer thread, so that what callers chain onto it
     * never runs on (and never stalls) a model's thread.
     */
    void succeed(Result result) {
        if (finished.compareAndSet(false, true)) {
            complete(() -> future.complete(result));
        }
    }

    void fail(UnisonException.Reason reason, String message, Throwable cause) {
        if (finished.compareAndSet(false, true)) {
            UnisonException e = new UnisonException(reason, message, cause);
            complete(() -> future.completeExceptionally(e));
        }
    }

    private void complete(Runnable completion) {
        try {
            completer.execute(completion);
        } catch (RejectedExecutionException closed) {
            completion.run();
        }
    }

    /** Where the request is, for timeout messages: "denoising (step 3/20)". */
    String whereabouts() {
        Stage s = stage;
        return s == Stage.DENOISE && steps > 0 ? s.words + " (step " + step + "/" + steps + ")" : s.words;
    }

    /** Frees what the request holds; only the first call does anything. */
    void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        Conditioning c = conditioning;
        conditioning = null;
        if (c != null) {
            c.close();
        }
        for (Path p : spilled) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file is harmless; the request's outcome does not depend on it
            }
        }
    }

    boolean released() {
        return released.get();
    }
}
