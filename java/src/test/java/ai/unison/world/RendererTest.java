package ai.unison.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RendererTest {
    private static final int GRAY = Background.GRAY.rgb();
    private static final int RED = Colour.RED.rgb();

    private static Frame one(Shape shape, int width, int height) {
        return Renderer.render(new Scene(Background.GRAY, List.of(SceneObject.of(shape, Colour.RED, ObjSize.LARGE, Cell.CENTER))),
                width, height);
    }

    @Test
    void squareFillsItsBoundingBoxWithTheFlatPaletteColour() {
        Frame f = one(Shape.SQUARE, 128, 128); // side 38.4 px: box [44.8, 83.2)
        for (int y = 45; y <= 82; y++) {
            for (int x = 45; x <= 82; x++) {
                assertEquals(RED, f.rgb(x, y), "interior pixel " + x + "," + y);
            }
        }
        assertEquals(GRAY, f.rgb(43, 64));
        assertEquals(GRAY, f.rgb(84, 64));
        assertEquals(GRAY, f.rgb(64, 43));
    }

    @Test
    void edgePixelsBlendObjectAndBackgroundByCoverage() {
        Frame f = one(Shape.SQUARE, 128, 128);
        // one of four sample columns of pixel 44 lies in the box: 4 of 16 samples
        int quarter = (int) Math.round(128 + (230 - 128) * 0.25) << 16 | 102 << 8 | 102;
        assertEquals(quarter, f.rgb(44, 64));
        assertEquals(quarter, f.rgb(83, 64));
        assertEquals(quarter, f.rgb(64, 44));
        // the corner pixel holds 1 of 16 samples
        assertEquals(134 << 16 | 122 << 8 | 122, f.rgb(44, 44));
    }

    @Test
    void circleIsInscribedInItsBoxWithBackgroundCorners() {
        Frame f = one(Shape.CIRCLE, 128, 128); // radius 19.2 around (64, 64)
        assertEquals(RED, f.rgb(64, 64));
        assertEquals(RED, f.rgb(46, 64));
        assertEquals(RED, f.rgb(64, 81));
        assertEquals(GRAY, f.rgb(46, 46));
        assertEquals(GRAY, f.rgb(81, 81));
        int edge = f.rgb(44, 64);
        assertNotEquals(RED, edge);
        assertNotEquals(GRAY, edge);
        assertEquals(f.rgb(63, 50), f.rgb(64, 50), "mirror symmetric about x = 64");
    }

    @Test
    void triangleStandsApexUpWithBaseEqualToHeight() {
        Frame f = one(Shape.TRIANGLE, 128, 128); // apex (64, 44.8), base y = 83.2 from x = 44.8 to 83.2
        int previous = 0;
        for (int y = 45; y <= 82; y++) {
            int red = 0;
            for (int x = 0; x < 128; x++) {
                red += f.rgb(x, y) == RED ? 1 : 0;
                assertEquals(f.rgb(x, y), f.rgb(127 - x, y), "mirror symmetric at " + x + "," + y);
            }
            assertTrue(red >= previous, "rows widen downwards");
            previous = red;
        }
        assertEquals(36, previous, "the last full row spans the base less its anti-aliased ends");
        assertEquals(GRAY, f.rgb(64, 43));
        assertEquals(GRAY, f.rgb(64, 84));
        assertEquals(GRAY, f.rgb(46, 50), "the flanks above the base are background");
    }

    @Test
    void sizesAreFractionsOfTheShorterSideAndPositionsOfEachAxis() {
        Frame f = one(Shape.SQUARE, 200, 100); // side 30 px at (100, 50): [85, 115) × [35, 65)
        Detection d = Detector.detect(f).get(0);
        assertEquals(85, d.left());
        assertEquals(114, d.right());
        assertEquals(35, d.top());
        assertEquals(64, d.bottom());
    }

    @Test
    void referenceImageShowsOneObjectCentredOnGray() {
        SceneObject o = SceneObject.of(Shape.TRIANGLE, Colour.WHITE, ObjSize.SMALL, Cell.BOTTOM_LEFT);
        Frame f = Renderer.reference(o, 100, 80);
        assertEquals(GRAY, f.rgb(0, 0));
        List<Detection> found = Detector.detect(f);
        assertEquals(1, found.size());
        assertEquals(Shape.TRIANGLE, found.get(0).shape());
        assertEquals(Colour.WHITE, found.get(0).colour());
        assertEquals(Cell.CENTER, found.get(0).cell());
    }

    @Test
    void editMaskIsWhiteOverThePaddedBoxAndBlackElsewhere() {
        Frame mask = Renderer.editMask(new Box(10.5, 20, 30, 40.2), 2, 64, 64);
        assertEquals(0xFFFFFF, mask.rgb(8, 18));
        assertEquals(0xFFFFFF, mask.rgb(31, 42));
        assertEquals(0x000000, mask.rgb(7, 30));
        assertEquals(0x000000, mask.rgb(32, 30));
        assertEquals(0x000000, mask.rgb(20, 43));
    }

    @Test
    void everyObjectLeavesItsColourInsideAndTheBackgroundOutside() {
        for (Shape shape : Shape.values()) {
            for (Background bg : Background.values()) {
                Colour c = bg == Background.BLACK ? Colour.WHITE : Colour.BLACK;
                Frame f = Renderer.render(new Scene(bg, List.of(SceneObject.of(shape, c, ObjSize.SMALL, Cell.CENTER))), 96, 96);
                assertEquals(c.rgb(), f.rgb(48, 52), shape + " on " + bg);
                assertEquals(bg.rgb(), f.rgb(48, 70), shape + " on " + bg);
            }
        }
    }
}
