package ai.unison.cli;

import ai.unison.TestFixtures;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {
    private static String run(int expectedExit, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(expectedExit, Main.execute(args));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void infoReportsLibtorchAndDevice() {
        String out = run(0, "info");
        assertTrue(out.contains("libtorch      2.10.0"), out);
        assertTrue(out.contains("cpu"), out);
        assertTrue(out.contains("float32"), out);
    }

    @Test
    void checkFixturePassesForTokenizer() {
        String out = run(0, "check", "fixture", TestFixtures.dir("qwen-tokenizer").toString());
        assertTrue(out.contains("PASS"), out);
    }
}
