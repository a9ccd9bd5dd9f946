package ai.unison.world;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecTest {
    private static Media image(SceneObject... objects) {
        return new Media.Image(Renderer.render(new Scene(Background.GRAY, List.of(objects)), 128, 128));
    }

    private static SceneObject at(Shape shape, Colour colour, Cell cell) {
        return SceneObject.of(shape, colour, ObjSize.UNSPECIFIED, cell);
    }

    private static final SceneObject RED_CIRCLE = at(Shape.CIRCLE, Colour.RED, Cell.CENTER_LEFT);
    private static final SceneObject BLUE_SQUARE = at(Shape.SQUARE, Colour.BLUE, Cell.CENTER_RIGHT);

    @Test
    void singleObjectNeedsAnObjectOfTheShape() {
        Spec spec = new Spec.SingleObject(Shape.CIRCLE);
        assertEquals(1, spec.score(image(RED_CIRCLE)));
        assertEquals(0, spec.score(image(BLUE_SQUARE)));
        assertEquals(0, spec.score(new Media.Text("a circle")));
    }

    @Test
    void twoObjectNeedsBothShapes() {
        Spec spec = new Spec.TwoObject(Shape.CIRCLE, Shape.SQUARE);
        assertEquals(1, spec.score(image(RED_CIRCLE, BLUE_SQUARE)));
        assertEquals(0, spec.score(image(RED_CIRCLE)));
    }

    @Test
    void countingNeedsExactlyTheNumberOfTheShapeAndNamedColour() {
        SceneObject a = at(Shape.SQUARE, Colour.RED, Cell.TOP_LEFT);
        SceneObject b = at(Shape.SQUARE, Colour.RED, Cell.CENTER);
        SceneObject c = at(Shape.SQUARE, Colour.RED, Cell.BOTTOM_RIGHT);
        Spec threeRed = new Spec.Counting(Shape.SQUARE, Colour.RED, 3);
        assertEquals(1, threeRed.score(image(a, b, c)));
        assertEquals(1, threeRed.score(image(a, b, c, RED_CIRCLE)), "other shapes do not count");
        assertEquals(0, threeRed.score(image(a, b, c, at(Shape.SQUARE, Colour.RED, Cell.TOP_RIGHT))));
        assertEquals(0, threeRed.score(image(a, b, c.withColour(Colour.BLUE))));
        assertEquals(1, new Spec.Counting(Shape.SQUARE, null, 3).score(image(a, b, c.withColour(Colour.BLUE))));
    }

    @Test
    void colorsNeedsTheShapeInTheColour() {
        Spec spec = new Spec.Colors(Shape.CIRCLE, Colour.RED);
        assertEquals(1, spec.score(image(RED_CIRCLE)));
        assertEquals(0, spec.score(image(RED_CIRCLE.withColour(Colour.YELLOW))));
    }

    @Test
    void positionNeedsThePairInTheRelation() {
        assertEquals(1, new Spec.Position(Shape.CIRCLE, Relation.LEFT_OF, Shape.SQUARE).score(image(RED_CIRCLE, BLUE_SQUARE)));
        assertEquals(0, new Spec.Position(Shape.CIRCLE, Relation.RIGHT_OF, Shape.SQUARE).score(image(RED_CIRCLE, BLUE_SQUARE)));
        assertEquals(0, new Spec.Position(Shape.CIRCLE, Relation.ABOVE, Shape.SQUARE).score(image(RED_CIRCLE, BLUE_SQUARE)),
                "same row: 0 < 0.1");
        SceneObject high = BLUE_SQUARE.at(5 / 6.0, 1 / 6.0);
        assertEquals(1, new Spec.Position(Shape.SQUARE, Relation.ABOVE, Shape.CIRCLE).score(image(RED_CIRCLE, high)));
    }

    @Test
    void colorAttrNeedsEachShapeInItsOwnColour() {
        Spec spec = new Spec.ColorAttr(Shape.CIRCLE, Colour.RED, Shape.SQUARE, Colour.BLUE);
        assertEquals(1, spec.score(image(RED_CIRCLE, BLUE_SQUARE)));
        assertEquals(0, spec.score(image(RED_CIRCLE.withColour(Colour.BLUE), BLUE_SQUARE.withColour(Colour.RED))));
    }

    @Test
    void placementNeedsTheObjectInTheCell() {
        Spec spec = new Spec.Placement(Shape.CIRCLE, Colour.RED, Cell.CENTER_LEFT);
        assertEquals(1, spec.score(image(RED_CIRCLE)));
        assertEquals(0, spec.score(image(RED_CIRCLE.at(5 / 6.0, 0.5))));
    }

    @Test
    void sceneEqualsComparesTheMultisetAndIgnoresSize() {
        Spec spec = new Spec.SceneEquals(List.of(BLUE_SQUARE.item(), RED_CIRCLE.item()));
        assertEquals(1, spec.score(image(RED_CIRCLE.withSide(0.3), BLUE_SQUARE.withSide(0.18))));
        assertEquals(0, spec.score(image(RED_CIRCLE)));
        assertEquals(0, spec.score(image(RED_CIRCLE, BLUE_SQUARE, at(Shape.TRIANGLE, Colour.RED, Cell.TOP_CENTER))));
    }

    @Test
    void controlNeedsEachRegionCoveredByAnObjectOfTheAskedColour() {
        List<BitSet> regions = List.of(Renderer.mask(RED_CIRCLE, 128, 128), Renderer.mask(BLUE_SQUARE, 128, 128));
        Spec spec = new Spec.Control(128, 128, regions, List.of(Colour.RED, Colour.BLUE));
        assertEquals(1, spec.score(image(RED_CIRCLE, BLUE_SQUARE)));
        assertEquals(0, spec.score(image(RED_CIRCLE, BLUE_SQUARE.withColour(Colour.GREEN))));
        assertEquals(0, spec.score(image(RED_CIRCLE.at(0.5, 1 / 6.0), BLUE_SQUARE)), "the circle left its outline");
        assertEquals(0, spec.score(new Media.Image(Renderer.render(new Scene(Background.GRAY, List.of()), 96, 96))));
    }

    private static Clip clip(Motion motion, SceneObject start, SceneObject end) {
        return new Clip(new Scene(Background.GRAY, List.of(start, BLUE_SQUARE.at(5 / 6.0, 5 / 6.0))), 0, motion, end, 24);
    }

    private static Media video(Clip clip) {
        return new Media.Video(Renderer.render(clip, 128, 128));
    }

    private static Media reversed(Media video) {
        List<Frame> frames = new ArrayList<>(((Media.Video) video).frames());
        java.util.Collections.reverse(frames);
        return new Media.Video(frames);
    }

    @Test
    void videoMotionNeedsTheObjectToMoveTheAskedWayFarEnough() {
        SceneObject start = RED_CIRCLE.at(1 / 6.0, 1 / 6.0);
        Media right = video(clip(Motion.RIGHT, start, start.at(0.7, 1 / 6.0)));
        assertEquals(1, new Spec.VideoMotion(Shape.CIRCLE, Colour.RED, Motion.RIGHT).score(right));
        assertEquals(0, new Spec.VideoMotion(Shape.CIRCLE, Colour.RED, Motion.LEFT).score(right));
        assertEquals(0, new Spec.VideoMotion(Shape.CIRCLE, Colour.RED, Motion.RIGHT).score(reversed(right)));
        assertEquals(0, new Spec.VideoMotion(Shape.CIRCLE, Colour.BLUE, Motion.RIGHT).score(right));
        Media nudge = video(clip(Motion.RIGHT, start, start.at(0.3, 1 / 6.0)));
        assertEquals(0, new Spec.VideoMotion(Shape.CIRCLE, Colour.RED, Motion.RIGHT).score(nudge), "0.13 < 0.2");
    }

    @Test
    void videoMotionScoresGrowingAndShrinkingBySideRatio() {
        SceneObject small = RED_CIRCLE.withSide(ObjSize.SMALL.side());
        Media grows = video(clip(Motion.GROWS, small, small.withSide(ObjSize.LARGE.side())));
        assertEquals(1, new Spec.VideoMotion(Shape.CIRCLE, Colour.RED, Motion.GROWS).score(grows));
        assertEquals(0, new Spec.VideoMotion(Shape.CIRCLE, Colour.RED, Motion.SHRINKS).score(grows));
        assertEquals(1, new Spec.VideoMotion(Shape.CIRCLE, Colour.RED, Motion.SHRINKS).score(reversed(grows)));
        Media little = video(clip(Motion.GROWS, small, small.withSide(0.2)));
        assertEquals(0, new Spec.VideoMotion(Shape.CIRCLE, Colour.RED, Motion.GROWS).score(little), "ratio 1.1 < 1.3");
    }

    @Test
    void videoMotionNeedsTheObjectInNinetyPercentOfFrames() {
        SceneObject start = RED_CIRCLE.at(1 / 6.0, 1 / 6.0);
        List<Frame> frames = new ArrayList<>(((Media.Video) video(clip(Motion.RIGHT, start, start.at(0.8, 1 / 6.0)))).frames());
        Frame empty = Renderer.render(new Scene(Background.GRAY, List.of()), 128, 128);
        for (int k = 1; k <= 3; k++) {
            frames.set(k, empty);
        }
        Spec spec = new Spec.VideoMotion(Shape.CIRCLE, Colour.RED, Motion.RIGHT);
        assertEquals(0, spec.score(new Media.Video(frames)), "22 of 25 frames < 90%");
        frames.set(3, frames.get(4));
        assertEquals(1, spec.score(new Media.Video(frames)), "23 of 25 frames ≥ 90%");
    }

    @Test
    void fidelityNeedsTheGivenFrameAtTheAskedEnd() {
        SceneObject start = RED_CIRCLE.at(1 / 6.0, 1 / 6.0);
        Media clip = video(clip(Motion.RIGHT, start, start.at(0.8, 1 / 6.0)));
        List<Frame> frames = ((Media.Video) clip).frames();
        assertEquals(1, new Spec.Fidelity(frames.get(0), false).score(clip));
        assertEquals(1, new Spec.Fidelity(frames.get(24), true).score(clip));
        assertEquals(0, new Spec.Fidelity(frames.get(0), true).score(clip));
        assertEquals(0, new Spec.Fidelity(frames.get(0), false).score(reversed(clip)));
    }

    @Test
    void fidelityNeedsAPsnrOfTwentyEightDecibels() {
        Frame given = ((Media.Image) image(RED_CIRCLE, BLUE_SQUARE)).frame();
        byte[] bytes = given.toBytes();
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ((bytes[i] & 0xFF) + (i % 2 == 0 ? 12 : -12));
        }
        Frame noisy = Frame.fromBytes(128, 128, bytes); // 10·log10(255² / 144) = 26.55 dB, same detected scene
        assertEquals(26.55, Frame.psnr(given, noisy), 0.01);
        assertEquals(Detector.items(given), Detector.items(noisy));
        Spec spec = new Spec.Fidelity(given, false);
        assertEquals(0, spec.score(new Media.Video(List.of(noisy, given))));
        assertEquals(1, spec.score(new Media.Video(List.of(given, noisy))));
    }

    @Test
    void answerMatchesAfterNormalisation() {
        Spec spec = new Spec.Answer("top-left");
        assertEquals(1, spec.score(new Media.Text(" Top Left.")));
        assertEquals(0, spec.score(new Media.Text("top-right")));
        assertEquals(0, spec.score(image(RED_CIRCLE)));
    }

    @Test
    void roundTripCaptionsThenRedrawsAndComparesTheDetectedScenes() {
        Scene scene = new Scene(Background.WHITE, List.of(RED_CIRCLE, BLUE_SQUARE));
        Example example = new Example(WorldTask.IMAGE_UNDERSTANDING,
                new Query("describe the image", List.of(new Media.Image(Renderer.render(scene, 128, 128)))),
                new Media.Text(Captions.canonical(scene)), new Spec.RoundTrip(scene.items()), null);
        List<String> calls = new ArrayList<>();
        assertEquals(1, ShapesEval.run(example, q -> {
            calls.add(q.text());
            return q.attachments().isEmpty()
                    ? new Media.Image(Renderer.render(Captions.parse(q.text()), 96, 96))
                    : new Media.Text(Captions.canonical(scene));
        }));
        assertEquals(List.of("describe the image", Captions.canonical(scene)), calls);
        assertEquals(0, ShapesEval.run(example, q -> q.attachments().isEmpty()
                ? new Media.Image(Renderer.render(Captions.parse(q.text()), 96, 96))
                : new Media.Text("a red circle at the center-left on a white background")));
        assertEquals(0, ShapesEval.run(example, q -> image(RED_CIRCLE)), "no caption, no round trip");
    }

    @Test
    void everySampledExampleScoresOneOnItsTargetAndZeroOnAClearlyWrongOutput() {
        for (Category c : Category.values()) {
            for (Example e : ShapesEval.sample(c, 12, 77)) {
                if (e.spec() instanceof Spec.RoundTrip) {
                    assertEquals(1, e.spec().score(new Media.Image(Renderer.render(Captions.parse(((Media.Text) e.target()).text()), 128, 128))));
                    assertEquals(0, e.spec().score(image()), c.id());
                    continue;
                }
                assertEquals(1, e.spec().score(e.target()), c.id() + ": " + e.query().text());
                Media wrong = wrong(e);
                if (wrong != null) {
                    assertEquals(0, e.spec().score(wrong), c.id() + ": " + e.query().text());
                }
            }
        }
    }

    /** A blank canvas for images, the unedited or reversed clip for videos, a wrong word for answers. */
    private static Media wrong(Example e) {
        if (e.target() instanceof Media.Text) {
            return new Media.Text("purple elephant");
        }
        if (e.target() instanceof Media.Image image) {
            boolean blankIsRight = e.spec() instanceof Spec.SceneEquals s && s.items().isEmpty();
            Frame f = image.frame();
            return blankIsRight ? null : new Media.Image(Frame.filled(f.width(), f.height(), Background.GRAY.rgb()));
        }
        return e.task() == WorldTask.VIDEO_EDIT ? e.query().attachments().get(0) : reversed(e.target());
    }
}
