package ai.unison.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CaptionsTest {
    private static final Scene EXAMPLE = new Scene(Background.GRAY, List.of(
            SceneObject.of(Shape.SQUARE, Colour.BLUE, ObjSize.SMALL, Cell.CENTER),
            SceneObject.of(Shape.CIRCLE, Colour.RED, ObjSize.LARGE, Cell.TOP_LEFT)));

    @Test
    void canonicalCaptionListsObjectsInCellOrderWithSizeColourShapeAndCell() {
        assertEquals("a large red circle at the top-left and a small blue square at the center on a gray background",
                Captions.canonical(EXAMPLE));
    }

    @Test
    void canonicalCaptionOmitsUnspecifiedSizeAndUsesAnBeforeVowels() {
        Scene scene = new Scene(Background.BLACK, List.of(
                SceneObject.of(Shape.TRIANGLE, Colour.ORANGE, ObjSize.UNSPECIFIED, Cell.BOTTOM_RIGHT),
                SceneObject.of(Shape.SQUARE, Colour.WHITE, ObjSize.UNSPECIFIED, Cell.CENTER_LEFT),
                SceneObject.of(Shape.CIRCLE, Colour.GREEN, ObjSize.LARGE, Cell.TOP_CENTER)));
        assertEquals("a large green circle at the top-center, a white square at the center-left and "
                + "an orange triangle at the bottom-right on a black background", Captions.canonical(scene));
        assertEquals("an empty white background", Captions.canonical(new Scene(Background.WHITE, List.of())));
    }

    @Test
    void canonicalCaptionsParseBackToTheSameScene() {
        SceneSampler s = new SceneSampler(new SplittableRandom(8), 128, 128);
        for (int i = 0; i < 300; i++) {
            Background bg = s.background();
            List<SceneObject> objects = new ArrayList<>();
            for (int n = s.between(0, Scene.MAX_OBJECTS); n > 0; n--) {
                objects.add(s.object(bg));
            }
            Scene scene = s.onGrid(bg, objects);
            Scene parsed = Captions.parse(Captions.canonical(scene));
            assertEquals(scene.background(), parsed.background());
            assertEquals(scene.items(), parsed.items());
            assertEquals(Captions.canonical(scene), Captions.canonical(parsed));
        }
    }

    @Test
    void parsePlacesObjectsOnCellCentresWithNamedSizes() {
        Scene parsed = Captions.parse(Captions.canonical(EXAMPLE));
        SceneObject circle = parsed.objects().get(0);
        assertEquals(new SceneObject(Shape.CIRCLE, Colour.RED, 0.30, 1 / 6.0, 1 / 6.0), circle);
        assertEquals(0.18, parsed.objects().get(1).side());
    }

    @Test
    void parseRejectsCaptionsThatAreNotCanonical() {
        assertThrows(IllegalArgumentException.class, () -> Captions.parse("a red circle in the middle"));
        assertThrows(IllegalArgumentException.class, () -> Captions.parse("a red blob at the center on a gray background"));
        assertThrows(IllegalArgumentException.class, () -> Captions.parse("a black circle at the center on a black background"));
    }

    @Test
    void clipCaptionNamesTheMoverItsMotionAndItsStartCell() {
        Clip right = new Clip(EXAMPLE, 1, Motion.RIGHT, EXAMPLE.objects().get(1).at(5 / 6.0, 1 / 6.0), 24);
        assertEquals("a large red circle moving right from the top-left and a small blue square at the center "
                + "on a gray background", Captions.canonical(right));
        Clip grows = new Clip(EXAMPLE, 0, Motion.GROWS, EXAMPLE.objects().get(0).withSide(0.30), 24);
        assertEquals("a blue square growing at the center and a large red circle at the top-left on a gray background",
                Captions.canonical(grows));
    }

    @Test
    void paraphrasesVaryTheWordsButNameEveryColourAndShape() {
        Set<String> seen = new HashSet<>();
        for (int seed = 0; seed < 40; seed++) {
            String p = Captions.paraphrase(EXAMPLE, new SceneSampler(new SplittableRandom(seed), 128, 128));
            assertTrue(p.contains("red") && p.contains("blue") && p.contains("square"), p);
            assertTrue(p.contains("circle") || p.contains("disc"), p);
            seen.add(p);
        }
        assertTrue(seen.size() > 20, "only " + seen.size() + " different paraphrases");
    }

    @Test
    void paraphrasesUseEverydayLocationWords() {
        Set<String> words = new HashSet<>();
        for (int seed = 0; seed < 200; seed++) {
            words.add(Captions.where(Cell.CENTER_LEFT, new SceneSampler(new SplittableRandom(seed), 8, 8)));
            words.add(Captions.where(Cell.TOP_RIGHT, new SceneSampler(new SplittableRandom(seed), 8, 8)));
            words.add(Captions.where(Cell.CENTER, new SceneSampler(new SplittableRandom(seed), 8, 8)));
        }
        assertTrue(words.containsAll(List.of("on the left", "in the upper right corner", "in the middle")), words.toString());
    }
}
