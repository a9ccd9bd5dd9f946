package ai.unison.check;

import ai.unison.io.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The registry of implemented fixture kinds, in the order they are tried. */
public final class Fixtures {
    private static final List<FixtureCheck> CHECKS = List.of(
            new TokenizerCheck(),
            new Qwen2Check(),
            new Qwen25VLCheck(),
            new WanCheck(),
            new WanVaeCheck(),
            new Umt5Check());

    private Fixtures() {
    }

    public static List<FixtureCheck> all() {
        return CHECKS;
    }

    /** The check for {@code dir}, if its kind is implemented. */
    public static Optional<FixtureCheck> forDir(Path dir) {
        return CHECKS.stream().filter(c -> c.accepts(dir)).findFirst();
    }

    /**
     * What a fixture folder declares itself to be: the {@code architectures[0]} or {@code _class_name}
     * of its config, else {@code tokenizer} for a tokenizer folder, else {@code unknown}.
     */
    public static String declaredKind(Path dir) {
        for (String name : List.of("config.json", "scheduler_config.json")) {
            Path f = dir.resolve(name);
            if (Files.isRegularFile(f)) {
                JsonNode n = Json.readTree(f);
                if (n.path("architectures").isArray() && n.path("architectures").size() > 0) {
                    return n.path("architectures").get(0).asText();
                }
                if (n.hasNonNull("_class_name")) {
                    return n.get("_class_name").asText();
                }
            }
        }
        if (Files.isRegularFile(dir.resolve("tokenizer.json")) && Files.isRegularFile(dir.resolve("cases.json"))) {
            return "tokenizer";
        }
        return "unknown";
    }
}
