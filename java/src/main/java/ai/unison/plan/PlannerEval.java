package ai.unison.plan;

import ai.unison.api.Plan;
import ai.unison.api.PlanException;
import ai.unison.api.Task;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Scores a planner on a JSONL evaluation file. Each line has {@code request}, optional
 * {@code attachments} (paths given separately), and the expected outcome: either {@code signal}
 * (planner output; {@link PlanningData#ANSWER_PLACEHOLDER} for an answer that is not checked) or the
 * plan fields as in Plan JSON: {@code task}, {@code width}, {@code height}, {@code frames} (N+1),
 * {@code frameRef}, {@code edit} ({@code {"mask":M,"source":S}}), {@code reference}, {@code control};
 * absent fields mean null or false.
 *
 * <p>Metrics: task accuracy over all requests; per-field exact match over the requests whose
 * expected task is a generation task; full-plan exact match (task and all seven fields) over all
 * requests; and, for understanding requests whose answer the file gives, answer match after
 * lower-casing, trimming and dropping final punctuation. Output that does not parse or does not fit
 * the request's attachments counts as wrong everywhere.
 */
public final class PlannerEval {

    /** The fields compared per generation request, in report order. */
    public static final List<String> FIELDS = List.of("width", "height", "frames", "frameRef", "edit", "reference", "control");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<Function<Plan, Object>> GETTERS = List.of(Plan::width, Plan::height, Plan::frames,
            Plan::frameRef, Plan::edit, Plan::reference, Plan::control);

    private PlannerEval() {}

    /** A score: how many of how many. */
    public record Score(int correct, int total) {
        public double accuracy() {
            return total == 0 ? Double.NaN : (double) correct / total;
        }

        Score plus(boolean ok) {
            return new Score(correct + (ok ? 1 : 0), total + 1);
        }
    }

    /**
     * The result of one evaluation.
     *
     * @param requests  number of requests
     * @param invalid   outputs that did not parse or did not fit the request
     * @param task      task accuracy over all requests
     * @param fields    exact match per field of {@link #FIELDS}, over generation requests
     * @param fullPlan  task and all fields right, over all requests
     * @param answers   answer match over understanding requests with a given answer
     * @param perTask   task accuracy and full-plan match per expected task: {task, full plan}
     * @param failures  one line per request whose plan was not fully right
     */
    public record Report(int requests, int invalid, Score task, Map<String, Score> fields, Score fullPlan, Score answers,
                         Map<Task, Score[]> perTask, List<String> failures) {

        /** A printable table of all metrics. */
        public String table() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "planner evaluation: %d requests, %d invalid outputs%n", requests, invalid));
            b.append(String.format(Locale.ROOT, "%-22s %8s %8s %9s%n", "metric", "correct", "total", "accuracy"));
            row(b, "task", task);
            fields.forEach((name, score) -> row(b, name, score));
            row(b, "full plan", fullPlan);
            row(b, "answer", answers);
            b.append(String.format(Locale.ROOT, "%n%-22s %8s %9s %9s%n", "per task", "requests", "task", "full plan"));
            perTask.forEach((t, s) -> b.append(String.format(Locale.ROOT, "%-22s %8d %9s %9s%n", t.wireName(), s[0].total(),
                    percent(s[0]), percent(s[1]))));
            return b.toString();
        }

        private static void row(StringBuilder b, String name, Score s) {
            b.append(String.format(Locale.ROOT, "%-22s %8d %8d %9s%n", name, s.correct(), s.total(), percent(s)));
        }

        private static String percent(Score s) {
            return s.total() == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * s.accuracy());
        }
    }

    /** Evaluates {@code planner} (request text and separate attachments → output) on a JSONL file. */
    public static Report evaluate(Path jsonl, BiFunction<String, List<String>, String> planner) {
        List<String> lines;
        try {
            lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jsonl, e);
        }
        List<JsonNode> cases = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                cases.add(parseLine(jsonl, i + 1, lines.get(i)));
            }
        }
        return evaluate(cases, planner, jsonl.toString());
    }

    private static Report evaluate(List<JsonNode> cases, BiFunction<String, List<String>, String> planner, String source) {
        int invalid = 0;
        Score task = new Score(0, 0);
        Score full = new Score(0, 0);
        Score answers = new Score(0, 0);
        Map<String, Score> fields = new LinkedHashMap<>();
        FIELDS.forEach(f -> fields.put(f, new Score(0, 0)));
        Map<Task, Score[]> perTask = new EnumMap<>(Task.class);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            String request = c.get("request").textValue();
            List<String> attachments = new ArrayList<>();
            if (c.has("attachments")) {
                c.get("attachments").forEach(a -> attachments.add(a.textValue()));
            }
            RequestText.Prepared prepared = RequestText.prepare(request, attachments);
            Plan expected = expected(c, prepared, source, i);
            String output = planner.apply(request, List.copyOf(attachments));
            Plan got;
            try {
                got = SignalGrammar.toPlan(output == null ? "" : output, prepared.attachments(), prepared.prompt());
            } catch (PlanException e) {
                got = null;
                invalid++;
            }
            boolean taskOk = got != null && got.task() == expected.task();
            boolean allOk = taskOk;
            task = task.plus(taskOk);
            if (!expected.task().isUnderstanding()) {
                for (int f = 0; f < FIELDS.size(); f++) {
                    boolean ok = got != null && Objects.equals(GETTERS.get(f).apply(expected), GETTERS.get(f).apply(got));
                    fields.put(FIELDS.get(f), fields.get(FIELDS.get(f)).plus(ok));
                    allOk &= ok;
                }
            } else if (expected.answer() != null && !expected.answer().equals(PlanningData.ANSWER_PLACEHOLDER)) {
                answers = answers.plus(got != null && got.answer() != null && normalise(got.answer()).equals(normalise(expected.answer())));
            }
            full = full.plus(allOk);
            Score[] t = perTask.computeIfAbsent(expected.task(), k -> new Score[] {new Score(0, 0), new Score(0, 0)});
            t[0] = t[0].plus(taskOk);
            t[1] = t[1].plus(allOk);
            if (!allOk) {
                failures.add(String.format(Locale.ROOT, "%s | expected %s %s | got %s", request, expected.task(),
                        expected.signal().isEmpty() ? "(answer)" : expected.signal(), output));
            }
        }
        return new Report(cases.size(), invalid, task, Collections.unmodifiableMap(fields), full, answers,
                Collections.unmodifiableMap(perTask), List.copyOf(failures));
    }

    private static JsonNode parseLine(Path file, int line, String text) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new PlanException(file + " line " + line + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (!node.isObject() || !node.path("request").isTextual()) {
            throw new PlanException(file + " line " + line + " lacks a string field 'request'");
        }
        if (!node.path("signal").isTextual() && !node.path("task").isTextual()) {
            throw new PlanException(file + " line " + line + " has neither 'signal' nor 'task'");
        }
        return node;
    }

    /** The expected plan of one case: from its signal, or from its plan fields. */
    private static Plan expected(JsonNode c, RequestText.Prepared prepared, String source, int index) {
        try {
            if (c.path("signal").isTextual()) {
                return SignalGrammar.toPlan(c.get("signal").textValue(), prepared.attachments(), prepared.prompt());
            }
            Task task = Task.fromWireName(c.get("task").textValue());
            JsonNode edit = c.path("edit");
            boolean video = task.output() == Task.Modality.VIDEO;
            return new Plan(task, "", intOrNull(c, "width"), intOrNull(c, "height"), intOrNull(c, "frames"),
                    video ? SignalGrammar.FPS : null,
                    c.path("frameRef").isTextual() ? Plan.FrameRef.fromWireName(c.get("frameRef").textValue()) : null,
                    edit.isObject() ? new Plan.Edit(edit.path("mask").intValue(), edit.path("source").intValue()) : null,
                    c.path("reference").asBoolean(false), c.path("control").asBoolean(false), prepared.attachments(),
                    prepared.prompt(), null);
        } catch (PlanException e) {
            throw new PlanException(source + " case " + (index + 1) + " has a bad expectation: " + e.getMessage(), e);
        }
    }

    private static Integer intOrNull(JsonNode c, String field) {
        return c.path(field).isInt() ? c.get(field).intValue() : null;
    }

    /** Lower-case, trimmed, without final punctuation. */
    static String normalise(String answer) {
        return answer.strip().toLowerCase(Locale.ROOT).replaceAll("[.!?,;:]+$", "").strip();
    }
}
