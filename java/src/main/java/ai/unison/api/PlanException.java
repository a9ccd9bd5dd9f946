package ai.unison.api;

/**
 * A request, signal or plan that cannot be accepted: malformed signal spans, unknown task names,
 * unsupported attachment types, values beyond configured caps. The message names the offending
 * field, span or path and the value that was wrong.
 */
public final class PlanException extends RuntimeException {

    public PlanException(String message) {
        super(message);
    }

    public PlanException(String message, Throwable cause) {
        super(message, cause);
    }
}
