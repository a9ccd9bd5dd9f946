package ai.unison.engine;

import ai.unison.api.BatchOptions;
import ai.unison.api.BatchSummary;
import ai.unison.api.Listener;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.UnisonException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * Runs a stream of requests through a submit function with at most {@code concurrency} in flight,
 * calling the listener for each as it finishes, on the calling thread.
 */
public final class Batches {
    private Batches() {
    }

    private record Finished(int index, Request request, Result result, Throwable error) {}

    /**
     * Submits the requests in order (each at the batch's priority unless it sets its own), never more
     * than {@code options.concurrency()} unfinished, and returns once all have finished. Requests are
     * taken from the iterable lazily. If the listener throws, the requests still in flight are
     * cancelled and the exception propagates.
     */
    public static BatchSummary run(Function<Request, CompletableFuture<Result>> submit, Iterable<Request> requests,
                                   BatchOptions options, Listener listener) {
        long start = System.nanoTime();
        BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
        Map<Integer, CompletableFuture<Result>> running = new HashMap<>();
        List<BatchSummary.Failure> failures = new ArrayList<>();
        Iterator<Request> it = requests.iterator();
        int submitted = 0;
        int succeeded = 0;
        try {
            while (true) {
                while (running.size() < options.concurrency() && it.hasNext()) {
                    Request r = it.next();
                    Request request = r.priority() == null ? r.withPriority(options.priority()) : r;
                    int index = submitted++;
                    CompletableFuture<Result> f;
                    try {
                        f = submit.apply(request);
                    } catch (RuntimeException e) {
                        f = CompletableFuture.failedFuture(e);
                    }
                    running.put(index, f);
                    f.whenComplete((res, err) -> finished.add(new Finished(index, request, res, err)));
                }
                if (running.isEmpty()) {
                    break;
                }
                Finished f = finished.take();
                running.remove(f.index);
                if (f.error == null) {
                    succeeded++;
                    listener.onResult(f.index, f.request, f.result);
                } else {
                    UnisonException e = Failures.unwrap(f.error);
                    failures.add(new BatchSummary.Failure(f.index, f.request.id(), e.reason(), e.getMessage()));
                    listener.onFailure(f.index, f.request, e);
                }
            }
        } catch (InterruptedException e) {
            running.values().forEach(f -> f.cancel(false));
            Thread.currentThread().interrupt();
            throw new UnisonException(UnisonException.Reason.CANCELLED, "the batch was interrupted after "
                    + (succeeded + failures.size()) + " of " + submitted + " submitted requests finished", e);
        } catch (RuntimeException | Error e) {
            running.values().forEach(f -> f.cancel(false));
            throw e;
        }
        return new BatchSummary(submitted, succeeded, failures.size(), Duration.ofNanos(System.nanoTime() - start),
                failures);
    }
}
