package ai.unison.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.api.Attachment;
import ai.unison.api.Plan;
import ai.unison.api.PlanException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanLimitsTest {

    private static Plan plan(String signal, int attachments) {
        List<Attachment> list = new ArrayList<>();
        for (int i = 0; i < attachments; i++) {
            list.add(Attachment.of(i, i + ".png"));
        }
        return SignalGrammar.toPlan(signal, list, "p");
    }

    @Test
    void defaultsAreTheDocumentedCaps() {
        assertEquals(new PlanLimits(4096, 3840L * 2160, 1025, 8), PlanLimits.DEFAULTS);
        assertEquals(1024, PlanLimits.DEFAULTS.maxFrameToken());
    }

    @Test
    void acceptsPlansAtTheCaps() {
        PlanLimits.DEFAULTS.validate(plan("<BORES>3840,2160<EORES><BONF>1024<EONF><CFV>", 0));
        PlanLimits.DEFAULTS.validate(plan("<BORES>4096,1024<EORES><CFI>", 0));
        PlanLimits.DEFAULTS.validate(plan("<CFV>", 0));
    }

    @Test
    void rejectsSideBeyondCapNamingCapFieldAndValue() {
        PlanException e = assertThrows(PlanException.class, () -> PlanLimits.DEFAULTS.validate(plan("<BORES>512,4097<EORES><CFI>", 0)));
        assertEquals("height 4097 exceeds the cap maxSide=4096", e.getMessage());
    }

    @Test
    void rejectsPixelsBeyondCap() {
        PlanException e = assertThrows(PlanException.class, () -> PlanLimits.DEFAULTS.validate(plan("<BORES>4096,2048<EORES><CFI>", 0)));
        assertTrue(e.getMessage().contains("maxPixels=8294400") && e.getMessage().contains("8388608"), e.getMessage());
    }

    @Test
    void rejectsFramesBeyondCap() {
        PlanException e = assertThrows(PlanException.class, () -> PlanLimits.DEFAULTS.validate(plan("<BONF>1025<EONF><CFV>", 0)));
        assertEquals("frames 1026 exceeds the cap maxFrames=1025", e.getMessage());
    }

    @Test
    void rejectsTooManyAttachments() {
        PlanException e = assertThrows(PlanException.class, () -> PlanLimits.DEFAULTS.validate(plan("<REF><CFI>", 9)));
        assertEquals("attachments 9 exceeds the cap maxAttachments=8", e.getMessage());
    }

    @Test
    void rejectsNonPositiveLimits() {
        assertThrows(IllegalArgumentException.class, () -> new PlanLimits(0, 10, 10, 1));
    }
}
