package ai.unison.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCardTest {
    @TempDir
    Path dir;

    @Test
    void writesTheFactsAsMarkdownTables() throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("hidden_size", 128);
        config.put("num_hidden_layers", 4);
        ModelCard card = new ModelCard("unison-planner-tiny", "A tiny planner.", "Qwen2.5-VL", config, 1_234_567,
                "model.safetensors, bfloat16", "shapes world, 40k requests", "./unison train planner --seed 1",
                Duration.ofMinutes(101).plusSeconds(7), "2 CPU cores (2 threads)", 1, 3000, 0.123456,
                List.of(new ModelCard.Quality("task accuracy", "0.97", "1000 held-out requests | seed 9")), "");
        Path file = card.write(dir);
        assertEquals(dir.resolve("MODEL_CARD.md"), file);
        String md = Files.readString(file);
        assertTrue(md.startsWith("# unison-planner-tiny\n\nA tiny planner.\n\n| | |\n|---|---|\n"), md);
        assertTrue(md.contains("| parameters | 1.23 M (1,234,567) |\n"), md);
        assertTrue(md.contains("| command | `./unison train planner --seed 1` |\n"), md);
        assertTrue(md.contains("| training time | 1h41m07s on 2 CPU cores (2 threads) |\n"), md);
        assertTrue(md.contains("| final loss | 0.1235 |\n"), md);
        assertTrue(md.contains("| hidden_size | 128 |\n| num_hidden_layers | 4 |\n"), md);
        assertTrue(md.contains("| task accuracy | 0.97 | 1000 held-out requests \\| seed 9 |\n"), md);
        assertTrue(!md.contains("## Notes"), md);
    }

    @Test
    void formatsParameterCounts() {
        assertEquals("999", ModelCard.parameterCount(999));
        assertEquals("45.6 k (45,600)", ModelCard.parameterCount(45_600));
        assertEquals("12.00 M (12,000,000)", ModelCard.parameterCount(12_000_000));
    }
}
