package ai.unison.world;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OutlineTest {
    private static final int WHITE = 0xFFFFFF;

    @Test
    void outlineIsExactlyEachObjectsOwnPixelsThatTouchTheOutside() {
        SceneSampler s = new SceneSampler(new SplittableRandom(3), 96, 112);
        for (int i = 0; i < 50; i++) {
            Scene scene = s.free(Background.GRAY, s.distinctObjects(Background.GRAY, s.between(1, 4)));
            Frame outline = Renderer.outline(scene, 96, 112);
            BitSet expected = new BitSet();
            for (SceneObject o : scene.objects()) {
                BitSet mask = Renderer.mask(o, 96, 112);
                for (int p = mask.nextSetBit(0); p >= 0; p = mask.nextSetBit(p + 1)) {
                    int x = p % 96;
                    int y = p / 96;
                    boolean touches = x == 0 || y == 0 || x == 95 || y == 111
                            || !mask.get(p - 1) || !mask.get(p + 1) || !mask.get(p - 96) || !mask.get(p + 96);
                    if (touches) {
                        expected.set(p);
                    }
                }
            }
            for (int p = 0; p < 96 * 112; p++) {
                assertEquals(expected.get(p) ? WHITE : 0, outline.rgb(p), "pixel " + p + " of scene " + i);
            }
        }
    }

    @Test
    void outlineOfALargeSquareIsOnePixelWide() {
        Scene scene = new Scene(Background.GRAY, List.of(SceneObject.of(Shape.SQUARE, Colour.RED, ObjSize.LARGE, Cell.CENTER)));
        Frame outline = Renderer.outline(scene, 100, 100); // mask [35, 65) × [35, 65)
        assertEquals(WHITE, outline.rgb(35, 50));
        assertEquals(0, outline.rgb(36, 50));
        assertEquals(WHITE, outline.rgb(64, 50));
        assertEquals(0, outline.rgb(34, 50));
        assertEquals(0, outline.rgb(50, 50));
    }

    @Test
    void filledOutlineRegionsAreTheObjectMasks() {
        SceneSampler s = new SceneSampler(new SplittableRandom(5), 128, 96);
        for (int i = 0; i < 100; i++) {
            Background bg = s.background();
            Scene scene = s.free(bg, s.distinctObjects(bg, s.between(1, 4)));
            BitSet masks = new BitSet();
            scene.objects().forEach(o -> masks.or(Renderer.mask(o, 128, 96)));
            assertEquals(masks, filled(Renderer.outline(scene, 128, 96)), "scene " + i);
        }
    }

    /** Everything the black outside cannot reach through 4-connected black pixels. */
    private static BitSet filled(Frame outline) {
        int w = outline.width();
        int h = outline.height();
        BitSet outside = new BitSet(w * h);
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int p = 0; p < w * h; p++) {
            int x = p % w;
            int y = p / w;
            if ((x == 0 || y == 0 || x == w - 1 || y == h - 1) && outline.rgb(p) == 0) {
                outside.set(p);
                queue.add(p);
            }
        }
        while (!queue.isEmpty()) {
            int p = queue.poll();
            int x = p % w;
            int y = p / w;
            for (int q : new int[] {x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1}) {
                if (q >= 0 && !outside.get(q) && outline.rgb(q) == 0) {
                    outside.set(q);
                    queue.add(q);
                }
            }
        }
        outside.flip(0, w * h);
        return outside;
    }
}
