package ai.unison.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.unison.world.Background;
import ai.unison.world.Cell;
import ai.unison.world.Clip;
import ai.unison.world.Colour;
import ai.unison.world.Frame;
import ai.unison.world.Media;
import ai.unison.world.Motion;
import ai.unison.world.ObjSize;
import ai.unison.world.Renderer;
import ai.unison.world.Scene;
import ai.unison.world.SceneObject;
import ai.unison.world.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class VisionTargetsTest {
    private static final int PATCH = 14;
    private static final int MERGE = 2;
    private static final int TEMPORAL = 2;

    @Test
    void eachMergedTokenGetsTheObjectThatCoversItsRegion() {
        // 128x128 -> 140x140: 10x10 patches, 5x5 merged tokens of 25.6 source pixels each
        Scene scene = new Scene(Background.GRAY, List.of(
                SceneObject.of(Shape.CIRCLE, Colour.RED, ObjSize.LARGE, Cell.TOP_LEFT),
                SceneObject.of(Shape.SQUARE, Colour.BLUE, ObjSize.SMALL, Cell.BOTTOM_RIGHT)));
        Media image = new Media.Image(Renderer.render(scene, 128, 128));
        List<Frame> seen = VisionTargets.seenFrames(image, TEMPORAL);
        assertEquals(2, seen.size(), "an image is its frame repeated to the temporal patch");
        VisionTargets t = VisionTargets.of(seen, new int[]{1, 10, 10}, PATCH, MERGE, TEMPORAL);
        assertEquals(25, t.tokens());
        // the red circle is centred at (21, 21) px: token (0, 0); the blue square at (107, 107): token (4, 4)
        assertEquals(1 + Colour.RED.ordinal(), t.colour()[0]);
        assertEquals(1 + Shape.CIRCLE.ordinal(), t.shape()[0]);
        assertEquals(Cell.TOP_LEFT.ordinal(), t.cell()[0]);
        assertEquals(1 + Colour.BLUE.ordinal(), t.colour()[24]);
        assertEquals(1 + Shape.SQUARE.ordinal(), t.shape()[24]);
        assertEquals(Cell.BOTTOM_RIGHT.ordinal(), t.cell()[24]);
        // the centre token is background
        assertEquals(0, t.colour()[12]);
        assertEquals(0, t.shape()[12]);
        assertEquals(VisionTargets.IGNORE, t.cell()[12]);
    }

    @Test
    void aClipsTokensFollowTheMovingObjectThroughTheSampledFrames() {
        SceneObject start = SceneObject.of(Shape.TRIANGLE, Colour.GREEN, ObjSize.LARGE, Cell.CENTER_LEFT);
        SceneObject end = SceneObject.of(Shape.TRIANGLE, Colour.GREEN, ObjSize.LARGE, Cell.CENTER_RIGHT);
        Clip clip = new Clip(new Scene(Background.GRAY, List.of(start)), 0, Motion.RIGHT, end, 48);
        Media video = new Media.Video(Renderer.render(clip, 128, 128));
        List<Frame> seen = VisionTargets.seenFrames(video, TEMPORAL);
        assertEquals(4, seen.size(), "49 frames at 24 fps sampled at 2 fps: 4 frames");
        VisionTargets t = VisionTargets.of(seen, new int[]{2, 10, 10}, PATCH, MERGE, TEMPORAL);
        assertEquals(50, t.tokens());
        // first temporal patch: the triangle on the left of the middle row; last: on the right
        assertEquals(1 + Shape.TRIANGLE.ordinal(), t.shape()[2 * 5]);
        assertEquals(Cell.CENTER_LEFT.ordinal(), t.cell()[2 * 5]);
        assertEquals(0, t.shape()[25 + 2 * 5]);
        assertEquals(1 + Shape.TRIANGLE.ordinal(), t.shape()[25 + 2 * 5 + 4]);
        assertEquals(Cell.CENTER_RIGHT.ordinal(), t.cell()[25 + 2 * 5 + 4]);
        assertEquals(1 + Colour.GREEN.ordinal(), t.colour()[25 + 2 * 5 + 4]);
    }

    @Test
    void framesAndGridMustAgree() {
        Frame f = Frame.filled(64, 64, 0x808080);
        assertThrows(IllegalArgumentException.class,
                () -> VisionTargets.of(List.of(f), new int[]{1, 4, 4}, PATCH, MERGE, TEMPORAL));
        assertThrows(IllegalArgumentException.class, () -> VisionTargets.seenFrames(new Media.Text("a"), TEMPORAL));
    }
}
