package ai.unison.train;

import ai.unison.io.Checkpoint;
import ai.unison.runtime.Torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Helpers for trainer tests: a run's final parameters and its loss column. */
final class TrainRuns {
    private TrainRuns() {
    }

    /** The parameters of the newest checkpoint under {@code out}, by name. */
    static Map<String, float[]> finalParameters(Path out) {
        Path latest = new Checkpoints(out).latest().orElseThrow();
        Map<String, float[]> m = new LinkedHashMap<>();
        try (Checkpoint c = Checkpoint.open(latest.resolve(Checkpoints.PARAMETERS))) {
            for (String n : c.names()) {
                m.put(n, Torch.toFloats(c.tensor(n)));
            }
        }
        return m;
    }

    /** The loss column of {@code out/loss.csv}. */
    static List<String> losses(Path out) {
        try (Stream<String> lines = Files.lines(out.resolve("loss.csv"))) {
            return lines.skip(1).map(l -> l.split(",")[1]).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
