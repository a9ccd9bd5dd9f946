package ai.unison.cli;

import ai.unison.Unison;
import ai.unison.api.Options;
import ai.unison.engine.FakeExpert;
import ai.unison.engine.FakePlanner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchCommandTest {
    private final AtomicInteger opened = new AtomicInteger();
    private final BiFunction<Path, Options, Unison> fakes = (models, options) -> {
        opened.incrementAndGet();
        return Unison.open(new FakePlanner(), List.of(new FakeExpert()), options);
    };

    private record Run(int code, String out, String err) {}

    private Run batch(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BatchCommand(fakes));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString().replace(System.lineSeparator(), "\n"), err.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void runsTheFileLogsEachItemAndSkipsWhatIsDoneOnTheNextRun(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("requests.jsonl");
        Files.write(file, List.of("{\"id\": \"a\", \"request\": \"what is red?\"}",
                "{\"id\": \"b\", \"request\": \"what is blue?\"}",
                "{\"id\": \"c\", \"request\": 3}"));
        Path out = dir.resolve("out");
        Run first = batch(file.toString(), "--out", out.toString(), "--concurrency", "2", "--progress", "lines");
        assertEquals(1, first.code(), "a failed line makes the exit code 1");
        assertTrue(first.err().startsWith("batch: 3 to run\n[1/3] FAILED c: line 3 (id c): field 'request' must be the request's text"), first.err());
        assertTrue(first.err().contains("] ok a  "), first.err());
        assertTrue(first.out().startsWith("3 requests: 2 succeeded, 0 skipped (done before), 1 failed; "), first.out());
        assertTrue(first.out().contains("  line 3 (c): INVALID: line 3 (id c): field 'request'"), first.out());
        assertEquals("answer: what is red?\n", Files.readString(out.resolve("a.txt")));
        assertTrue(Files.isRegularFile(out.resolve("summary.json")));
        assertEquals(1, opened.get());

        Run second = batch(file.toString(), "--out", out.toString(), "--progress", "lines");
        assertTrue(second.out().startsWith("3 requests: 0 succeeded, 2 skipped (done before), 1 failed; "), second.out());
        assertEquals(1, opened.get(), "nothing left to run needs no models");
    }

    @Test
    void drawsABarWhenAskedTo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("requests.jsonl");
        Files.write(file, List.of("{\"request\": \"what is red?\"}", "{\"request\": \"what is blue?\"}"));
        Run r = batch(file.toString(), "--out", dir.resolve("out").toString(), "--progress", "bar");
        assertEquals(0, r.code());
        assertTrue(r.err().contains("\r\u001b[2K[############################] 2/2  "), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("out/line-1.txt")));
    }

    @Test
    void refusesBadOptions(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("r.jsonl"), "");
        Run r = batch(file.toString(), "--out", dir.toString(), "--concurrency", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--concurrency must be at least 1, got 0"), r.err());
    }
}
