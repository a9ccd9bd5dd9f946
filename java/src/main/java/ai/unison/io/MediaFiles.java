package ai.unison.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** File-level rules shared by the readers and writers: extensions, readability, atomic replacement. */
final class MediaFiles {
    static final List<String> IMAGE_EXTENSIONS = List.of("png", "jpg", "jpeg");
    static final List<String> VIDEO_EXTENSIONS = List.of("mp4", "mov", "gif");

    private MediaFiles() {
    }

    /** The lower-case extension without the dot, or "" when the name has none. */
    static String extension(Path file) {
        Path name = file.getFileName();
        String s = name == null ? "" : name.toString();
        int dot = s.lastIndexOf('.');
        return dot < 0 ? "" : s.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static MediaException unsupported(Path file, String kind, List<String> supported) {
        String ext = extension(file);
        return new MediaException(file, (ext.isEmpty() ? "no file extension" : "unsupported " + kind + " format '" + ext + "'")
                + "; supported: " + String.join(", ", supported));
    }

    /** Fails unless {@code file} is an existing, readable, non-empty regular file. */
    static void requireReadable(Path file) {
        if (!Files.exists(file)) {
            throw new MediaException(file, "file not found");
        }
        if (!Files.isRegularFile(file)) {
            throw new MediaException(file, "not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new MediaException(file, "file is not readable (permission denied)");
        }
        try {
            if (Files.size(file) == 0) {
                throw new MediaException(file, "file is empty (0 bytes)");
            }
        } catch (IOException e) {
            throw new MediaException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Writes the content of a file to a path; the path is a fresh, empty file. */
    interface Body {
        void writeTo(Path path) throws IOException;
    }

    /**
     * Writes {@code target} all at once: {@code body} writes a hidden temporary file beside it, which is synced
     * and then renamed over the target. Readers never see a partial file; on failure the target is untouched.
     * Missing parent folders are created.
     */
    static void writeAtomically(Path target, Body body) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            Files.createDirectories(dir);
            Files.createFile(tmp);
            body.writeTo(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof MediaException m) {
                throw m;
            }
            throw new MediaException(target, "cannot write: " + e, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file is hidden and named as such; nothing more to do
            }
        }
    }
}
