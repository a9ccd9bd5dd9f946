package ai.unison.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real command line, without models: clear errors naming what is missing, never a stack trace. */
class CommandLineTest {
    private static MainRun main(String... args) {
        return MainRun.of(args);
    }

    @Test
    void theBareFormRunsTheRequestAndNamesTheMissingModels(@TempDir Path dir) {
        MainRun r = main("make a video of a red circle", "--models", dir.resolve("models").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: cannot open the engine: there is no models folder at " + dir.resolve("models")
                + "; it needs the planner (a folder with config.json whose \"architectures\" names "
                + "Qwen2_5_VLForConditionalGeneration) and a generation expert"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void anEmptyModelsFolderIsNamedWithWhatItHolds(@TempDir Path dir) {
        MainRun r = main("run", "what is this?", "--models", dir.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("the models folder " + dir + " lacks the planner"), r.err());
        assertTrue(r.err().contains("it holds no models"), r.err());
    }

    @Test
    void batchWithoutModelsFailsTheSameWay(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("r.jsonl"), List.of("{\"id\": \"a\", \"request\": \"an image\"}"));
        MainRun r = main("batch", file.toString(), "--out", dir.resolve("out").toString(), "--models", dir.resolve("none").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("error: cannot open the engine: there is no models folder"), r.err());
    }

    @Test
    void subcommandsAndOptionsAreNotTakenForRequests() {
        MainRun help = main("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("run") && help.out().contains("batch"), help.out());
        MainRun runHelp = main("run", "--help");
        assertEquals(0, runHelp.code());
        assertTrue(runHelp.out().contains("--attach=FILE"), runHelp.out());
    }
}
