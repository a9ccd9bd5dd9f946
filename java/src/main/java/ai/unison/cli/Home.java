package ai.unison.cli;

import java.nio.file.Path;

/** Where the checkout lives: the launcher passes {@code -Dunison.home}; else the working directory. */
final class Home {
    private Home() {
    }

    static Path root() {
        String home = System.getProperty("unison.home");
        return Path.of(home != null ? home : ".").toAbsolutePath().normalize();
    }

    static Path models() {
        return root().resolve("models");
    }
}
