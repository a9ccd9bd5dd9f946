package ai.unison.api;

import java.time.Duration;
import java.util.List;

/** Counts, failures with their reasons, and throughput of one {@code runBatch}. */
public record BatchSummary(int submitted, int succeeded, int failed, Duration elapsed, List<Failure> failures) {

    /** A failed request: its position in the batch, its id, why and what happened. */
    public record Failure(int index, String id, UnisonException.Reason reason, String message) {}

    public BatchSummary {
        failures = List.copyOf(failures);
    }

    /** Finished requests (succeeded or failed) per second of wall time. */
    public double itemsPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s > 0 ? (succeeded + failed) / s : 0;
    }
}
