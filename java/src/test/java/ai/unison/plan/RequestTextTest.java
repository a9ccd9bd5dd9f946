package ai.unison.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.api.Attachment;
import ai.unison.api.PlanException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTextTest {

    @Test
    void replacesInlineReferencesInOrderOfMention() {
        RequestText.Prepared p = RequestText.prepare("use ###masks/m.png### as the mask on ###photo.JPG###, then ###c.mp4###", List.of());
        assertEquals("use <IMGPAD> as the mask on <IMGPAD>, then <VIDPAD>", p.text());
        assertEquals(List.of(Attachment.of(0, "masks/m.png"), Attachment.of(1, "photo.JPG"), Attachment.of(2, "c.mp4")), p.attachments());
    }

    @Test
    void appendsSeparateAttachmentsAfterInlineOnesSeparatedBySpaces() {
        RequestText.Prepared p = RequestText.prepare("edit ###a.png### with this mask  \n", List.of("m.png", "clip.mov"));
        assertEquals("edit <IMGPAD> with this mask <IMGPAD> <VIDPAD>", p.text());
        assertEquals(List.of(Attachment.of(0, "a.png"), Attachment.of(1, "m.png"), Attachment.of(2, "clip.mov")), p.attachments());
    }

    @Test
    void emptyTextWithSeparateAttachmentIsJustThePlaceholder() {
        assertEquals("<IMGPAD>", RequestText.prepare("", List.of("a.png")).text());
    }

    @Test
    void trimsPathsInsideReferences() {
        assertEquals("x.gif", RequestText.prepare("animate ### x.gif ###", List.of()).attachments().get(0).path());
    }

    @Test
    void samePathMentionedTwiceIsTwoAttachments() {
        assertEquals(2, RequestText.prepare("###a.png### and ###a.png###", List.of()).attachments().size());
    }

    @Test
    void promptDropsReferencesAndCollapsesSpaces() {
        RequestText.Prepared p = RequestText.prepare("put ###ref.png### at the top-left , please", List.of("x.png"));
        assertEquals("put at the top-left, please", p.prompt());
    }

    @Test
    void textWithoutReferencesIsUnchanged() {
        RequestText.Prepared p = RequestText.prepare("a cat ### on a sofa", List.of());
        assertEquals("a cat ### on a sofa", p.text());
        assertEquals(List.of(), p.attachments());
    }

    @Test
    void rejectsUnsupportedAttachmentNamingPath() {
        PlanException e = assertThrows(PlanException.class, () -> RequestText.prepare("see ###doc.pdf###", List.of()));
        assertTrue(e.getMessage().contains("'doc.pdf'"), e.getMessage());
    }

    @Test
    void rejectsEmptyReference() {
        PlanException e = assertThrows(PlanException.class, () -> RequestText.prepare("see ######", List.of()));
        assertTrue(e.getMessage().contains("empty inline reference"), e.getMessage());
    }

    @Test
    void rejectsReservedTokensInText() {
        PlanException e = assertThrows(PlanException.class, () -> RequestText.prepare("look <IMGPAD> here", List.of()));
        assertTrue(e.getMessage().contains("<IMGPAD>"), e.getMessage());
    }

    @Test
    void rejectsMoreAttachmentsThanTheCap() {
        PlanLimits limits = new PlanLimits(4096, 1 << 24, 1025, 2);
        PlanException e = assertThrows(PlanException.class, () -> RequestText.prepare("###a.png###", List.of("b.png", "c.png"), limits));
        assertTrue(e.getMessage().contains("maxAttachments=2") && e.getMessage().contains("3"), e.getMessage());
    }
}
