package ai.unison.api;

import ai.unison.plan.PlanLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How an engine runs.
 *
 * @param device        where models run: {@code auto}, {@code cpu}, {@code cuda}, {@code cuda:N}
 * @param memoryBudget  bytes a generation batch may use; batch sizes adapt to it from each expert's
 *                      estimate per request
 * @param queueCapacity requests of one priority that may be in flight (submitted, not finished)
 * @param backpressure  what {@code submit} does when that many are in flight
 * @param requestDefaults overrides for every request that does not set them (steps, guidance,
 *                      scheduler, size, frames, timeout; never the seed)
 * @param limits        caps on sizes, frames and attachments; beyond them a request fails
 * @param seed          seeds of requests without one are drawn from this (null: random)
 * @param workDir       where attachments given as bytes are spilled while their request runs
 */
public record Options(String device, long memoryBudget, int queueCapacity, Backpressure backpressure,
                      Overrides requestDefaults, PlanLimits limits, Long seed, Path workDir) {

    /** When the queue is full: wait for room, or fail the request at once with {@code REJECTED}. */
    public enum Backpressure { BLOCK, FAIL_FAST }

    public Options {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(backpressure, "backpressure");
        Objects.requireNonNull(requestDefaults, "requestDefaults");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(workDir, "workDir");
        if (memoryBudget < 1) {
            throw new IllegalArgumentException("memory budget must be positive, got " + memoryBudget);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + queueCapacity);
        }
        if (requestDefaults.seed() != null) {
            throw new IllegalArgumentException("request defaults cannot fix a seed for every request; set Options.seed to make seeds reproducible");
        }
    }

    public static Options defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.device = device;
        b.memoryBudget = memoryBudget;
        b.queueCapacity = queueCapacity;
        b.backpressure = backpressure;
        b.requestDefaults = requestDefaults;
        b.limits = limits;
        b.seed = seed;
        b.workDir = workDir;
        return b;
    }

    /** Defaults: device auto, 8 GiB budget, 256 requests per priority, blocking, default limits. */
    public static final class Builder {
        private String device = "auto";
        private long memoryBudget = 8L << 30;
        private int queueCapacity = 256;
        private Backpressure backpressure = Backpressure.BLOCK;
        private Overrides requestDefaults = Overrides.NONE;
        private PlanLimits limits = PlanLimits.DEFAULTS;
        private Long seed;
        private Path workDir = Path.of(System.getProperty("java.io.tmpdir"));

        private Builder() {
        }

        public Builder device(String value) {
            device = value;
            return this;
        }

        public Builder memoryBudget(long bytes) {
            memoryBudget = bytes;
            return this;
        }

        public Builder queueCapacity(int value) {
            queueCapacity = value;
            return this;
        }

        public Builder backpressure(Backpressure value) {
            backpressure = value;
            return this;
        }

        public Builder requestDefaults(Overrides value) {
            requestDefaults = value;
            return this;
        }

        /** Shorthand for a default timeout, keeping the other defaults. */
        public Builder timeout(Duration value) {
            requestDefaults = new Overrides(null, null, null, null, null, null, null, value).orElse(requestDefaults);
            return this;
        }

        public Builder limits(PlanLimits value) {
            limits = value;
            return this;
        }

        public Builder seed(Long value) {
            seed = value;
            return this;
        }

        public Builder workDir(Path value) {
            workDir = value;
            return this;
        }

        public Options build() {
            return new Options(device, memoryBudget, queueCapacity, backpressure, requestDefaults, limits, seed, workDir);
        }
    }
}
