package ai.unison.engine;

import ai.unison.api.UnisonException;
import ai.unison.route.ExpertOutOfMemoryException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Classifying and wording failures. */
final class Failures {
    private Failures() {
    }

    /** True for an expert's or libtorch's out-of-memory error anywhere in the cause chain. */
    static boolean isOutOfMemory(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ExpertOutOfMemoryException || c instanceof OutOfMemoryError) {
                return true;
            }
            String m = c.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("out of memory")) {
                return true;
            }
        }
        return false;
    }

    /** The exception's message, else its class name. */
    static String message(Throwable e) {
        String m = e.getMessage();
        return m != null && !m.isBlank() ? m : e.getClass().getSimpleName();
    }

    /** What a failed future holds, as the engine reports it. */
    static UnisonException unwrap(Throwable e) {
        Throwable c = e;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof UnisonException u) {
            return u;
        }
        if (c instanceof CancellationException) {
            return new UnisonException(UnisonException.Reason.CANCELLED, "the request was cancelled", c);
        }
        return new UnisonException(UnisonException.Reason.FAILED, message(c), c);
    }

    /** {@code 250 ms}, {@code 2.5 s}. */
    static String human(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
