package ai.unison.engine;

import ai.unison.api.Frames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Writes a one-line description instead of real media, and can die after a number of writes. */
final class RecordingWriter implements OutputWriter {
    /** Stands in for the process being killed. */
    static final class Killed extends Error {
        Killed() {
            super("killed");
        }
    }

    final List<String> written = new CopyOnWriteArrayList<>();
    final AtomicInteger writes = new AtomicInteger();
    volatile int killAt = Integer.MAX_VALUE;

    @Override
    public void png(Path file, Frames image) throws IOException {
        write(file, "png " + image);
    }

    @Override
    public void gif(Path file, Frames video, double fps) throws IOException {
        write(file, "gif " + video + " at " + fps);
    }

    @Override
    public void mp4(Path file, Frames video, double fps) throws IOException {
        write(file, "mp4 " + video + " at " + fps);
    }

    private void write(Path file, String what) throws IOException {
        Files.writeString(file, what, StandardCharsets.UTF_8);
        if (writes.incrementAndGet() >= killAt) {
            throw new Killed();
        }
        written.add(file.getFileName().toString());
    }
}
