package ai.unison.io;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {
    record TinyConfig(@JsonProperty(required = true) int hiddenSize,
                      @JsonProperty(required = true) int numHiddenLayers,
                      Double ropeTheta) {
    }

    @TempDir
    Path dir;

    private Path write(String json) throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void readsSnakeCaseIntoRecordAndToleratesUnknownFields() throws IOException {
        TinyConfig c = Json.readConfig(write("{\"hidden_size\": 64, \"num_hidden_layers\": 3, \"model_type\": \"x\"}"),
                TinyConfig.class);
        assertEquals(64, c.hiddenSize());
        assertEquals(3, c.numHiddenLayers());
        assertNull(c.ropeTheta());
    }

    @Test
    void namesMissingRequiredFieldAndFile() throws IOException {
        Path f = write("{\"hidden_size\": 64}");
        String msg = assertThrows(ConfigException.class, () -> Json.readConfig(f, TinyConfig.class)).getMessage();
        assertTrue(msg.contains("num_hidden_layers") && msg.contains(f.toString()), msg);
    }

    @Test
    void namesFieldWithWrongType() throws IOException {
        Path f = write("{\"hidden_size\": \"big\", \"num_hidden_layers\": 3}");
        String msg = assertThrows(ConfigException.class, () -> Json.readConfig(f, TinyConfig.class)).getMessage();
        assertTrue(msg.contains("hidden_size"), msg);
    }

    @Test
    void reportsInvalidJson() throws IOException {
        Path f = write("{\"hidden_size\": 64,");
        String msg = assertThrows(ConfigException.class, () -> Json.readConfig(f, TinyConfig.class)).getMessage();
        assertTrue(msg.contains("invalid JSON") && msg.contains(f.toString()), msg);
    }

    @Test
    void reportsMissingFile() {
        Path f = dir.resolve("nope.json");
        String msg = assertThrows(ConfigException.class, () -> Json.readConfig(f, TinyConfig.class)).getMessage();
        assertTrue(msg.contains("not found") && msg.contains("nope.json"), msg);
    }

    @Test
    void acceptsInfinityAsUpstreamWritesIt() throws IOException {
        Path f = write("{\"lambda_min_clipped\": -Infinity}");
        assertTrue(Json.readTree(f).get("lambda_min_clipped").asDouble() < -1e300);
    }
}
