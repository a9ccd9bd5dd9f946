package ai.unison.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.api.Plan;
import ai.unison.api.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-written evaluation set in models/planner-eval is well-formed and consistent. */
class HandwrittenEvalSetTest {

    static Path file() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("models/planner-eval/handwritten.jsonl");
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("models/planner-eval/handwritten.jsonl not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void everyExpectedSignalPlansToItsLabelledTaskWithinLimits() throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        Map<Task, Integer> counts = new EnumMap<>(Task.class);
        for (String line : Files.readAllLines(file(), StandardCharsets.UTF_8)) {
            JsonNode n = mapper.readTree(line);
            List<String> attachments = new ArrayList<>();
            n.get("attachments").forEach(a -> attachments.add(a.textValue()));
            RequestText.Prepared p = RequestText.prepare(n.get("request").textValue(), attachments);
            Plan plan = SignalGrammar.toPlan(n.get("signal").textValue(), p.attachments(), p.prompt());
            assertEquals(n.get("task").textValue(), plan.task().wireName(), line);
            PlanLimits.DEFAULTS.validate(plan);
            counts.merge(plan.task(), 1, Integer::sum);
        }
        assertEquals(Task.values().length, counts.size());
        assertTrue(counts.values().stream().mapToInt(Integer::intValue).sum() >= 150);
        counts.forEach((task, n) -> assertTrue(n >= 10, task + " has " + n));
    }

    @Test
    void perfectPlannerScoresFullMarks() {
        ObjectMapper mapper = new ObjectMapper();
        Map<String, String> expected = new java.util.HashMap<>();
        try {
            for (String line : Files.readAllLines(file(), StandardCharsets.UTF_8)) {
                JsonNode n = mapper.readTree(line);
                expected.put(n.get("request").textValue(), n.get("signal").textValue());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        PlannerEval.Report r = PlannerEval.evaluate(file(), (request, attachments) -> expected.get(request));
        assertEquals(r.requests(), r.fullPlan().correct());
        assertEquals(r.answers().total(), r.answers().correct());
    }
}
