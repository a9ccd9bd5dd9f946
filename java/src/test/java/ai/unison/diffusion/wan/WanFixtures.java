package ai.unison.diffusion.wan;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared reference fixtures are: {@code unison.fixtures} (set by surefire), else /work/shared/fixtures. */
public final class WanFixtures {
    private WanFixtures() {
    }

    public static Path dir(String name) {
        String prop = System.getProperty("unison.fixtures");
        Path root = prop != null && Files.isDirectory(Path.of(prop)) ? Path.of(prop) : Path.of("/work/shared/fixtures");
        return root.resolve(name);
    }
}
