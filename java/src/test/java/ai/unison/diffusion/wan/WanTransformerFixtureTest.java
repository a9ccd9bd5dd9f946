package ai.unison.diffusion.wan;

import ai.unison.TestFixtures;
import ai.unison.check.CheckReport;
import ai.unison.check.FixtureRunner;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WanTransformerFixtureTest {
    @Test
    void matchesWanTinyFixtureIncludingEveryIntermediate() throws Exception {
        CheckReport r = FixtureRunner.run(TestFixtures.dir("wan-tiny"));
        System.out.print(r.render());
        assertEquals("WanTransformer3DModel", r.kind());
        assertTrue(r.passed(), r.render());
        assertTrue(r.rows().stream().anyMatch(c -> c.name().equals("b2.sample")));
        assertTrue(r.rows().stream().anyMatch(c -> c.name().equals("b1.blocks.1")));
    }

    @Test
    void matchesWanVaceTinyFixtureIncludingHints() throws Exception {
        CheckReport r = FixtureRunner.run(TestFixtures.dir("wan-vace-tiny"));
        System.out.print(r.render());
        assertEquals("WanVACETransformer3DModel", r.kind());
        assertTrue(r.passed(), r.render());
        assertTrue(r.rows().stream().anyMatch(c -> c.name().equals("b1_scale1.sample")));
        assertTrue(r.rows().stream().anyMatch(c -> c.name().equals("b1.vace_blocks.1.conditioning_states")));
    }
}
