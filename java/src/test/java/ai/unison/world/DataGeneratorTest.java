package ai.unison.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DataGeneratorTest {
    private static final Pattern GRAMMAR = Pattern.compile("(?:<BORES>(\\d+),(\\d+)<EORES>)?(?:<BONF>(\\d+)<EONF>)?"
            + "(?:<BOFIDX>([01])<EOFIDX>)?(?:<BOEDIT>(\\d+),(\\d+)<EOEDIT>)?(<REF>)?(<CTRL>)?(<CFI>|<CFV>)");
    private static final Set<WorldTask> UNDERSTANDING =
            EnumSet.of(WorldTask.TEXT_UNDERSTANDING, WorldTask.IMAGE_UNDERSTANDING, WorldTask.VIDEO_UNDERSTANDING);
    private static final Map<WorldTask, String> MARKER = Map.of(
            WorldTask.IMAGE_EDIT, "<BOEDIT>", WorldTask.IMAGE_CONTROL, "<CTRL>", WorldTask.IMAGE_REFERENCE, "<REF>",
            WorldTask.IMAGE_TO_VIDEO, "<BOFIDX>", WorldTask.VIDEO_REFERENCE, "<REF>", WorldTask.VIDEO_EDIT, "<BOEDIT>",
            WorldTask.VIDEO_CONTROL, "<CTRL>");

    private final DataGenerator data = new DataGenerator(128, 128, List.of(1, 2, 3));

    @Test
    void signalsFollowThePlanGrammarAndNameTheTask() {
        for (WorldTask task : WorldTask.values()) {
            for (long seed = 0; seed < 10; seed++) {
                Example e = data.example(task, seed);
                if (UNDERSTANDING.contains(task)) {
                    assertNull(e.signal());
                    assertTrue(e.target() instanceof Media.Text, task.id());
                    continue;
                }
                Matcher m = GRAMMAR.matcher(e.signal());
                assertTrue(m.matches(), e.signal());
                boolean video = task.id().endsWith("video") || task.id().startsWith("video");
                assertEquals(video ? "<CFV>" : "<CFI>", m.group(9), task.id());
                String marker = MARKER.get(task);
                assertEquals(marker == null ? 0 : 1, marker == null ? 0 : e.signal().split(marker, -1).length - 1, task.id());
                if (video) {
                    assertFrameCountMatchesSignal(e, m.group(3));
                }
            }
        }
    }

    private static void assertFrameCountMatchesSignal(Example e, String token) {
        int frames = ((Media.Video) e.target()).frames().size();
        if (token != null) {
            assertEquals(Integer.parseInt(token) + 1, frames, e.signal());
            assertEquals(1, frames % 4, "4k+1 frames");
        } else {
            assertEquals(((Media.Video) e.query().attachments().get(0)).frames().size(), frames, "frames of the input clip");
        }
    }

    @Test
    void editSignalPointsAtTheMaskAndTheSourceInAttachmentOrder() {
        for (long seed = 0; seed < 30; seed++) {
            Example e = data.example(WorldTask.IMAGE_EDIT, seed);
            Matcher m = GRAMMAR.matcher(e.signal());
            assertTrue(m.matches());
            Frame mask = ((Media.Image) e.query().attachments().get(Integer.parseInt(m.group(5)))).frame();
            Frame source = ((Media.Image) e.query().attachments().get(Integer.parseInt(m.group(6)))).frame();
            assertEquals(Set.of(0x000000, 0xFFFFFF), colours(mask), "the mask is black and white");
            assertTrue(colours(source).size() > 2, "the source is a picture");
        }
        assertEquals("<BOEDIT>0,0<EOEDIT><CFV>", data.example(WorldTask.VIDEO_EDIT, 1).signal());
    }

    @Test
    void editTargetsDifferFromTheSourceOnlyInsideTheMask() {
        for (long seed = 0; seed < 30; seed++) {
            Example e = data.example(WorldTask.IMAGE_EDIT, seed);
            Matcher m = GRAMMAR.matcher(e.signal());
            assertTrue(m.matches());
            Frame mask = ((Media.Image) e.query().attachments().get(Integer.parseInt(m.group(5)))).frame();
            Frame source = ((Media.Image) e.query().attachments().get(Integer.parseInt(m.group(6)))).frame();
            Frame target = ((Media.Image) e.target()).frame();
            int changed = 0;
            for (int y = 0; y < 128; y++) {
                for (int x = 0; x < 128; x++) {
                    if (source.rgb(x, y) != target.rgb(x, y)) {
                        assertEquals(0xFFFFFF, mask.rgb(x, y), e.query().text() + " at " + x + "," + y);
                        changed++;
                    }
                }
            }
            assertTrue(changed > 0, e.query().text());
        }
    }

    @Test
    void controlInputsAreTheOutlinesOfTheTargetObjects() {
        for (long seed = 0; seed < 10; seed++) {
            Example image = data.example(WorldTask.IMAGE_CONTROL, seed);
            Spec.Control spec = (Spec.Control) image.spec();
            assertEquals(outline(spec.regions()), ((Media.Image) image.query().attachments().get(0)).frame());
            assertEquals(1, spec.score(image.target()));

            Example video = data.example(WorldTask.VIDEO_CONTROL, seed);
            List<Frame> outlines = ((Media.Video) video.query().attachments().get(0)).frames();
            Spec.AtEnds ends = (Spec.AtEnds) video.spec();
            assertEquals(((Media.Video) video.target()).frames().size(), outlines.size());
            assertEquals(outline(((Spec.Control) ends.first()).regions()), outlines.get(0));
            assertEquals(outline(((Spec.Control) ends.last()).regions()), outlines.get(outlines.size() - 1));
        }
    }

    /** White where a region's pixel has a 4-neighbour outside the region or the canvas. */
    private static Frame outline(List<BitSet> regions) {
        Frame f = Frame.filled(128, 128, 0);
        for (BitSet r : regions) {
            for (int p = r.nextSetBit(0); p >= 0; p = r.nextSetBit(p + 1)) {
                int x = p % 128;
                int y = p / 128;
                if (x == 0 || y == 0 || x == 127 || y == 127 || !r.get(p - 1) || !r.get(p + 1) || !r.get(p - 128) || !r.get(p + 128)) {
                    f.set(x, y, 0xFFFFFF);
                }
            }
        }
        return f;
    }

    @Test
    void promptsStateTheSizeWhenTheCanvasIsNotTheDefault() {
        DataGenerator small = new DataGenerator(96, 64, List.of(2));
        for (long seed = 0; seed < 10; seed++) {
            Example e = small.example(WorldTask.TEXT_TO_IMAGE, seed);
            assertTrue(e.query().text().contains("96") && e.query().text().contains("64"), e.query().text());
            assertTrue(e.signal().startsWith("<BORES>96,64<EORES>"), e.signal());
            Example v = small.example(WorldTask.TEXT_TO_VIDEO, seed);
            assertTrue(v.signal().startsWith("<BORES>96,64<EORES><BONF>48<EONF>"), v.signal());
            assertEquals(49, ((Media.Video) v.target()).frames().size());
        }
    }

    @Test
    void understandingAnswersAreCanonicalShortAnswers() {
        Pattern canonical = Pattern.compile("[a-z]+(-[a-z]+)?|\\d+|yes|no|an? .* background");
        for (WorldTask task : UNDERSTANDING) {
            for (long seed = 0; seed < 40; seed++) {
                Example e = data.example(task, seed);
                String answer = ((Media.Text) e.target()).text();
                assertTrue(canonical.matcher(answer).matches(), task.id() + ": " + e.query().text() + " -> " + answer);
                assertEquals(answer, Answers.normalize(answer), "already normalised");
            }
        }
    }

    @Test
    void imageQuestionsAreAnsweredByTheirImages() {
        for (long seed = 0; seed < 60; seed++) {
            Example e = data.example(WorldTask.IMAGE_UNDERSTANDING, seed);
            String q = e.query().text();
            String answer = ((Media.Text) e.target()).text();
            Frame f = ((Media.Image) e.query().attachments().get(0)).frame();
            List<Detection> found = Detector.detect(f);
            if (q.equals("how many objects are there?")) {
                assertEquals(Integer.toString(found.size()), answer);
            } else if (answer.endsWith("background")) {
                assertEquals(Detector.items(f), Captions.parse(answer).items());
            }
        }
    }

    private static Set<Integer> colours(Frame f) {
        Set<Integer> set = new java.util.HashSet<>();
        for (int y = 0; y < f.height(); y++) {
            for (int x = 0; x < f.width(); x++) {
                set.add(f.rgb(x, y));
            }
        }
        return set;
    }
}
