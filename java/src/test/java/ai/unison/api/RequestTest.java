package ai.unison.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestTest {
    @Test
    void builderCollectsAttachmentsInOrderAndOverrides() {
        Frames px = Frames.image(1, 1, 3, new byte[] {1, 2, 3});
        Request r = Request.builder("make it blue").id("x").priority(Priority.BATCH)
                .attach(Path.of("a.png")).attach("mask.png", new byte[] {9}).attach(px)
                .seed(7).steps(20).guidance(4.0).scheduler("unipc").size(640, 480).frames(33)
                .timeout(Duration.ofSeconds(5)).build();
        assertEquals(List.of("a.png", "mask.png", "image.png"), r.attachments().stream().map(Input::name).toList());
        assertEquals(new Overrides(7L, 20, 4.0, "unipc", 640, 480, 33, Duration.ofSeconds(5)), r.overrides());
        assertEquals(Priority.BATCH, r.priority());
        assertEquals("x", r.id());
    }

    @Test
    void ofHasNoOverridesNoIdAndNoPriority() {
        Request r = Request.of("hello");
        assertEquals(Overrides.NONE, r.overrides());
        assertNull(r.id());
        assertNull(r.priority());
        assertEquals(Priority.BATCH, r.withPriority(Priority.BATCH).priority());
        assertEquals("y", r.withId("y").id());
    }

    @Test
    void bytesInputsAreCopiedAndNeedAKnownExtension() {
        byte[] data = {1, 2};
        Input.Bytes b = new Input.Bytes("photo.jpg", data);
        data[0] = 5;
        assertArrayEquals(new byte[] {1, 2}, b.data());
        var e = assertThrows(PlanException.class, () -> Input.bytes("photo.webp", data));
        assertEquals("attachment 'photo.webp' has extension 'webp'; accepted: images png, jpg, jpeg; videos mp4, avi, mov, gif",
                e.getMessage());
    }

    @Test
    void pixelsAreAnImageOrAVideoByFrameCount() {
        assertEquals("image.png", Input.pixels(Frames.image(1, 1, 1, new byte[1])).name());
        assertEquals("video.mp4", Input.pixels(Frames.of(3, 1, 1, 1, new byte[3])).name());
    }
}
