package ai.unison.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClipTest {
    private static final int[][] CANVASES = {{128, 128}, {96, 96}, {160, 96}, {96, 144}};

    @Test
    void moverCoversAtLeastFortyPercentOfItsAxisOrChangesBetweenSmallAndLarge() {
        int clips = 0;
        for (int[] canvas : CANVASES) {
            SceneSampler s = new SceneSampler(new SplittableRandom(canvas[0] * 7L + canvas[1]), canvas[0], canvas[1]);
            for (Motion motion : Motion.values()) {
                for (int i = 0; i < 10; i++) {
                    Background bg = s.background();
                    List<SceneObject> objects = s.distinctObjects(bg, s.between(1, 3));
                    List<SceneObject> others = objects.subList(1, objects.size());
                    for (Clip clip : List.of(s.gridClip(bg, objects.get(0), motion, others, 24),
                            s.freeClip(bg, objects.get(0), motion, others, 24))) {
                        assertCovers(clip, canvas[0], canvas[1]);
                        clips++;
                    }
                }
            }
        }
        assertEquals(CANVASES.length * Motion.values().length * 20, clips);
    }

    private static void assertCovers(Clip clip, int width, int height) {
        SceneObject a = clip.moverStart();
        SceneObject b = clip.moverEnd();
        Motion m = clip.motion();
        if (m.translates()) {
            double along = (b.x() - a.x()) * m.dx() + (b.y() - a.y()) * m.dy();
            assertTrue(along >= SceneSampler.MIN_TRAVEL - 1e-12, m + " travels " + along);
            assertEquals(0, m.dx() != 0 ? b.y() - a.y() : b.x() - a.x(), 1e-12, "moves along one axis");
            assertEquals(a.side(), b.side());
        } else {
            assertEquals(m == Motion.GROWS ? ObjSize.SMALL.side() : ObjSize.LARGE.side(), a.side());
            assertEquals(m == Motion.GROWS ? ObjSize.LARGE.side() : ObjSize.SMALL.side(), b.side());
        }
        for (int k = 0; k < clip.frames(); k++) {
            Scene scene = clip.sceneAt(k);
            assertEquals(null, scene.problem(width, height), "frame " + k);
            for (int i = 0; i < scene.objects().size(); i++) {
                if (i != clip.mover()) {
                    assertEquals(clip.start().objects().get(i), scene.objects().get(i), "others stay still");
                }
            }
        }
    }

    @Test
    void moverMovesAtConstantSpeedThroughNPlusOneFrames() {
        Scene start = new Scene(Background.GRAY, List.of(SceneObject.of(Shape.CIRCLE, Colour.RED, ObjSize.SMALL, Cell.CENTER_LEFT)));
        Clip clip = new Clip(start, 0, Motion.RIGHT, start.objects().get(0).at(5 / 6.0, 0.5), 48);
        assertEquals(49, clip.frames());
        double step = (5 / 6.0 - 1 / 6.0) / 48;
        for (int k = 0; k <= 48; k++) {
            assertEquals(1 / 6.0 + k * step, clip.sceneAt(k).objects().get(0).x(), 1e-12);
        }
        assertEquals(start, clip.sceneAt(0));
        assertEquals(5 / 6.0, clip.end().objects().get(0).x(), 1e-12);
    }

    @Test
    void renderedClipHasOneFramePerIndexAndTheMoverTravelsOnScreen() {
        SceneObject circle = SceneObject.of(Shape.CIRCLE, Colour.BLUE, ObjSize.LARGE, Cell.TOP_CENTER);
        Clip clip = new Clip(new Scene(Background.WHITE, List.of(circle)), 0, Motion.DOWN, circle.at(0.5, 5 / 6.0), 24);
        List<Frame> frames = Renderer.render(clip, 96, 96);
        assertEquals(25, frames.size());
        assertEquals(Cell.TOP_CENTER, Detector.detect(frames.get(0)).get(0).cell());
        assertEquals(Cell.CENTER, Detector.detect(frames.get(12)).get(0).cell());
        assertEquals(Cell.BOTTOM_CENTER, Detector.detect(frames.get(24)).get(0).cell());
    }
}
