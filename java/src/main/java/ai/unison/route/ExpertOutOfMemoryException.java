package ai.unison.route;

/**
 * A batch did not fit in memory. Experts throw it (or let libtorch's "out of memory" error
 * through); the engine then retries the batch in halves and remembers the smaller size for that
 * batching key. A request that does not fit alone fails with reason OUT_OF_MEMORY.
 */
public class ExpertOutOfMemoryException extends RuntimeException {
    public ExpertOutOfMemoryException(String message) {
        super(message);
    }

    public ExpertOutOfMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
