package ai.unison.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.TestFixtures;
import ai.unison.api.Frames;
import ai.unison.api.Input;
import ai.unison.runtime.DType;
import ai.unison.text.ByteLevelTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Device;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisionAnswerTest {
    @TempDir
    static Path dir;

    /** The qwen25vl-tiny fixture as a planner folder, with a byte-level tokenizer whose vision tokens have its ids. */
    @BeforeAll
    static void writePlanner() throws Exception {
        Path f = TestFixtures.dir("qwen25vl-tiny");
        for (String name : List.of("config.json", "model.safetensors", "preprocessor_config.json")) {
            Files.copy(f.resolve(name), dir.resolve(name));
        }
        List<String> special = new ArrayList<>(SignalGrammar.TOKENS);
        special.addAll(List.of("<|im_start|>", "<|im_end|>", "<|endoftext|>"));
        while (special.size() < 603 - 256) {
            special.add("<|filler_" + special.size() + "|>");
        }
        special.addAll(List.of(VisionAnswer.VISION_START, VisionAnswer.VISION_END, "<|vision_pad|>",
                VisionAnswer.IMAGE_PAD, VisionAnswer.VIDEO_PAD));
        ByteLevelTokenizer.write(dir, special, List.of(), "<|im_end|>", "<|endoftext|>");
    }

    private static Frames gradient(int t, int h, int w) {
        byte[] data = new byte[t * h * w * 3];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        return Frames.of(t, h, w, 3, data);
    }

    @Test
    void continuousBatchingGivesTheSameAnswersAsDecodingAlone() {
        try (LmPlanner planner = LmPlanner.open(dir, DType.FLOAT32, new Device("cpu"), 4);
             LmPlanner.Session session = planner.session(4)) {
            RequestText.Prepared a = RequestText.prepare("what is in ###a.png###?", List.of());
            RequestText.Prepared b = RequestText.prepare("and in ###b.mp4###, the clip?", List.of());
            List<Input> ia = List.of(Input.pixels(gradient(1, 56, 56)));
            List<Input> ib = List.of(new Input.Pixels("b.mp4", gradient(8, 56, 84)));
            var plan = session.submit(RequestText.prepare("a red circle", List.of()), false);
            var fa = session.submitVision(a, ia);
            session.step();
            var fb = session.submitVision(b, ib);     // joins while the others decode
            while (session.hasWork()) {
                session.step();
            }
            assertNotNull(plan.join());
            assertEquals(planner.answerWithVision(a, ia), fa.join());
            assertEquals(planner.answerWithVision(b, ib), fb.join());
        }
    }

    @Test
    void aVisionPlannerAnswersLookingAtImagesAndVideos() {
        try (LmPlanner planner = LmPlanner.open(dir, DType.FLOAT32, new Device("cpu"), 2)) {
            assertTrue(planner.seesImages());
            RequestText.Prepared r = RequestText.prepare("what is in ###a.png### and ###b.mp4###?", List.of());
            String answer = planner.answerWithVision(r, List.of(Input.pixels(gradient(1, 56, 56)),
                    new Input.Pixels("b.mp4", gradient(8, 56, 84))));
            assertNotNull(answer);
            assertEquals(answer, planner.answerWithVision(r, List.of(Input.pixels(gradient(1, 56, 56)),
                    new Input.Pixels("b.mp4", gradient(8, 56, 84)))), "greedy answers are deterministic");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> planner.answerWithVision(r, List.of(Input.pixels(gradient(1, 56, 56)))));
            assertTrue(e.getMessage().contains("2 attachments but 1"), e.getMessage());
            RequestText.Prepared tiny = RequestText.prepare("what is in ###dot.png###?", List.of());
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                    () -> planner.answerWithVision(tiny, List.of(Input.pixels(gradient(1, 8, 8)))));
            assertTrue(small.getMessage().contains("attachment 0 'dot.png'") && small.getMessage().contains("smaller than one"),
                    small.getMessage());
        }
    }
}
