package ai.unison.cli;

import ai.unison.api.PlanException;
import ai.unison.io.Json;
import ai.unison.plan.LmPlanner;
import ai.unison.plan.RequestText;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code unison plan "REQUEST" [--attach FILE]...} prints the request's Plan JSON and nothing else on
 * stdout; {@code unison plan --jsonl FILE} plans every line's {@code request} (+ {@code attachments})
 * in one batch and prints one line per input line, in order: the Plan JSON, or
 * {@code {"line":N,"error":"..."}}. Attachment files are never opened.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Plan a request with the planner model: print its Plan JSON (task, signal, size, frames, ...).")
final class PlanCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "REQUEST", description = "the request text (###path### attaches inline)")
    String request;

    @Option(names = "--attach", paramLabel = "FILE", description = "an attachment, appended in order (repeatable)")
    List<String> attach = new ArrayList<>();

    @Option(names = "--jsonl", paramLabel = "FILE", description = "plan every line's request instead; one JSON line out per line in")
    Path jsonl;

    @Option(names = "--planner", paramLabel = "DIR", description = "planner model folder (default: models/planner-tiny)")
    Path planner;

    @Option(names = "--answers", description = "generate understanding answers in full (default: stop at the plan)")
    boolean answers;

    @Option(names = "--batch", defaultValue = "32", description = "requests decoded together (default: ${DEFAULT-VALUE})")
    int batch;

    @picocli.CommandLine.Mixin
    RuntimeOptions runtime = new RuntimeOptions();

    /** The default planner folder under the checkout. */
    static Path defaultPlanner() {
        return Home.models().resolve("planner-tiny");
    }

    static LmPlanner open(Path dir, RuntimeOptions runtime, int batch) {
        Path d = dir != null ? dir : defaultPlanner();
        if (!Files.isRegularFile(d.resolve("config.json"))) {
            throw new IllegalArgumentException("no planner model in " + d + " (config.json not found); train one with"
                    + " './unison train planner' or pass --planner DIR");
        }
        return LmPlanner.open(d, runtime.dtype(), runtime.apply(), batch);
    }

    @Override
    public Integer call() {
        if ((request == null) == (jsonl == null)) {
            throw new IllegalArgumentException("give either a REQUEST or --jsonl FILE");
        }
        if (jsonl != null && !attach.isEmpty()) {
            throw new IllegalArgumentException("--attach goes with a REQUEST; in --jsonl files use 'attachments'");
        }
        List<String> lines = null;
        if (jsonl != null) {
            try {
                lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + jsonl + ": " + e.getMessage(), e);
            }
        }
        RequestText.Prepared single = request == null ? null : RequestText.prepare(request, attach);
        PrintStream out = System.out;
        try (LmPlanner p = open(planner, runtime, batch)) {
            if (single != null) {
                LmPlanner.Planned r = p.plan(List.of(single), answers).get(0);
                if (!r.ok()) {
                    throw new PlanException(r.error());
                }
                out.println(r.plan().toJson());
                return 0;
            }
            for (String line : planLines(p, lines, answers)) {
                out.println(line);
            }
            out.flush();
            return 0;
        }
    }

    /** One output line per input line: Plan JSON or an error object naming the 1-based line. */
    static List<String> planLines(LmPlanner planner, List<String> lines, boolean answers) {
        String[] out = new String[lines.size()];
        List<RequestText.Prepared> batch = new ArrayList<>();
        List<Integer> where = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            try {
                batch.add(parse(lines.get(i)));
                where.add(i);
            } catch (RuntimeException e) {
                out[i] = error(i + 1, e.getMessage());
            }
        }
        List<LmPlanner.Planned> planned = planner.plan(batch, answers);
        for (int k = 0; k < batch.size(); k++) {
            LmPlanner.Planned r = planned.get(k);
            out[where.get(k)] = r.ok() ? r.plan().toJson() : error(where.get(k) + 1, r.error());
        }
        return List.of(out);
    }

    private static RequestText.Prepared parse(String line) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject() || !node.path("request").isTextual()) {
            throw new IllegalArgumentException("lacks a string field 'request'");
        }
        List<String> attachments = new ArrayList<>();
        JsonNode a = node.path("attachments");
        if (!a.isMissingNode() && !a.isNull()) {
            if (!a.isArray()) {
                throw new IllegalArgumentException("'attachments' must be an array of paths");
            }
            for (JsonNode n : a) {
                if (!n.isTextual()) {
                    throw new IllegalArgumentException("'attachments' must be an array of paths");
                }
                attachments.add(n.textValue());
            }
        }
        return RequestText.prepare(node.get("request").textValue(), attachments);
    }

    private static String error(int line, String message) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("line", line);
        n.put("error", message == null ? "unknown error" : message);
        try {
            return Json.MAPPER.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }
}
