package ai.unison.diffusion.wan;

import ai.unison.TestFixtures;
import ai.unison.check.CheckReport;
import ai.unison.check.FixtureRunner;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WanVaeFixtureTest {
    @Test
    void matchesWanVaeTinyFixtureForVideoImageAndLatentCases() throws Exception {
        CheckReport r = FixtureRunner.run(TestFixtures.dir("wan-vae-tiny"));
        System.out.print(r.render());
        assertEquals("AutoencoderKLWan", r.kind());
        assertTrue(r.passed(), r.render());
        for (String name : new String[]{"video.recon", "image.moments", "latent.decoded", "video.encoder_chunk_outputs"}) {
            assertTrue(r.rows().stream().anyMatch(c -> c.name().equals(name)), name);
        }
    }
}
