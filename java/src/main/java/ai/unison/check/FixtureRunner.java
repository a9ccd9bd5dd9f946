package ai.unison.check;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Runs the check for a fixture folder: the check of its kind when that kind is implemented, plus a
 * byte-exact safetensors round trip of every safetensors file in it.
 */
public final class FixtureRunner {
    private FixtureRunner() {
    }

    public static CheckReport run(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("fixture folder not found: " + dir);
        }
        Optional<FixtureCheck> check = Fixtures.forDir(dir);
        CheckReport report = check.isPresent() ? check.get().run(dir)
                : new CheckReport(dir, Fixtures.declaredKind(dir) + " (not implemented: round trip only)");
        SafetensorsRoundTrip.addRows(dir, report);
        return report;
    }

    /** Whether the folder's kind has a dedicated check (beyond the round trip). */
    public static boolean implemented(Path dir) {
        return Fixtures.forDir(dir).isPresent();
    }
}
