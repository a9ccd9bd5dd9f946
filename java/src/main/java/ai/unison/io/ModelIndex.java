package ai.unison.io;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The models under a folder: every sub-folder (one or two levels down) with a {@code config.json}
 * or a diffusers {@code model_index.json}, with its architecture and parameter count read from the
 * safetensors headers (nothing is loaded).
 */
public final class ModelIndex {
    public record Entry(Path dir, String architecture, long parameters, long bytes) {
        public String describe() {
            return String.format(Locale.ROOT, "%-28s %-36s %12s params %10s", dir.getFileName(), architecture,
                    String.format(Locale.ROOT, "%,d", parameters), human(bytes));
        }
    }

    private ModelIndex() {
    }

    public static List<Entry> scan(Path root) {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> s = Files.list(root)) {
            for (Path dir : s.filter(Files::isDirectory).sorted().toList()) {
                entry(dir).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new ConfigException(root, "cannot list models: " + e.getMessage(), e);
        }
        return out;
    }

    private static java.util.Optional<Entry> entry(Path dir) {
        Path cfg = dir.resolve("config.json");
        Path index = dir.resolve("model_index.json");
        String arch;
        if (Files.isRegularFile(index)) {
            arch = Json.readTree(index).path("_class_name").asText("diffusers pipeline");
        } else if (Files.isRegularFile(cfg)) {
            JsonNode n = Json.readTree(cfg);
            arch = n.path("architectures").isArray() && n.path("architectures").size() > 0
                    ? n.path("architectures").get(0).asText() : n.path("_class_name").asText(n.path("model_type").asText("?"));
        } else {
            return java.util.Optional.empty();
        }
        long params = 0;
        long bytes = 0;
        try (Stream<Path> files = Files.walk(dir, 2)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".safetensors")).toList()) {
                try (SafetensorsFile st = SafetensorsFile.open(f)) {
                    for (String n : st.names()) {
                        params += st.info(n).numel();
                    }
                }
                bytes += Files.size(f);
            }
        } catch (IOException e) {
            throw new ConfigException(dir, "cannot scan: " + e.getMessage(), e);
        }
        return java.util.Optional.of(new Entry(dir, arch, params, bytes));
    }

    private static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1 << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
