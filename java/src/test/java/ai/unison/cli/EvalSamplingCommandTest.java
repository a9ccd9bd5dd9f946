package ai.unison.cli;

import ai.unison.diffusion.wan.TinyVaceFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalSamplingCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsTheCeilingEachStartAndTheStepsFromPureNoise() {
        Path expert = TinyVaceFolder.write(dir.resolve("wan-vace"));
        MainRun r = MainRun.of("eval", "sampling", "--expert", expert.toString(), "--n", "1", "--size", "64",
                "--starts", "1,0.5", "--guidance", "2", "--threads", "1", "--out", dir.resolve("out").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("ground truth through the VAE"), r.out());
        assertTrue(r.out().contains("sigma 1.00 (step 0 at 1.000)") && r.out().contains("sigma 0.50 (step"), r.out());
        assertTrue(r.out().contains("x0 estimate along the run from pure noise"), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("out/00-starts.png")));
    }

    @Test
    void badOptionsAreNamed() {
        MainRun starts = MainRun.of("eval", "sampling", "--starts", "1,1.5");
        assertEquals(2, starts.code());
        assertTrue(starts.err().contains("--starts") && starts.err().contains("1.5"), starts.err());
        MainRun size = MainRun.of("eval", "sampling", "--size", "100");
        assertEquals(2, size.code());
        assertTrue(size.err().contains("--size") && size.err().contains("100"), size.err());
        MainRun n = MainRun.of("eval", "sampling", "--n", "0");
        assertEquals(2, n.code());
        assertTrue(n.err().contains("--n"), n.err());
        MainRun absent = MainRun.of("eval", "sampling", "--expert", dir.resolve("absent").toString(), "--n", "1");
        assertTrue(absent.code() != 0);
        assertTrue(absent.err().contains("absent"), absent.err());
    }
}
