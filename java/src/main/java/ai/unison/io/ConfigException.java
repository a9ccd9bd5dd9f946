package ai.unison.io;

import java.nio.file.Path;

/** A model or scheduler config that is missing, malformed or asks for something unsupported. */
public final class ConfigException extends RuntimeException {
    public ConfigException(Path file, String message) {
        super(file + ": " + message);
    }

    public ConfigException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
