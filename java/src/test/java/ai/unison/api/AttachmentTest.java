package ai.unison.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.api.Attachment.Kind;
import org.junit.jupiter.api.Test;

class AttachmentTest {

    @Test
    void imageExtensionsGiveImages() {
        assertEquals(Kind.IMAGE, Attachment.kindOf("a.png"));
        assertEquals(Kind.IMAGE, Attachment.kindOf("dir/b.jpg"));
        assertEquals(Kind.IMAGE, Attachment.kindOf("/abs/c.JPEG"));
    }

    @Test
    void videoExtensionsGiveVideos() {
        assertEquals(Kind.VIDEO, Attachment.kindOf("clip.mp4"));
        assertEquals(Kind.VIDEO, Attachment.kindOf("clip.AVI"));
        assertEquals(Kind.VIDEO, Attachment.kindOf("x/y.mov"));
        assertEquals(Kind.VIDEO, Attachment.kindOf("anim.gif"));
    }

    @Test
    void ofDerivesKindAndKeepsIndexAndPath() {
        assertEquals(new Attachment(2, Kind.VIDEO, "runs/out.mp4"), Attachment.of(2, "runs/out.mp4"));
    }

    @Test
    void rejectsUnknownExtensionNamingPathAndAcceptedOnes() {
        PlanException e = assertThrows(PlanException.class, () -> Attachment.of(0, "scan.tiff"));
        assertTrue(e.getMessage().contains("'scan.tiff'"), e.getMessage());
        assertTrue(e.getMessage().contains("'tiff'"), e.getMessage());
        assertTrue(e.getMessage().contains("png, jpg, jpeg") && e.getMessage().contains("mp4, avi, mov, gif"), e.getMessage());
    }

    @Test
    void rejectsPathWithoutExtensionEvenWhenADirectoryHasADot() {
        PlanException e = assertThrows(PlanException.class, () -> Attachment.kindOf("v1.2/image"));
        assertTrue(e.getMessage().contains("no extension"), e.getMessage());
    }

    @Test
    void rejectsNegativeIndex() {
        PlanException e = assertThrows(PlanException.class, () -> Attachment.of(-1, "a.png"));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    @Test
    void kindWireNamesAreLowerCase() {
        assertEquals("image", Kind.IMAGE.wireName());
        assertEquals(Kind.VIDEO, Kind.fromWireName("video"));
    }
}
