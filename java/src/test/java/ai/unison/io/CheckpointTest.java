package ai.unison.io;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    @TempDir
    Path dir;

    private void shards() throws IOException {
        try (NativeScope s = NativeScope.open()) {
            SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"),
                    Map.of("a.weight", Torch.fromFloats(new float[]{1, 2}, 2)), Map.of());
            SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"),
                    Map.of("b.weight", Torch.fromFloats(new float[]{3, 4, 5, 6}, 2, 2)), Map.of());
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), """
                {"metadata": {"total_size": 24}, "weight_map": {
                  "a.weight": "model-00001-of-00002.safetensors",
                  "b.weight": "model-00002-of-00002.safetensors"}}""");
    }

    @Test
    void readsShardedCheckpointThroughItsIndex() throws IOException {
        shards();
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertEquals(List.of("a.weight", "b.weight"), c.names());
            assertArrayEquals(new float[]{3, 4, 5, 6}, Torch.toFloats(c.tensor("b.weight", 2, 2)));
        }
    }

    @Test
    void namesTensorExpectedAndActualShape() throws IOException {
        shards();
        try (Checkpoint c = Checkpoint.open(dir)) {
            String msg = assertThrows(SafetensorsException.class, () -> c.tensor("b.weight", 4)).getMessage();
            assertTrue(msg.contains("b.weight") && msg.contains("[2, 2]") && msg.contains("[4]"), msg);
        }
    }

    @Test
    void namesMissingTensorAndCheckpoint() throws IOException {
        shards();
        try (Checkpoint c = Checkpoint.open(dir)) {
            String msg = assertThrows(SafetensorsException.class, () -> c.tensor("lm_head.weight")).getMessage();
            assertTrue(msg.contains("lm_head.weight") && msg.contains(dir.toString()), msg);
        }
    }

    @Test
    void namesMissingShard() throws IOException {
        shards();
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        String msg = assertThrows(SafetensorsException.class, () -> Checkpoint.open(dir)).getMessage();
        assertTrue(msg.contains("model-00002-of-00002.safetensors") && msg.contains("b.weight"), msg);
    }

    @Test
    void rejectsFolderWithoutWeights() {
        String msg = assertThrows(SafetensorsException.class, () -> Checkpoint.open(dir)).getMessage();
        assertTrue(msg.contains("no *.safetensors"), msg);
    }
}
