package ai.unison.cli;

import ai.unison.diffusion.wan.AutoencoderKLWan;
import ai.unison.train.VaeCeiling;
import ai.unison.train.VaeTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvalVaeCommandTest {
    @TempDir
    Path dir;

    private static MainRun run(String... args) {
        return MainRun.of(args);
    }

    @Test
    void printsOneRowPerPixelCategoryAndTheOverallMean() {
        Path vae = dir.resolve("vae");
        AutoencoderKLWan.writeRandom(VaeTrainer.config(4, 4, 1, 4), vae, 1);
        MainRun r = run("eval", "vae", "--vae", vae.toString(), "--n", "1", "--size", "32", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1 + VaeCeiling.CATEGORIES.size() + 1, lines.length, r.out());
        assertTrue(lines[1].startsWith("single_object"), r.out());
        assertTrue(lines[lines.length - 1].startsWith("overall"), r.out());
        assertTrue(!r.out().contains("understanding") && !r.out().contains("round_trip"), r.out());
    }

    @Test
    void latentNoiseScoresNoisyDecodesAndMustBeInRange() {
        Path vae = dir.resolve("vae");
        AutoencoderKLWan.writeRandom(VaeTrainer.config(4, 4, 1, 4), vae, 1);
        MainRun r = run("eval", "vae", "--vae", vae.toString(), "--n", "1", "--size", "32", "--threads", "1",
                "--latent-noise", "0.5");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("overall"), r.out());
        MainRun bad = run("eval", "vae", "--vae", vae.toString(), "--latent-noise", "-1");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--latent-noise") && bad.err().contains("-1"), bad.err());
    }

    @Test
    void anOddSizeIsAUsageError() {
        MainRun r = run("eval", "vae", "--size", "100");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--size") && r.err().contains("100"), r.err());
    }

    @Test
    void aFolderWithoutAConfigIsNamed() {
        MainRun r = run("eval", "vae", "--vae", dir.resolve("absent").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("absent") && r.err().contains("config.json"), r.err());
    }
}
