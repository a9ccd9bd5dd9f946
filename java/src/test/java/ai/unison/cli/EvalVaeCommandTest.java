package ai.unison.cli;

import ai.unison.diffusion.wan.AutoencoderKLWan;
import ai.unison.train.VaeCeiling;
import ai.unison.train.VaeTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalVaeCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.execute(args), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void printsOneRowPerPixelCategoryAndTheOverallMean() {
        Path vae = dir.resolve("vae");
        AutoencoderKLWan.writeRandom(VaeTrainer.config(4, 4, 1, 4), vae, 1);
        Run r = run("eval", "vae", "--vae", vae.toString(), "--n", "1", "--size", "32", "--threads", "1");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1 + VaeCeiling.CATEGORIES.size() + 1, lines.length, r.out());
        assertTrue(lines[1].startsWith("single_object"), r.out());
        assertTrue(lines[lines.length - 1].startsWith("overall"), r.out());
        assertTrue(!r.out().contains("understanding") && !r.out().contains("round_trip"), r.out());
    }

    @Test
    void anOddSizeIsAUsageError() {
        Run r = run("eval", "vae", "--size", "100");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--size") && r.err().contains("100"), r.err());
    }

    @Test
    void aFolderWithoutAConfigIsNamed() {
        Run r = run("eval", "vae", "--vae", dir.resolve("absent").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("absent") && r.err().contains("config.json"), r.err());
    }
}
