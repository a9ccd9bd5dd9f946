package ai.unison.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors of {@code unison train vae}'s decoder fine-tuning options: refused before anything trains. */
class TrainVaeCommandTest {
    @TempDir
    Path dir;

    @Test
    void latentNoiseNeedsDecoderFrom() {
        MainRun r = MainRun.of("train", "vae", "--out", dir.resolve("run").toString(), "--latent-noise", "0.5");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains("--latent-noise needs --decoder-from"), r.err());
    }

    @Test
    void decoderFromRefusesArchitectureFlags() {
        MainRun r = MainRun.of("train", "vae", "--out", dir.resolve("run").toString(), "--decoder-from",
                dir.resolve("vae").toString(), "--base-dim", "12");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains("--base-dim cannot be combined with --decoder-from"), r.err());
    }

    @Test
    void decoderFromMustBeAnExportedVae() {
        MainRun r = MainRun.of("train", "vae", "--out", dir.resolve("run").toString(), "--decoder-from",
                dir.resolve("missing").toString(), "--steps", "1");
        assertTrue(r.code() != 0, r.out());
        assertTrue(r.err().contains("missing") && r.err().contains("not an exported VAE folder"), r.err());
    }
}
