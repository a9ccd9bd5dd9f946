package ai.unison.io;

import java.nio.file.Path;

/** A media file that cannot be read or written; the message names the file and what was wrong with it. */
public final class MediaException extends RuntimeException {
    public MediaException(Path file, String message) {
        super(file + ": " + message);
    }

    public MediaException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
