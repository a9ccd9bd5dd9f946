package ai.unison.api;

import java.util.Objects;

/**
 * How {@code runBatch} feeds the engine: at most {@code concurrency} of its requests in flight at
 * once, at {@code priority} unless a request sets its own.
 */
public record BatchOptions(int concurrency, Priority priority) {
    public BatchOptions {
        Objects.requireNonNull(priority, "priority");
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
    }

    /** 16 in flight, batch priority. */
    public static BatchOptions defaults() {
        return new BatchOptions(16, Priority.BATCH);
    }

    public BatchOptions withConcurrency(int n) {
        return new BatchOptions(n, priority);
    }
}
