package ai.unison.engine;

import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.UnisonException;
import ai.unison.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Results as files in one folder: {@code <id>.png} for an image, {@code <id>.gif} and
 * {@code <id>.mp4} for a video, {@code <id>.txt} for an answer, and always {@code <id>.json}, the
 * sidecar, written last. Every file is written under a hidden temporary name and moved into place
 * atomically, so a file that exists is complete, and a sidecar with status {@code ok} means the
 * request is done.
 */
public final class Outputs {
    private static final String PART = ".part-";

    private final Path dir;
    private final OutputWriter writer;

    Outputs(Path dir, OutputWriter writer) {
        this.dir = dir;
        this.writer = writer;
    }

    /** Outputs in {@code dir} (created if needed), images and videos encoded with the media writer. */
    public static Outputs in(Path dir) {
        return new Outputs(dir, new MediaOutputWriter());
    }

    public Path dir() {
        return dir;
    }

    /** Writes a result's files, then its sidecar; returns the names of the files besides the sidecar. */
    public List<String> write(String id, Integer line, Request request, Result result) {
        List<String> names = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            if (result.isImage()) {
                names.add(atomically(id + ".png", p -> writer.png(p, result.frames())));
            } else if (result.isVideo()) {
                double fps = result.plan().fps() != null ? result.plan().fps() : 24;
                names.add(atomically(id + ".gif", p -> writer.gif(p, result.frames(), fps)));
                names.add(atomically(id + ".mp4", p -> writer.mp4(p, result.frames(), fps)));
            } else if (result.answer() != null) {
                names.add(atomically(id + ".txt", p -> durable(p, result.answer() + "\n")));
            }
            writeJson(id + ".json", Sidecar.success(id, line, request, result, names));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the outputs of " + id + " in " + dir + ": " + e.getMessage(), e);
        }
        return names;
    }

    /** Writes the sidecar of a failed request. */
    public void writeFailure(String id, Integer line, Request request, UnisonException.Reason reason, String message) {
        try {
            Files.createDirectories(dir);
            writeJson(id + ".json", Sidecar.failure(id, line, request, reason, message));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + id + ".json in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes any JSON document atomically, e.g. {@code summary.json}. */
    public void writeJson(String name, JsonNode json) throws IOException {
        atomically(name, p -> durable(p, json.toPrettyString() + "\n"));
    }

    /** True when {@code <id>.json} says the request succeeded and the files it lists exist. */
    public boolean done(String id) {
        Path sidecar = dir.resolve(id + ".json");
        if (!Files.isRegularFile(sidecar)) {
            return false;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readString(sidecar));
            if (!"ok".equals(n.path("status").asText())) {
                return false;
            }
            for (JsonNode f : n.path("outputs")) {
                if (!Files.isRegularFile(dir.resolve(f.asText()))) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes temporary files an interrupted run left behind; returns how many. */
    public int removePartials() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            int n = 0;
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.contains(PART) && Files.deleteIfExists(p)) {
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir + ": " + e.getMessage(), e);
        }
    }

    private interface FileWrite {
        void to(Path file) throws IOException;
    }

    /** Writes {@code name} through a hidden temporary file (same extension) and moves it into place. */
    private String atomically(String name, FileWrite write) throws IOException {
        int dot = name.lastIndexOf('.');
        Path tmp = dir.resolve("." + name.substring(0, dot) + PART + UUID.randomUUID().toString().substring(0, 8)
                + name.substring(dot));
        try {
            write.to(tmp);
            try {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return name;
    }

    private static void durable(Path file, String text) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }
}
