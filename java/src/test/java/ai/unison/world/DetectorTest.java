package ai.unison.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DetectorTest {
    private static final int[][] CANVASES = {{96, 96}, {128, 128}, {160, 96}, {100, 150}};

    @Test
    void findsExactlyTheObjectsOfRandomScenesAnywhereOnTheCanvas() {
        int scenes = 0;
        int correct = 0;
        for (int[] canvas : CANVASES) {
            SceneSampler s = new SceneSampler(new SplittableRandom(11 + canvas[0] + canvas[1]), canvas[0], canvas[1]);
            for (int i = 0; i < 100; i++) {
                Background bg = s.background();
                List<SceneObject> objects = new java.util.ArrayList<>();
                for (int n = s.between(1, Scene.MAX_OBJECTS); n > 0; n--) {
                    objects.add(s.object(bg));
                }
                Scene scene = s.free(bg, objects);
                scenes++;
                correct += Detector.items(Renderer.render(scene, canvas[0], canvas[1])).equals(scene.items()) ? 1 : 0;
            }
        }
        System.out.printf("detector: %d of %d random scenes exactly%n", correct, scenes);
        assertTrue(correct >= 0.99 * scenes, correct + " of " + scenes);
    }

    @Test
    void reportsShapeColourBoxCentreCellAndArea() {
        Scene scene = new Scene(Background.WHITE, List.of(SceneObject.of(Shape.SQUARE, Colour.BLUE, ObjSize.LARGE, Cell.TOP_RIGHT)));
        List<Detection> found = Detector.detect(Renderer.render(scene, 120, 120));
        assertEquals(1, found.size());
        Detection d = found.get(0);
        // side 36 px centred at x = 100, y = 20: box [82, 118) × [2, 38)
        assertEquals(Shape.SQUARE, d.shape());
        assertEquals(Colour.BLUE, d.colour());
        assertEquals(82, d.left());
        assertEquals(117, d.right());
        assertEquals(2, d.top());
        assertEquals(37, d.bottom());
        assertEquals(100 / 120.0, d.x(), 1e-9);
        assertEquals(20 / 120.0, d.y(), 1e-9);
        assertEquals(Cell.TOP_RIGHT, d.cell());
        assertEquals(36 * 36, d.area());
        assertEquals(36 * 36, d.mask().cardinality());
    }

    @Test
    void classifiesShapesByFillRatioWithinTheAspectRange() {
        assertEquals(Shape.SQUARE, Detector.classify(95, 10, 10));
        assertEquals(Shape.CIRCLE, Detector.classify(78, 10, 10));
        assertEquals(Shape.CIRCLE, Detector.classify(65, 10, 10));
        assertEquals(Shape.TRIANGLE, Detector.classify(50, 10, 10));
        assertEquals(Shape.TRIANGLE, Detector.classify(35, 10, 10));
        assertNull(Detector.classify(34, 10, 10));
        assertNull(Detector.classify(100, 20, 5), "a long bar has no shape");
        assertEquals(Shape.SQUARE, Detector.classify(10 * 13, 10, 13), "aspect 0.77 still counts");
    }

    @Test
    void takesTheBackgroundFromTheMostCommonBorderColour() {
        Frame f = Frame.filled(100, 100, Background.BLACK.rgb());
        for (int x = 0; x < 30; x++) {
            f.set(x, 0, 0x808080);
        }
        assertEquals(0x000000, Detector.borderMode(f));
    }

    @Test
    void dropsComponentsUnderHalfAPercentOfTheCanvas() {
        Frame f = Frame.filled(100, 100, Background.GRAY.rgb());
        paint(f, 10, 10, 7, Colour.RED.rgb()); // 49 px < 50 px
        paint(f, 50, 50, 8, Colour.GREEN.rgb()); // 64 px
        List<Detection> found = Detector.detect(f);
        assertEquals(1, found.size());
        assertEquals(Colour.GREEN, found.get(0).colour());
    }

    @Test
    void labelsPixelsWithinSixtyOfAPaletteColourAndSplitsComponentsByColour() {
        Frame f = Frame.filled(100, 100, Background.GRAY.rgb());
        paint(f, 10, 10, 20, 0xDC3C3C); // 36 from red (230, 25, 25)
        paint(f, 30, 10, 20, Colour.ORANGE.rgb()); // touches the red square
        paint(f, 60, 60, 20, 0x40FF40); // green-ish, but 82 from green: unlabelled
        List<Detection> found = Detector.detect(f);
        assertEquals(List.of(Colour.RED, Colour.ORANGE), found.stream().map(Detection::colour).toList());
    }

    @Test
    void ignoresUnknownComponentsInTheSceneMultiset() {
        Frame f = Frame.filled(100, 100, Background.GRAY.rgb());
        for (int y = 40; y < 46; y++) {
            for (int x = 10; x < 90; x++) {
                f.set(x, y, Colour.BLUE.rgb());
            }
        }
        assertEquals(1, Detector.detect(f).size());
        assertEquals(List.of(), Detector.items(f));
    }

    private static void paint(Frame f, int x0, int y0, int side, int rgb) {
        for (int y = y0; y < y0 + side; y++) {
            for (int x = x0; x < x0 + side; x++) {
                f.set(x, y, rgb);
            }
        }
    }
}
