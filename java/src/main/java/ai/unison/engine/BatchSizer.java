package ai.unison.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * How many jobs of one batching key fit: the expert's maximum, what the memory budget allows by its
 * estimate per job, and the smaller sizes learned from out-of-memory failures (kept for the
 * engine's life). Used by one expert worker thread only.
 */
final class BatchSizer {
    private final long budget;
    private final Map<Object, Integer> learned = new HashMap<>();

    BatchSizer(long budget) {
        this.budget = budget;
    }

    int cap(Object key, long bytesPerJob, int maxBatch) {
        int cap = Math.max(1, maxBatch);
        if (bytesPerJob > 0) {
            cap = (int) Math.max(1, Math.min(cap, budget / bytesPerJob));
        }
        Integer limit = learned.get(key);
        return limit == null ? cap : Math.min(cap, limit);
    }

    /** A batch of {@code size} ran out of memory: at most half of it from now on. */
    void outOfMemory(Object key, int size) {
        learned.merge(key, Math.max(1, size / 2), Math::min);
    }
}
