package ai.unison.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where benchmarks find the shared fixtures: {@code -Dunison.fixtures}, else {@code ../shared/fixtures}. */
public final class BenchPaths {
    private BenchPaths() {
    }

    public static Path fixtures() {
        String p = System.getProperty("unison.fixtures");
        if (p != null) {
            return Path.of(p);
        }
        for (Path c = Path.of("").toAbsolutePath(); c != null; c = c.getParent()) {
            Path f = c.resolve("shared/fixtures");
            if (Files.isDirectory(f)) {
                return f;
            }
        }
        throw new IllegalStateException("shared fixtures not found; pass -Dunison.fixtures=DIR");
    }
}
