package ai.unison.engine;

import ai.unison.api.Frames;
import ai.unison.api.Plan;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.Settings;
import ai.unison.api.Size;
import ai.unison.api.Task;
import ai.unison.api.Timings;
import ai.unison.api.UnisonException;
import ai.unison.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputsTest {
    private static final Timings TIMINGS = new Timings(Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofMillis(3),
            Duration.ofMillis(400), Duration.ofMillis(5), Duration.ofNanos(429_123_456));

    static Result image(String id) {
        Plan plan = new Plan(Task.TEXT_TO_IMAGE, "<BORES>100,70<EORES><CFI>", 100, 70, null, null, null, null, false,
                false, List.of(), "a red circle", null);
        return new Result(id, plan, Frames.image(64, 96, 3, new byte[64 * 96 * 3]), new Size(100, 70, 1),
                new Size(96, 64, 1), new Settings(20, 5.0, "unipc"), 42, TIMINGS,
                Map.of("planner", "p 1", "wan-vace", "w 2"));
    }

    static Result video(String id) {
        Plan plan = new Plan(Task.TEXT_TO_VIDEO, "<BONF>4<EONF><CFV>", null, null, 5, 24, null, null, false, false,
                List.of(), "a blue square", null);
        return new Result(id, plan, Frames.of(5, 16, 16, 3, new byte[5 * 16 * 16 * 3]), new Size(null, null, 5),
                new Size(32, 32, 5), new Settings(4, 5.0, "unipc"), 1, TIMINGS, Map.of("planner", "p 1"));
    }

    static Result answer(String id) {
        Plan plan = new Plan(Task.TEXT_UNDERSTANDING, "", null, null, null, null, null, null, false, false, List.of(),
                "what is red?", "a colour");
        return new Result(id, plan, null, null, null, null, 3, TIMINGS, Map.of("planner", "p 1"));
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesOneFilePerKindAndTheSidecarLast(@TempDir Path dir) throws Exception {
        RecordingWriter w = new RecordingWriter();
        Outputs out = new Outputs(dir, w);
        assertEquals(List.of("a.png"), out.write("a", 1, Request.of("x"), image("a")));
        assertEquals(List.of("v.gif", "v.mp4"), out.write("v", 2, Request.of("y"), video("v")));
        assertEquals(List.of("q.txt"), out.write("q", 3, Request.of("what is red?"), answer("q")));
        assertEquals(List.of("a.json", "a.png", "q.json", "q.txt", "v.gif", "v.json", "v.mp4"), files(dir));
        assertEquals("a colour\n", Files.readString(dir.resolve("q.txt")));
        assertEquals("gif Frames[5×16×16×3] at 24.0", Files.readString(dir.resolve("v.gif")));
        assertTrue(w.written.stream().allMatch(n -> n.startsWith(".") && n.contains(".part-")),
                "media are written under temporary names: " + w.written);
    }

    @Test
    void sidecarCarriesPlanSeedSizesSettingsTimingsAndVersions(@TempDir Path dir) throws Exception {
        Outputs out = new Outputs(dir, new RecordingWriter());
        Request req = Request.builder("a red circle, 100x70").seed(42).steps(20).build();
        out.write("a", 7, req, image("a"));
        JsonNode n = Json.MAPPER.readTree(Files.readString(dir.resolve("a.json")));
        assertEquals("a", n.get("id").asText());
        assertEquals("ok", n.get("status").asText());
        assertEquals(7, n.get("line").asInt());
        assertEquals("a red circle, 100x70", n.at("/request/text").asText());
        assertEquals(42, n.at("/request/overrides/seed").asLong());
        assertEquals(20, n.at("/request/overrides/steps").asInt());
        assertEquals("text_to_image", n.at("/plan/task").asText());
        assertEquals("<BORES>100,70<EORES><CFI>", n.at("/plan/signal").asText());
        assertEquals(42, n.get("seed").asLong());
        assertEquals(100, n.at("/requested/width").asInt());
        assertEquals(96, n.at("/executed/width").asInt());
        assertEquals(64, n.at("/executed/height").asInt());
        assertEquals(1, n.at("/executed/frames").asInt());
        assertEquals("unipc", n.at("/settings/scheduler").asText());
        assertEquals(400.0, n.at("/timings/denoiseMs").asDouble());
        assertEquals(429.12, n.at("/timings/totalMs").asDouble());
        assertEquals("w 2", n.at("/versions/wan-vace").asText());
        assertEquals("a.png", n.at("/outputs/0").asText());
        assertTrue(n.get("error").isNull());
    }

    @Test
    void failureSidecarNamesTheReasonAndTheMessage(@TempDir Path dir) throws Exception {
        Outputs out = new Outputs(dir, new RecordingWriter());
        out.writeFailure("x", 4, Request.of("an image"), UnisonException.Reason.TIMEOUT, "request x timed out after 2.0 s");
        JsonNode n = Json.MAPPER.readTree(Files.readString(dir.resolve("x.json")));
        assertEquals("failed", n.get("status").asText());
        assertEquals("TIMEOUT", n.at("/error/reason").asText());
        assertEquals("request x timed out after 2.0 s", n.at("/error/message").asText());
        assertEquals(0, n.get("outputs").size());
        assertFalse(out.done("x"));
    }

    @Test
    void doneOnlyWhenTheSidecarSaysOkAndItsFilesExist(@TempDir Path dir) throws Exception {
        Outputs out = new Outputs(dir, new RecordingWriter());
        assertFalse(out.done("a"));
        out.write("a", null, Request.of("x"), image("a"));
        assertTrue(out.done("a"));
        Files.delete(dir.resolve("a.png"));
        assertFalse(out.done("a"), "an output deleted by hand is made again");
        Files.writeString(dir.resolve("b.json"), "{\"status\": \"ok\", \"outputs\": [");
        assertFalse(out.done("b"), "a torn sidecar does not count");
    }

    @Test
    void removesOnlyTemporaryFilesOfInterruptedWrites(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".a.part-12ab34cd.png"), "half");
        Files.writeString(dir.resolve(".a.part-99999999.json"), "{");
        Files.writeString(dir.resolve(".hidden"), "mine");
        Files.writeString(dir.resolve("a.part-1.png"), "not ours");
        Outputs out = new Outputs(dir, new RecordingWriter());
        assertEquals(2, out.removePartials());
        assertEquals(List.of(".hidden", "a.part-1.png"), files(dir));
    }

    @Test
    void writesImagesAsPngAndVideosAsGifAndMp4ThatReadBack(@TempDir Path dir) throws Exception {
        Outputs out = Outputs.in(dir);
        out.write("a", null, Request.of("x"), image("a"));
        out.write("v", null, Request.of("y"), video("v"));
        assertTrue(out.done("a") && out.done("v"));
        try (ai.unison.runtime.NativeScope s = ai.unison.runtime.NativeScope.open()) {
            var png = ai.unison.io.Media.readImage(dir.resolve("a.png"));
            assertEquals(List.of((long) image("a").frames().height(), (long) image("a").frames().width(), 3L),
                    java.util.Arrays.stream(ai.unison.runtime.Torch.shape(png)).boxed().toList());
            var gif = ai.unison.io.Media.readVideo(dir.resolve("v.gif"), 100);
            assertEquals(video("v").frames().count(), gif.frameCount());
            var mp4 = ai.unison.io.Media.readVideo(dir.resolve("v.mp4"), 100);
            assertEquals(video("v").frames().count(), mp4.frameCount());
        }
    }
}
