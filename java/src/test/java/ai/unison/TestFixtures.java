package ai.unison;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared/fixtures}: the {@code unison.fixtures} property (set by surefire), else nearby. */
public final class TestFixtures {
    private TestFixtures() {
    }

    public static Path root() {
        String p = System.getProperty("unison.fixtures");
        if (p != null && Files.isDirectory(Path.of(p))) {
            return Path.of(p).toAbsolutePath().normalize();
        }
        for (Path c = Path.of("").toAbsolutePath(); c != null; c = c.getParent()) {
            Path f = c.resolve("shared/fixtures");
            if (Files.isDirectory(f)) {
                return f;
            }
        }
        throw new IllegalStateException("shared fixtures not found; set -Dunison.fixtures=DIR");
    }

    public static Path dir(String name) {
        return root().resolve(name);
    }
}
