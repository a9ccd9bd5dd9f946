package ai.unison.engine;

import ai.unison.api.BatchOptions;
import ai.unison.api.Priority;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonlBatchTest {
    private static final BatchOptions FOUR = new BatchOptions(4, Priority.BATCH);

    private static JsonNode json(Path file) throws Exception {
        return Json.MAPPER.readTree(Files.readString(file));
    }

    @Test
    void readsOverridesAndResolvesAttachmentsFromTheFilesFolder(@TempDir Path dir) {
        JsonlBatch.Entry e = JsonlBatch.parse(3, "{\"id\": \"v1\", \"request\": \"a video\", \"attachments\": [\"in/a.png\"],"
                + " \"seed\": 9, \"steps\": 12, \"guidance\": 4.5, \"scheduler\": \"euler\", \"size\": \"640x480\","
                + " \"frames\": 33, \"timeout\": 1.5, \"priority\": \"interactive\"}", dir);
        assertNull(e.error());
        Request r = e.request();
        assertEquals("v1", r.id());
        assertEquals("a video", r.text());
        assertEquals(dir.resolve("in/a.png").toString(), r.attachments().get(0).name());
        var o = r.overrides();
        assertEquals(List.of(9L, 12, 4.5, "euler", 640, 480, 33, Duration.ofMillis(1500)),
                List.of(o.seed(), o.steps(), o.guidance(), o.scheduler(), o.width(), o.height(), o.frames(), o.timeout()));
        assertEquals(Priority.INTERACTIVE, r.priority());
        assertEquals("line-4", JsonlBatch.parse(4, "{\"request\": \"hi\"}", dir).id());
        assertEquals("17", JsonlBatch.parse(5, "{\"id\": 17, \"request\": \"hi\"}", dir).id());
    }

    @Test
    void aLineThatCannotBeReadFailsAloneWithItsNumber(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("in.jsonl");
        Files.write(file, List.of(
                "{\"id\": \"a\", \"request\": \"hello\"}",
                "{\"id\": \"b\", \"request\": ",
                "[1, 2]",
                "",
                "{\"id\": \"c\", \"request\": \"hi\", \"stpes\": 3}",
                "{\"id\": \"../d\", \"request\": \"hi\"}",
                "{\"id\": \"a\", \"request\": \"again\"}",
                "{\"id\": \"e\", \"request\": \"hi\", \"size\": \"big\"}",
                "{\"id\": \"f\"}",
                "{\"id\": \"g\", \"request\": \"hi\", \"attachments\": [\"x.bmp\"]}",
                "{\"id\": \"h\", \"request\": \"hi\", \"steps\": 0}",
                "{\"id\": \"summary\", \"request\": \"hi\"}"));
        List<JsonlBatch.Entry> es = JsonlBatch.read(file);
        assertEquals(List.of(1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12), es.stream().map(JsonlBatch.Entry::line).toList());
        assertNull(es.get(0).error());
        assertTrue(es.get(1).error().startsWith("line 2: invalid JSON"), es.get(1).error());
        assertEquals("line 3: expected a JSON object, got array", es.get(2).error());
        assertTrue(es.get(3).error().startsWith("line 5 (id c): unknown field 'stpes'; known: attachments, frames"), es.get(3).error());
        assertTrue(es.get(4).error().startsWith("line 6: id '../d' cannot name output files"), es.get(4).error());
        assertEquals("duplicate id 'a' (first used on line 1)", es.get(5).error());
        assertTrue(es.get(6).error().contains("'size' must be \"WIDTHxHEIGHT\""), es.get(6).error());
        assertTrue(es.get(7).error().contains("field 'request' must be the request's text"), es.get(7).error());
        assertTrue(es.get(8).error().contains("extension 'bmp'"), es.get(8).error());
        assertEquals("line 11 (id h): steps must be at least 1, got 0", es.get(9).error());
        assertTrue(es.get(10).error().contains("reserved for summary.json"), es.get(10).error());

        try (Harness h = new Harness()) {
            var report = new JsonlBatch(file, new Outputs(dir.resolve("out"), new RecordingWriter()))
                    .run(h.engine::submit, FOUR, JsonlBatch.Progress.NONE);
            assertEquals(List.of(11, 1, 0, 10), List.of(report.total(), report.succeeded(), report.skipped(), report.failed()));
            assertEquals("answer: hello\n", Files.readString(dir.resolve("out/a.txt")), "the duplicate did not overwrite a");
            assertEquals("failed", json(dir.resolve("out/c.json")).get("status").asText());
            assertEquals(5, json(dir.resolve("out/c.json")).get("line").asInt());
        }
    }

    @Test
    void writesEachKindOfOutputAndASummary(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("requests.jsonl");
        Files.write(file, List.of(
                "{\"id\": \"img\", \"request\": \"an image of a circle\", \"seed\": 3}",
                "{\"id\": \"vid\", \"request\": \"a video, 9 frames\"}",
                "{\"id\": \"ask\", \"request\": \"what is red?\"}",
                "{\"id\": \"boom\", \"request\": \"an image that will explode\"}",
                "not json"));
        RecordingWriter w = new RecordingWriter();
        List<String> progress = new CopyOnWriteArrayList<>();
        try (Harness h = new Harness()) {
            var report = new JsonlBatch(file, new Outputs(dir.resolve("out"), w)).run(h.engine::submit, FOUR,
                    new JsonlBatch.Progress() {
                        @Override
                        public void start(int total) {
                            progress.add("start " + total);
                        }

                        @Override
                        public void finished(String id, String error) {
                            progress.add(id + (error == null ? " ok" : " failed"));
                        }
                    });
            assertEquals(List.of(5, 3, 0, 2), List.of(report.total(), report.succeeded(), report.skipped(), report.failed()));
        }
        Path out = dir.resolve("out");
        for (String f : List.of("img.png", "img.json", "vid.gif", "vid.mp4", "vid.json", "ask.txt", "ask.json", "boom.json",
                "summary.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertFalse(Files.exists(out.resolve("boom.png")));
        assertEquals("png Frames[1×32×32×3]", Files.readString(out.resolve("img.png")));
        assertEquals(9, json(out.resolve("vid.json")).at("/executed/frames").asInt());
        assertEquals(3, json(out.resolve("img.json")).get("seed").asInt());
        JsonNode boom = json(out.resolve("boom.json"));
        assertEquals("FAILED", boom.at("/error/reason").asText());
        assertTrue(boom.at("/error/message").asText().endsWith("mask attachment has 4 channels"));
        JsonNode s = json(out.resolve("summary.json"));
        assertEquals(List.of(5, 3, 0, 2), List.of(s.get("total").asInt(), s.get("succeeded").asInt(), s.get("skipped").asInt(),
                s.get("failed").asInt()));
        assertEquals(1, s.at("/failuresByReason/INVALID").asInt());
        assertEquals(1, s.at("/failuresByReason/FAILED").asInt());
        assertEquals(List.of(4, 5), List.of(s.at("/failures/0/line").asInt(), s.at("/failures/1/line").asInt()));
        assertTrue(s.at("/failures/1/error").asText().startsWith("line 5: invalid JSON"));
        assertTrue(s.get("itemsPerSecond").asDouble() > 0);
        assertEquals("start 5", progress.get(0));
        assertEquals(6, progress.size());
    }

    @Test
    void aRunKilledMidwayIsFinishedByRunningAgainWithoutRedoingOrLosingAnything(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("requests.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            lines.add("{\"id\": \"img-" + i + "\", \"request\": \"an image number " + i + "\", \"seed\": " + i + "}");
        }
        Files.write(file, lines);
        Path out = dir.resolve("out");
        RecordingWriter dying = new RecordingWriter();
        dying.killAt = 12;
        try (Harness h = new Harness()) {
            JsonlBatch first = new JsonlBatch(file, new Outputs(out, dying));
            assertThrows(RecordingWriter.Killed.class, () -> first.run(h.engine::submit, FOUR, JsonlBatch.Progress.NONE));
        }
        Files.writeString(out.resolve(".img-29.part-0badf00d.png"), "torn");
        Outputs check = new Outputs(out, new RecordingWriter());
        Set<String> doneBefore = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            if (check.done("img-" + i)) {
                doneBefore.add("img-" + i);
            }
        }
        assertEquals(11, doneBefore.size(), "the 11 finished before the kill are recorded");
        assertFalse(Files.exists(out.resolve("summary.json")));

        List<String> submitted = new CopyOnWriteArrayList<>();
        try (Harness h = new Harness()) {
            Function<Request, CompletableFuture<Result>> counting = r -> {
                submitted.add(r.id());
                return h.engine.submit(r);
            };
            var report = new JsonlBatch(file, new Outputs(out, new RecordingWriter())).run(counting, FOUR,
                    JsonlBatch.Progress.NONE);
            assertEquals(List.of(30, 19, 11, 0), List.of(report.total(), report.succeeded(), report.skipped(), report.failed()));
        }
        assertEquals(19, submitted.size());
        assertEquals(19, new HashSet<>(submitted).size(), "no request ran twice in the re-run");
        assertTrue(submitted.stream().noneMatch(doneBefore::contains), "nothing done before ran again");
        for (int i = 0; i < 30; i++) {
            assertTrue(check.done("img-" + i), "img-" + i);
            assertEquals(i, json(out.resolve("img-" + i + ".json")).get("seed").asInt());
        }
        assertFalse(Files.exists(out.resolve(".img-29.part-0badf00d.png")), "the torn file is gone");
        var again = new JsonlBatch(file, new Outputs(out, new RecordingWriter()));
        assertFalse(again.needsEngine(), "a third run has nothing to do");
    }

    @Test
    void failedRequestsAreRetriedByTheNextRun(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("requests.jsonl");
        Files.write(file, List.of("{\"id\": \"a\", \"request\": \"an image\"}",
                "{\"id\": \"b\", \"request\": \"a picture that will explode\"}"));
        Path out = dir.resolve("out");
        List<String> submitted = new CopyOnWriteArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (Harness h = new Harness()) {
                new JsonlBatch(file, new Outputs(out, new RecordingWriter())).run(r -> {
                    submitted.add(r.id());
                    return h.engine.submit(r);
                }, FOUR, JsonlBatch.Progress.NONE);
            }
        }
        assertEquals(List.of("b"), submitted.subList(submitted.size() - 1, submitted.size()));
        assertEquals(3, submitted.size());
    }
}
