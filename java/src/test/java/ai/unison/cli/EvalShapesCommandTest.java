package ai.unison.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.Unison;
import ai.unison.api.Options;
import ai.unison.engine.FakeExpert;
import ai.unison.engine.FakePlanner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalShapesCommandTest {
    private static final BiFunction<Path, Options, Unison> FAKES =
            (models, options) -> Unison.open(new FakePlanner(), List.of(new FakeExpert()), options);

    @Test
    void printsAScorePerCategoryAndWritesOutputsAndContactSheets(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new EvalShapesCommand(FAKES));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("--n", "2", "--category", "single_object,understanding", "--out", dir.toString());
        assertEquals(0, exit, err.toString());
        String table = out.toString();
        assertTrue(table.contains("single_object"), table);
        assertTrue(table.contains("understanding"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("overall")), table);
        assertTrue(Files.isRegularFile(dir.resolve("single_object.png")));
        assertTrue(Files.isDirectory(dir.resolve("understanding")));
    }

    @Test
    void refusesAnUnknownCategory() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new EvalShapesCommand(FAKES));
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("--category", "nope"));
        assertTrue(err.toString().contains("no category matches [nope]"), err.toString());
    }
}
