package ai.unison.api;

/**
 * Hears about each request of a {@code runBatch} as it finishes, in completion order, on the
 * thread that called {@code runBatch} (one call at a time). {@code index} is the request's 0-based
 * position in the batch. A listener that throws ends the batch: requests still in flight are
 * cancelled and the exception propagates from {@code runBatch}.
 */
public interface Listener {
    Listener NONE = new Listener() {};

    default void onResult(int index, Request request, Result result) {
    }

    default void onFailure(int index, Request request, UnisonException error) {
    }
}
