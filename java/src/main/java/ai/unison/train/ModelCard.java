package ai.unison.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The facts a shipped model's {@code MODEL_CARD.md} states: what it is, how big, what it was trained on
 * and how (the exact command, seed, time and hardware), where training ended, and how good it is.
 *
 * @param config   the architecture's settings worth reading (hidden size, layers, ...), in order
 * @param weights  what the weights file is, e.g. {@code model.safetensors, bfloat16}
 * @param hardware what it trained on, e.g. {@code 2 CPU cores (2 threads)}
 * @param quality  measured quality, one row per metric
 * @param notes    limitations and anything else a user should know (may be empty)
 */
public record ModelCard(String name, String summary, String architecture, Map<String, ?> config,
                        long parameters, String weights, String trainingData, String command,
                        Duration trainingTime, String hardware, long seed, long steps, double finalLoss,
                        List<Quality> quality, String notes) {
    /** One measured quality figure: the metric, its value as reported, and what it means or how it was measured. */
    public record Quality(String metric, String value, String notes) {
    }

    /** Writes {@code MODEL_CARD.md} into {@code dir} and returns its path. */
    public Path write(Path dir) {
        Path file = dir.resolve("MODEL_CARD.md");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, markdown(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(name).append("\n\n").append(summary).append("\n\n");
        md.append("| | |\n|---|---|\n");
        row(md, "architecture", architecture);
        row(md, "parameters", parameterCount(parameters));
        row(md, "weights", weights);
        row(md, "training data", trainingData);
        row(md, "command", "`" + command + "`");
        row(md, "training time", Trainer.format(trainingTime.toMillis() / 1000.0) + " on " + hardware);
        row(md, "steps", Long.toString(steps));
        row(md, "seed", Long.toString(seed));
        row(md, "final loss", String.format(Locale.ROOT, "%.4f", finalLoss));
        if (!config.isEmpty()) {
            md.append("\n## Configuration\n\n| setting | value |\n|---|---|\n");
            config.forEach((k, v) -> row(md, k, String.valueOf(v)));
        }
        if (!quality.isEmpty()) {
            md.append("\n## Quality\n\n| metric | value | notes |\n|---|---|---|\n");
            for (Quality q : quality) {
                md.append("| ").append(cell(q.metric())).append(" | ").append(cell(q.value())).append(" | ")
                        .append(cell(q.notes())).append(" |\n");
            }
        }
        if (notes != null && !notes.isBlank()) {
            md.append("\n## Notes\n\n").append(notes.strip()).append('\n');
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(cell(key)).append(" | ").append(cell(value)).append(" |\n");
    }

    /** Table cells cannot hold a bare pipe or a line break. */
    private static String cell(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }

    /** {@code 1234567} → {@code 1.23 M (1,234,567)}. */
    static String parameterCount(long n) {
        String exact = String.format(Locale.ROOT, "%,d", n);
        if (n >= 1_000_000) {
            return String.format(Locale.ROOT, "%.2f M (%s)", n / 1e6, exact);
        }
        if (n >= 1_000) {
            return String.format(Locale.ROOT, "%.1f k (%s)", n / 1e3, exact);
        }
        return exact;
    }
}
