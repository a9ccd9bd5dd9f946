package ai.unison.engine;

import ai.unison.api.Input;
import ai.unison.api.Overrides;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.Settings;
import ai.unison.api.Size;
import ai.unison.api.Timings;
import ai.unison.api.UnisonException;
import ai.unison.io.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The JSON written next to every output: id, status, the request, the plan, seed, requested and
 * executed size, settings, timings in milliseconds, model versions, the files written, and the
 * error of a failed request.
 */
final class Sidecar {
    private Sidecar() {
    }

    static ObjectNode success(String id, Integer line, Request request, Result result, List<String> outputs) {
        ObjectNode root = head(id, "ok", line, request);
        try {
            root.set("plan", Json.MAPPER.readTree(result.plan().toJson()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Plan.toJson wrote invalid JSON", e);
        }
        root.put("task", result.plan().task().wireName());
        root.put("seed", result.seed());
        size(root, "requested", result.requested());
        size(root, "executed", result.executed());
        Settings s = result.settings();
        if (s == null) {
            root.putNull("settings");
        } else {
            ObjectNode n = root.putObject("settings");
            n.put("steps", s.steps());
            n.put("guidance", s.guidance());
            n.put("scheduler", s.scheduler());
        }
        Timings t = result.timings();
        ObjectNode tn = root.putObject("timings");
        tn.put("queuedMs", ms(t.queued()));
        tn.put("planMs", ms(t.plan()));
        tn.put("encodeMs", ms(t.encode()));
        tn.put("denoiseMs", ms(t.denoise()));
        tn.put("decodeMs", ms(t.decode()));
        tn.put("totalMs", ms(t.total()));
        ObjectNode v = root.putObject("versions");
        for (Map.Entry<String, String> e : result.versions().entrySet()) {
            v.put(e.getKey(), e.getValue());
        }
        ArrayNode notes = root.putArray("notes");
        result.notes().forEach(notes::add);
        ArrayNode files = root.putArray("outputs");
        outputs.forEach(files::add);
        root.putNull("error");
        return root;
    }

    static ObjectNode failure(String id, Integer line, Request request, UnisonException.Reason reason, String message) {
        ObjectNode root = head(id, "failed", line, request);
        root.putArray("outputs");
        ObjectNode e = root.putObject("error");
        e.put("reason", reason.name());
        e.put("message", message);
        return root;
    }

    private static ObjectNode head(String id, String status, Integer line, Request request) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("id", id);
        root.put("status", status);
        if (line != null) {
            root.put("line", line);
        }
        if (request != null) {
            ObjectNode r = root.putObject("request");
            r.put("text", request.text());
            ArrayNode a = r.putArray("attachments");
            for (Input in : request.attachments()) {
                a.add(in.name());
            }
            Overrides o = request.overrides();
            ObjectNode on = r.putObject("overrides");
            if (o.seed() != null) {
                on.put("seed", o.seed());
            }
            if (o.steps() != null) {
                on.put("steps", o.steps());
            }
            if (o.guidance() != null) {
                on.put("guidance", o.guidance());
            }
            if (o.scheduler() != null) {
                on.put("scheduler", o.scheduler());
            }
            if (o.width() != null) {
                on.put("width", o.width());
                on.put("height", o.height());
            }
            if (o.frames() != null) {
                on.put("frames", o.frames());
            }
            if (o.timeout() != null) {
                on.put("timeoutSeconds", o.timeout().toMillis() / 1000.0);
            }
        }
        return root;
    }

    private static void size(ObjectNode root, String field, Size s) {
        if (s == null) {
            root.putNull(field);
            return;
        }
        ObjectNode n = root.putObject(field);
        n.put("width", s.width());
        n.put("height", s.height());
        n.put("frames", s.frames());
    }

    private static double ms(Duration d) {
        return Math.round(d.toNanos() / 1e4) / 100.0;
    }
}
