package ai.unison.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.Unison;
import ai.unison.api.Attachment;
import ai.unison.api.Frames;
import ai.unison.api.Input;
import ai.unison.api.Options;
import ai.unison.api.Plan;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.Size;
import ai.unison.api.Task;
import ai.unison.api.UnisonException;
import ai.unison.diffusion.wan.TinyVaceFolder;
import ai.unison.io.Media;
import ai.unison.plan.SignalGrammar;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WanVaceExpertTest {
    @TempDir
    static Path tmp;
    static WanVaceExpert expert;

    @BeforeAll
    static void open() {
        expert = WanVaceExpert.open(TinyVaceFolder.write(tmp.resolve("wan-vace-tiny")), "cpu");
    }

    @AfterAll
    static void close() {
        expert.close();
    }

    private static Plan plan(String signal, Attachment.Kind... kinds) {
        List<Attachment> atts = new java.util.ArrayList<>();
        for (int i = 0; i < kinds.length; i++) {
            atts.add(new Attachment(i, kinds[i], "a" + i + (kinds[i] == Attachment.Kind.IMAGE ? ".png" : ".mp4")));
        }
        return SignalGrammar.toPlan(signal, atts, "a red circle");
    }

    @Test
    void servesTheNineGenerationTasksWithTheFoldersDefaults() {
        assertEquals(9, expert.tasks().size());
        assertEquals(2, expert.defaults().steps());
        assertEquals("unipc", expert.defaults().scheduler());
        assertEquals(5.0, expert.defaults().guidance());
    }

    @Test
    void snapsToSixteenPixelsAndFourKPlusOneFramesAndSizesAfterTheAttachment() {
        assertEquals(new Size(32, 32, 5), expert.snap(plan("<CFV>"), Size.UNSTATED));
        assertEquals(new Size(48, 64, 9), expert.snap(plan("<CFV>"), new Size(50, 70, 10)));
        assertEquals(new Size(32, 32, 1), expert.snap(plan("<CFI>"), new Size(null, null, 1)));
        Frames clip = Frames.of(13, 24, 16, 3, new byte[13 * 24 * 16 * 3]);
        // a smaller clip keeps its size (snapped) and, for a video edit, its length
        assertEquals(new Size(16, 32, 13), expert.snap(plan("<BOEDIT>0,0<EOEDIT><CFV>", Attachment.Kind.VIDEO),
                Size.UNSTATED, List.of(Input.pixels(clip))));
        // a larger image is scaled down to the default area, keeping its aspect
        Frames big = Frames.image(64, 128, 3, new byte[64 * 128 * 3]);
        Size s = expert.snap(plan("<CTRL><CFI>", Attachment.Kind.IMAGE), new Size(null, null, 1), List.of(Input.pixels(big)));
        assertEquals(new Size(48, 16, 1), s);
    }

    @Test
    void runsGenerationRequestsThroughTheEngineAndWritesWhatItAdapted(@TempDir Path dir) {
        Frames source = Frames.image(32, 32, 3, new byte[32 * 32 * 3]);
        try (Unison u = Unison.open(new FakePlanner(), List.of(expert), Options.builder().workDir(dir).build())) {
            Result video = u.run(Request.builder("a video of a red circle").seed(3).build());
            assertEquals(Task.TEXT_TO_VIDEO, video.plan().task());
            assertEquals(5, video.frames().count());
            assertEquals(32, video.frames().width());
            assertTrue(video.versions().get("wan-vace").startsWith("wan-vace-tiny"), video.versions().toString());
            Result again = u.run(Request.builder("a video of a red circle").seed(3).build());
            assertEquals(video.frames(), again.frames());

            Frames clip = Frames.of(5, 16, 16, 3, new byte[5 * 16 * 16 * 3]);
            Result edit = u.run(Request.builder("recolour what moves, see the mask").attach(clip).size(32, 32).seed(1)
                    .build());
            assertEquals(Task.VIDEO_EDIT, edit.plan().task());
            assertEquals(5, edit.frames().count());
            assertTrue(edit.notes().stream().anyMatch(n -> n.contains("is 16×16; resized to 32×32")), edit.notes().toString());
            assertTrue(edit.notes().stream().anyMatch(n -> n.startsWith("no mask attachment")), edit.notes().toString());

            UnisonException missing = assertThrows(UnisonException.class,
                    () -> u.run(Request.builder("edit this image").attach(source).attach(dir.resolve("nope.png")).build()));
            assertTrue(missing.getMessage().contains("nope.png"), missing.getMessage());
        } finally {
            expert = WanVaceExpert.open(tmp.resolve("wan-vace-tiny"), "cpu");
        }
    }
}
