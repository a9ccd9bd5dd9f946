package ai.unison.cli;

import ai.unison.api.Plan;
import ai.unison.lm.Qwen2Config;
import ai.unison.lm.RandomQwen2;
import ai.unison.runtime.DType;
import ai.unison.train.PlannerTrainer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanCommandTest {
    @TempDir
    static Path dir;

    private static Path model;

    @BeforeAll
    static void writeRandomPlanner() {
        model = dir.resolve("planner");
        RandomQwen2.write(Qwen2Config.of(PlannerTrainer.VOCAB, 32, 64, 1, 4, 2).withTiedEmbeddings(true)
                .withMaxPositions(512), model, DType.FLOAT32, 3, 0.5);
        PlannerTrainer.writeTokenizer(model);
    }

    private static MainRun run(String... args) {
        return MainRun.of(args);
    }

    @Test
    void printsExactlyOnePlanJsonObject() {
        MainRun r = run("plan", "make ###x.png### blue", "--attach", "clip.mp4", "--planner", model.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(1, lines.length, r.out());
        Plan plan = Plan.fromJson(lines[0]);
        assertEquals(2, plan.attachments().size());
        assertEquals("clip.mp4", plan.attachments().get(1).path());
    }

    @Test
    void missingModelIsOneClearErrorLine() {
        MainRun r = run("plan", "draw a cat", "--planner", dir.resolve("absent").toString());
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().split("\n").length, r.err());
        assertTrue(r.err().startsWith("error: no planner model in "), r.err());
    }

    @Test
    void badRequestIsACleanError() {
        MainRun r = run("plan", "draw <CFI>", "--planner", model.toString());
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("reserved token <CFI>"), r.err());
    }

    @Test
    void jsonlModeKeepsOrderAndReportsBadLines() throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, String.join("\n",
                "{\"request\":\"draw a cat\"}",
                "not json",
                "{\"request\":\"edit this\",\"attachments\":[\"a.png\",\"b.mp4\"]}",
                "{\"attachments\":[]}",
                "{\"request\":\"a video of ###c.gif###\"}") + "\n");
        MainRun r = run("plan", "--jsonl", in.toString(), "--planner", model.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(5, lines.length, r.out());
        ObjectMapper json = new ObjectMapper();
        assertEquals("draw a cat", Plan.fromJson(lines[0]).prompt());
        JsonNode bad = json.readTree(lines[1]);
        assertEquals(2, bad.get("line").intValue());
        assertTrue(bad.get("error").textValue().startsWith("not JSON"));
        assertEquals(2, Plan.fromJson(lines[2]).attachments().size());
        assertEquals(4, json.readTree(lines[3]).get("line").intValue());
        assertEquals("c.gif", Plan.fromJson(lines[4]).attachments().get(0).path());
    }
}
