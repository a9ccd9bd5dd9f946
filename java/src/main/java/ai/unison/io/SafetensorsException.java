package ai.unison.io;

import java.nio.file.Path;

/** A safetensors file that cannot be read as the format requires; the message names file and field. */
public final class SafetensorsException extends RuntimeException {
    public SafetensorsException(Path file, String message) {
        super(file + ": " + message);
    }

    public SafetensorsException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
