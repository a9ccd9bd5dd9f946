package ai.unison.train;

import ai.unison.io.Json;
import ai.unison.runtime.DType;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The checkpoints of one training run: {@code checkpoints/step-NNNNNNNN/} folders holding
 * {@code parameters.safetensors} (float32), {@code optimizer.safetensors}, {@code ema.safetensors} when the run keeps
 * a moving average of its weights, and {@code state.json}, and a
 * {@code LATEST} file naming the newest complete one. {@code LATEST} is replaced atomically after the
 * folder is written, so an interrupted write never becomes the resume point.
 */
final class Checkpoints {
    static final String PARAMETERS = "parameters.safetensors";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String EMA = "ema.safetensors";
    static final String STATE = "state.json";
    private static final String LATEST = "LATEST";
    private static final String PREFIX = "step-";

    /** What a trainer needs back from {@code state.json} to resume. */
    record State(long step, long seed, double elapsedSeconds, List<Double> recentLosses) {
    }

    private final Path dir;

    Checkpoints(Path out) {
        this.dir = out.resolve("checkpoints");
    }

    /** The newest complete checkpoint folder, if any. */
    Optional<Path> latest() {
        Path latest = dir.resolve(LATEST);
        if (!Files.isRegularFile(latest)) {
            return Optional.empty();
        }
        try {
            Path ckpt = dir.resolve(Files.readString(latest, StandardCharsets.UTF_8).trim());
            if (!Files.isRegularFile(ckpt.resolve(STATE))) {
                throw new IllegalStateException(latest + " names " + ckpt + ", which holds no " + STATE);
            }
            return Optional.of(ckpt);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + latest, e);
        }
    }

    static State read(Path ckpt) {
        JsonNode n = Json.readTree(ckpt.resolve(STATE));
        List<Double> losses = new ArrayList<>();
        n.path("recent_losses").forEach(v -> losses.add(v.asDouble()));
        return new State(n.path("step").asLong(), n.path("seed").asLong(), n.path("elapsed_seconds").asDouble(),
                losses);
    }

    /**
     * Writes the checkpoint after {@code step} steps (with the weights' moving average when {@code ema} is not null),
     * points {@code LATEST} at it and prunes old ones.
     */
    Path write(long step, Parameters parameters, AdamW optimizer, Ema ema, Map<String, Object> state, int keep) {
        String name = String.format("%s%08d", PREFIX, step);
        Path ckpt = dir.resolve(name);
        try {
            Files.createDirectories(ckpt);
            parameters.save(ckpt.resolve(PARAMETERS), DType.FLOAT32, Map.of("step", Long.toString(step)));
            optimizer.save(ckpt.resolve(OPTIMIZER));
            if (ema != null) {
                ema.save(ckpt.resolve(EMA));
            }
            Files.writeString(ckpt.resolve(STATE), Json.write(state) + "\n", StandardCharsets.UTF_8);
            Path tmp = Files.createTempFile(dir, LATEST, ".tmp");
            Files.writeString(tmp, name + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            prune(step, keep);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + ckpt, e);
        }
        return ckpt;
    }

    /** Keeps the newest {@code keep} folders up to {@code step}; later ones are stale leftovers of a crash. */
    private void prune(long step, int keep) throws IOException {
        List<Path> folders;
        try (Stream<Path> s = Files.list(dir)) {
            folders = s.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        List<Path> upToStep = new ArrayList<>();
        for (Path f : folders) {
            long s = Long.parseLong(f.getFileName().toString().substring(PREFIX.length()));
            if (s > step) {
                delete(f);
            } else {
                upToStep.add(f);
            }
        }
        for (int i = 0; i < upToStep.size() - keep; i++) {
            delete(upToStep.get(i));
        }
    }

    private static void delete(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
