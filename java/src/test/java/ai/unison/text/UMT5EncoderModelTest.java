package ai.unison.text;

import ai.unison.check.CheckReport;
import ai.unison.check.FixtureRunner;
import ai.unison.TestFixtures;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UMT5EncoderModelTest {
    @Test
    void matchesUmt5TinyFixtureIncludingHiddenStatesAndWanPromptEmbeds() throws Exception {
        CheckReport r = FixtureRunner.run(TestFixtures.dir("umt5-tiny"));
        System.out.print(r.render());
        assertEquals("UMT5EncoderModel", r.kind());
        assertTrue(r.passed(), r.render());
        for (String name : new String[]{"last_hidden_state", "hidden_states.0", "hidden_states.2", "wan_prompt_embeds"}) {
            assertTrue(r.rows().stream().anyMatch(c -> c.name().equals(name)), name);
        }
    }
}
