package ai.unison.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.api.PlanException;
import ai.unison.api.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerEvalTest {

    private static final List<String> CASES = List.of(
            "{\"request\":\"a cat, 1024x768\",\"signal\":\"<BORES>1024,768<EORES><CFI>\"}",
            "{\"request\":\"a 3 second clip of waves\",\"signal\":\"<BONF>72<EONF><CFV>\"}",
            "{\"request\":\"edit ###a.png### with ###m.png###\",\"signal\":\"<BOEDIT>1,0<EOEDIT><CFI>\"}",
            "{\"request\":\"animate this, last frame\",\"attachments\":[\"f.png\"],\"task\":\"image_to_video\",\"frameRef\":\"last\"}",
            "{\"request\":\"how many frames is 2 seconds?\",\"signal\":\"48\"}",
            "",
            "{\"request\":\"what colour is it? ###q.mp4###\",\"signal\":\"{answer}\"}");

    /** Right, extra size, invalid, right, wrong answer, understanding with a placeholder. */
    private static final Map<String, String> OUTPUTS = Map.of(
            "a cat, 1024x768", "<BORES>1024,768<EORES><CFI>",
            "a 3 second clip of waves", "<BORES>512,512<EORES><BONF>72<EONF><CFV>",
            "edit ###a.png### with ###m.png###", "<BOEDIT>1,0<EOEDIT>",
            "animate this, last frame", "<BOFIDX>1<EOFIDX><CFV>",
            "how many frames is 2 seconds?", "49.",
            "what colour is it? ###q.mp4###", "Red.");

    private static PlannerEval.Report report(Path dir) throws IOException {
        Path file = dir.resolve("eval.jsonl");
        Files.write(file, CASES);
        return PlannerEval.evaluate(file, (request, attachments) -> OUTPUTS.get(request));
    }

    @Test
    void countsTaskFieldAndFullPlanMatches(@TempDir Path dir) throws IOException {
        PlannerEval.Report r = report(dir);
        assertEquals(6, r.requests());
        assertEquals(1, r.invalid());
        assertEquals(new PlannerEval.Score(5, 6), r.task());
        assertEquals(new PlannerEval.Score(4, 6), r.fullPlan(), "an understanding plan is its task; its answer is scored apart");
        assertEquals(new PlannerEval.Score(2, 4), r.fields().get("width"));
        assertEquals(new PlannerEval.Score(3, 4), r.fields().get("frames"));
        assertEquals(new PlannerEval.Score(3, 4), r.fields().get("edit"));
        assertEquals(new PlannerEval.Score(3, 4), r.fields().get("frameRef"));
        assertEquals(new PlannerEval.Score(0, 1), r.answers());
        assertEquals(PlannerEval.FIELDS, List.copyOf(r.fields().keySet()));
    }

    @Test
    void breaksScoresDownPerTaskAndListsFailures(@TempDir Path dir) throws IOException {
        PlannerEval.Report r = report(dir);
        assertEquals(new PlannerEval.Score(0, 1), r.perTask().get(Task.IMAGE_EDIT)[0]);
        assertEquals(new PlannerEval.Score(1, 1), r.perTask().get(Task.TEXT_TO_VIDEO)[0]);
        assertEquals(new PlannerEval.Score(0, 1), r.perTask().get(Task.TEXT_TO_VIDEO)[1]);
        assertEquals(new PlannerEval.Score(1, 1), r.perTask().get(Task.VIDEO_UNDERSTANDING)[1]);
        assertEquals(2, r.failures().size());
        assertTrue(r.failures().get(0).startsWith("a 3 second clip of waves | expected text_to_video <BONF>72<EONF><CFV>"),
                r.failures().get(0));
    }

    @Test
    void printsATableWithEveryMetric(@TempDir Path dir) throws IOException {
        String table = report(dir).table();
        assertTrue(table.startsWith("planner evaluation: 6 requests, 1 invalid outputs"), table);
        assertTrue(table.contains("task                          5        6     83.3%"), table);
        assertTrue(table.contains("full plan                     4        6     66.7%"), table);
        assertTrue(table.contains("image_to_video                1    100.0%    100.0%"), table);
    }

    @Test
    void normalisesAnswersLikeShapesEval() {
        assertEquals("top-left", PlannerEval.normalise("  Top-Left. "));
        assertEquals("48", PlannerEval.normalise("48!"));
    }

    @Test
    void rejectsLinesWithoutExpectationNamingTheLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.write(file, List.of("{\"request\":\"x\",\"signal\":\"<CFI>\"}", "{\"request\":\"y\"}"));
        PlanException e = assertThrows(PlanException.class, () -> PlannerEval.evaluate(file, (r, a) -> "<CFI>"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
