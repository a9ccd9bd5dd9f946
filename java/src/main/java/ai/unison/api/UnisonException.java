package ai.unison.api;

/**
 * Why a request failed, with a message that names the request and what was wrong. Every failure
 * the engine reports (a failed future, a thrown {@code run}) is one of these, except a
 * {@link java.util.concurrent.CancellationException} when the caller cancelled.
 */
public class UnisonException extends RuntimeException {

    public enum Reason {
        /** the request or its attachments cannot be accepted, or the plan exceeds a cap */
        INVALID,
        /** no installed expert serves the planned task */
        UNROUTABLE,
        /** the queue was full and the engine fails fast */
        REJECTED,
        /** the request's timeout passed */
        TIMEOUT,
        /** the caller cancelled the request */
        CANCELLED,
        /** the request did not fit in memory even alone */
        OUT_OF_MEMORY,
        /** a model failed on this request */
        FAILED,
        /** the engine was closed before the request finished */
        CLOSED,
        /** the models folder lacks a model the engine needs */
        MISSING_MODEL
    }

    private final Reason reason;

    public UnisonException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public UnisonException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
