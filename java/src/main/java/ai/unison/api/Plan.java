package ai.unison.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the planner decided for one request, with exactly the fields of PLAN.md's Plan JSON.
 *
 * <p>{@code width}/{@code height} are null when the request states no size, {@code frames} (N+1)
 * is null when it states no duration or frame count and for image and understanding plans,
 * {@code fps} is 24 for video plans and null otherwise. {@code signal} is the canonical signal
 * string; it is empty for understanding plans, whose text is {@code answer} (null when no answer
 * was generated).
 */
public record Plan(
        Task task,
        String signal,
        Integer width,
        Integer height,
        Integer frames,
        Integer fps,
        FrameRef frameRef,
        Edit edit,
        boolean reference,
        boolean control,
        List<Attachment> attachments,
        String prompt,
        String answer) {

    /** Which end of the video the attached image fixes. */
    public enum FrameRef {
        FIRST, LAST;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static FrameRef fromWireName(String name) {
            for (FrameRef ref : values()) {
                if (ref.wireName().equals(name)) {
                    return ref;
                }
            }
            throw new PlanException("Plan JSON field 'frameRef' must be \"first\", \"last\" or null, got \"" + name + "\"");
        }
    }

    /** Attachment indices of the mask and of the source being edited. */
    public record Edit(int mask, int source) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> FIELDS = List.of("task", "signal", "width", "height", "frames", "fps",
            "frameRef", "edit", "reference", "control", "attachments", "prompt", "answer");

    public Plan {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(prompt, "prompt");
        attachments = List.copyOf(attachments);
        if ((width == null) != (height == null)) {
            throw new PlanException("plan has width " + width + " but height " + height + "; give both or neither");
        }
        for (int i = 0; i < attachments.size(); i++) {
            if (attachments.get(i).index() != i) {
                throw new PlanException("attachment '" + attachments.get(i).path() + "' at position " + i
                        + " has index " + attachments.get(i).index());
            }
        }
        if (answer != null && !task.isUnderstanding()) {
            throw new PlanException("plan for " + task + " carries an answer; only understanding plans do");
        }
    }

    /** This plan as one line of Plan JSON, fields in PLAN.md's order; {@code answer} only when present. */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("task", task.wireName());
        root.put("signal", signal);
        root.put("width", width);
        root.put("height", height);
        root.put("frames", frames);
        root.put("fps", fps);
        root.put("frameRef", frameRef == null ? null : frameRef.wireName());
        if (edit == null) {
            root.putNull("edit");
        } else {
            ObjectNode e = root.putObject("edit");
            e.put("mask", edit.mask());
            e.put("source", edit.source());
        }
        root.put("reference", reference);
        root.put("control", control);
        ArrayNode list = root.putArray("attachments");
        for (Attachment a : attachments) {
            ObjectNode n = list.addObject();
            n.put("index", a.index());
            n.put("kind", a.kind().wireName());
            n.put("path", a.path());
        }
        root.put("prompt", prompt);
        if (answer != null) {
            root.put("answer", answer);
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    /** Reads Plan JSON as written by {@link #toJson()}; every field but {@code answer} is required. */
    public static Plan fromJson(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PlanException("Plan JSON is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new PlanException("Plan JSON must be an object, got " + (root == null ? "nothing" : root.getNodeType()));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                throw new PlanException("Plan JSON has unknown field '" + name + "'");
            }
        }
        String frameRef = optionalText(root, "frameRef");
        JsonNode edit = required(root, "edit");
        if (!edit.isNull() && !edit.isObject()) {
            throw new PlanException("Plan JSON field 'edit' must be an object or null, got " + edit);
        }
        JsonNode list = required(root, "attachments");
        if (!list.isArray()) {
            throw new PlanException("Plan JSON field 'attachments' must be an array, got " + list);
        }
        List<Attachment> attachments = new ArrayList<>();
        for (JsonNode a : list) {
            if (!a.isObject()) {
                throw new PlanException("Plan JSON attachment must be an object, got " + a);
            }
            attachments.add(new Attachment(requiredInt(a, "index"), Attachment.Kind.fromWireName(requiredText(a, "kind")),
                    requiredText(a, "path")));
        }
        return new Plan(
                Task.fromWireName(requiredText(root, "task")),
                requiredText(root, "signal"),
                optionalInt(root, "width"),
                optionalInt(root, "height"),
                optionalInt(root, "frames"),
                optionalInt(root, "fps"),
                frameRef == null ? null : FrameRef.fromWireName(frameRef),
                edit.isNull() ? null : new Edit(requiredInt(edit, "mask"), requiredInt(edit, "source")),
                requiredBoolean(root, "reference"),
                requiredBoolean(root, "control"),
                attachments,
                requiredText(root, "prompt"),
                root.has("answer") ? optionalText(root, "answer") : null);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new PlanException("Plan JSON lacks field '" + field + "'");
        }
        return value;
    }

    private static Integer optionalInt(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (value.isNull()) {
            return null;
        }
        if (!value.isInt()) {
            throw new PlanException("Plan JSON field '" + field + "' must be an integer or null, got " + value);
        }
        return value.intValue();
    }

    private static int requiredInt(JsonNode node, String field) {
        Integer value = optionalInt(node, field);
        if (value == null) {
            throw new PlanException("Plan JSON field '" + field + "' must be an integer, got null");
        }
        return value;
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new PlanException("Plan JSON field '" + field + "' must be a string or null, got " + value);
        }
        return value.textValue();
    }

    private static String requiredText(JsonNode node, String field) {
        String value = optionalText(node, field);
        if (value == null) {
            throw new PlanException("Plan JSON field '" + field + "' must be a string, got null");
        }
        return value;
    }

    private static boolean requiredBoolean(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isBoolean()) {
            throw new PlanException("Plan JSON field '" + field + "' must be true or false, got " + value);
        }
        return value.booleanValue();
    }
}
