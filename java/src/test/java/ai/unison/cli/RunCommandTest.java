package ai.unison.cli;

import ai.unison.Unison;
import ai.unison.api.Options;
import ai.unison.api.Overrides;
import ai.unison.api.Request;
import ai.unison.engine.FakeExpert;
import ai.unison.engine.FakePlanner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunCommandTest {
    private static final BiFunction<Path, Options, Unison> FAKES =
            (models, options) -> Unison.open(new FakePlanner(), List.of(new FakeExpert()), options);

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(RunCommand cmd, String... args) {
        CommandLine cl = new CommandLine(cmd);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void printsAnAnswerAndWritesFilesOnlyWhenAskedTo(@TempDir Path dir) throws Exception {
        assertEquals(0, run(new RunCommand(FAKES), "what", "is", "red?"));
        assertEquals("answer: what is red?\n", out.toString().replace(System.lineSeparator(), "\n"));
        assertEquals(0, run(new RunCommand(FAKES), "what is blue?", "--out", dir.toString(), "--name", "q"));
        assertEquals("answer: what is blue?\n", Files.readString(dir.resolve("q.txt")));
        assertTrue(Files.readString(dir.resolve("q.json")).contains("\"status\" : \"ok\""));
    }

    @Test
    void turnsOptionsIntoTheRequestsOverridesAndAttachments() {
        RunCommand cmd = new RunCommand(FAKES);
        new CommandLine(cmd).parseArgs("edit", "###a.png###", "--attach", "b.png", "--attach", "c.mp4", "--seed", "5",
                "--steps", "12", "--guidance", "4.5", "--scheduler", "euler", "--size", "640x480", "--frames", "33",
                "--timeout", "2.5");
        Request r = cmd.request();
        assertEquals("edit ###a.png###", r.text());
        assertEquals(List.of("b.png", "c.mp4"), r.attachments().stream().map(a -> a.name()).toList());
        assertEquals(new Overrides(5L, 12, 4.5, "euler", 640, 480, 33, Duration.ofMillis(2500)), r.overrides());
    }

    @Test
    void refusesAMalformedSizeWithoutAStackTrace() {
        assertEquals(2, run(new RunCommand(FAKES), "an image", "--size", "big"));
        assertTrue(err.toString().contains("--size must be WIDTHxHEIGHT such as 640x480, got 'big'"), err.toString());
        assertFalse(err.toString().contains("\tat "), err.toString());
    }
}
