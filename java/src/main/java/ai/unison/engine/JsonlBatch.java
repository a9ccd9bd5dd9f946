package ai.unison.engine;

import ai.unison.api.BatchOptions;
import ai.unison.api.Listener;
import ai.unison.api.Attachment;
import ai.unison.api.Overrides;
import ai.unison.api.PlanException;
import ai.unison.api.Priority;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.UnisonException;
import ai.unison.io.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resumable batch from a JSONL file. Each non-blank line is
 * {@code {"id": "...", "request": "...", "attachments": [...], ...overrides}} (overrides: seed,
 * steps, guidance, scheduler, size "WxH" or width and height, frames, timeout in seconds, priority
 * "interactive"/"batch"; relative attachment paths are read from the file's folder; a missing id is
 * {@code line-N}). Results go to the output folder as {@link Outputs}; a line that cannot be read
 * fails alone, with its line number. A request whose sidecar already says ok is skipped, so a run
 * that was interrupted is finished by running it again; failed requests are retried.
 * {@code summary.json} is written at the end.
 */
public final class JsonlBatch {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})\\s*[x×]\\s*(\\d{1,5})");
    private static final Set<String> FIELDS = Set.of("id", "request", "attachments", "seed", "steps", "guidance",
            "scheduler", "size", "width", "height", "frames", "timeout", "priority");

    /** One line: its number, its id (null when unreadable), the request, or why it cannot run. */
    public record Entry(int line, String id, Request request, String error) {}

    /** A failed line: its number, id (may be null), reason and message. */
    public record Failure(int line, String id, String reason, String message) {}

    /**
     * What one run did: {@code total} lines, of which {@code succeeded} and {@code failed} ran (or
     * could not be read) now and {@code skipped} had succeeded before.
     */
    public record Report(int total, int succeeded, int skipped, int failed, Duration elapsed, List<Failure> failures,
                         Path summary) {
        public double itemsPerSecond() {
            double s = elapsed.toNanos() / 1e9;
            return s > 0 ? (succeeded + failed) / s : 0;
        }
    }

    /** Hears about progress on the thread that runs the batch. */
    public interface Progress {
        Progress NONE = new Progress() {
            @Override
            public void start(int total) {
            }

            @Override
            public void finished(String id, String error) {
            }
        };

        /** {@code total}: the lines this run will process (all but the skipped ones). */
        void start(int total);

        /** One line is done; {@code error} is null when it succeeded. */
        void finished(String id, String error);
    }

    private final Path file;
    private final Outputs outputs;
    private final List<Entry> entries;
    private final List<Entry> toRun = new ArrayList<>();
    private final List<Entry> invalid = new ArrayList<>();
    private final int skipped;

    JsonlBatch(Path file, Outputs outputs) {
        this.file = file;
        this.outputs = outputs;
        this.entries = read(file);
        outputs.removePartials();
        int done = 0;
        for (Entry e : entries) {
            if (e.error() != null) {
                invalid.add(e);
            } else if (outputs.done(e.id())) {
                done++;
            } else {
                toRun.add(e);
            }
        }
        this.skipped = done;
    }

    /** Reads {@code file}, checks which of its requests are already done in {@code outDir}, and cleans up after an interrupted run. */
    public static JsonlBatch open(Path file, Path outDir) {
        return new JsonlBatch(file, Outputs.in(outDir));
    }

    /** True when some request still has to run (lines that cannot be read need no engine). */
    public boolean needsEngine() {
        return !toRun.isEmpty();
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * Runs the requests not done yet through {@code submit}, writing each one's outputs as it
     * finishes, then {@code summary.json}.
     */
    public Report run(Function<Request, CompletableFuture<Result>> submit, BatchOptions options, Progress progress) {
        long start = System.nanoTime();
        progress.start(toRun.size() + invalid.size());
        List<Failure> failures = new ArrayList<>();
        for (Entry e : invalid) {
            failures.add(new Failure(e.line(), e.id(), UnisonException.Reason.INVALID.name(), e.error()));
            if (e.id() != null && !duplicate(e)) {
                outputs.writeFailure(e.id(), e.line(), null, UnisonException.Reason.INVALID, e.error());
            }
            progress.finished(e.id() != null ? e.id() : "line " + e.line(), e.error());
        }
        int[] succeeded = {0};
        List<Request> requests = new ArrayList<>();
        for (Entry e : toRun) {
            requests.add(e.request());
        }
        Batches.run(submit, requests, options, new Listener() {
            @Override
            public void onResult(int index, Request request, Result result) {
                Entry e = toRun.get(index);
                try {
                    outputs.write(e.id(), e.line(), request, result);
                } catch (RuntimeException ex) {
                    onFailure(index, request, new UnisonException(UnisonException.Reason.FAILED,
                            "request " + e.id() + " ran but writing its outputs failed: " + Failures.message(ex), ex));
                    return;
                }
                succeeded[0]++;
                progress.finished(e.id(), null);
            }

            @Override
            public void onFailure(int index, Request request, UnisonException error) {
                Entry e = toRun.get(index);
                failures.add(new Failure(e.line(), e.id(), error.reason().name(), error.getMessage()));
                outputs.writeFailure(e.id(), e.line(), request, error.reason(), error.getMessage());
                progress.finished(e.id(), error.getMessage());
            }
        });
        failures.sort((a, b) -> Integer.compare(a.line(), b.line()));
        Report report = new Report(entries.size(), succeeded[0], skipped, failures.size(),
                Duration.ofNanos(System.nanoTime() - start), failures, outputs.dir().resolve("summary.json"));
        try {
            outputs.writeJson("summary.json", summary(report));
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write summary.json in " + outputs.dir() + ": " + ex.getMessage(), ex);
        }
        return report;
    }

    private boolean duplicate(Entry e) {
        return e.error().startsWith("duplicate id");
    }

    private ObjectNode summary(Report r) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("input", file.toAbsolutePath().normalize().toString());
        root.put("out", outputs.dir().toAbsolutePath().normalize().toString());
        root.put("total", r.total());
        root.put("succeeded", r.succeeded());
        root.put("skipped", r.skipped());
        root.put("failed", r.failed());
        root.put("elapsedSeconds", Math.round(r.elapsed().toMillis()) / 1000.0);
        root.put("itemsPerSecond", Math.round(r.itemsPerSecond() * 1000) / 1000.0);
        Map<String, Integer> byReason = new TreeMap<>();
        for (Failure f : r.failures()) {
            byReason.merge(f.reason(), 1, Integer::sum);
        }
        ObjectNode reasons = root.putObject("failuresByReason");
        byReason.forEach(reasons::put);
        ArrayNode list = root.putArray("failures");
        for (Failure f : r.failures()) {
            ObjectNode n = list.addObject();
            n.put("line", f.line());
            n.put("id", f.id());
            n.put("reason", f.reason());
            n.put("error", f.message());
        }
        return root;
    }

    /** Reads every line of a JSONL file; lines that cannot be read become entries with an error. */
    static List<Entry> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UnisonException(UnisonException.Reason.INVALID, "cannot read " + file + ": " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        List<Entry> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            Entry e = parse(i + 1, lines.get(i), base);
            if (e.error() == null) {
                Integer first = seen.putIfAbsent(e.id(), e.line());
                if (first != null) {
                    e = new Entry(e.line(), e.id(), null, "duplicate id '" + e.id() + "' (first used on line " + first + ")");
                }
            }
            out.add(e);
        }
        return out;
    }

    /** Reads one line; {@code base} resolves relative attachment paths. */
    static Entry parse(int line, String text, Path base) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return new Entry(line, null, null, "line " + line + ": invalid JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            return new Entry(line, null, null, "line " + line + ": expected a JSON object, got "
                    + (n == null ? "nothing" : n.getNodeType().name().toLowerCase(Locale.ROOT)));
        }
        String id = "line-" + line;
        JsonNode idNode = n.get("id");
        if (idNode != null) {
            if (!idNode.isTextual() && !idNode.isIntegralNumber()) {
                return new Entry(line, null, null, "line " + line + ": field 'id' must be a string or an integer, got " + idNode);
            }
            id = idNode.asText();
            if (!ID.matcher(id).matches() || id.equals("summary")) {
                return new Entry(line, null, null, "line " + line + ": id '" + id + "' cannot name output files: "
                        + (id.equals("summary") ? "it is reserved for summary.json" : "use letters, digits, '.', '_' and '-' "
                        + "(at most 128, not starting with '.', '_' or '-')"));
            }
        }
        try {
            return new Entry(line, id, request(n, id, base), null);
        } catch (IllegalArgumentException | PlanException e) {
            return new Entry(line, id, null, "line " + line + " (id " + id + "): " + e.getMessage());
        }
    }

    private static Request request(JsonNode n, String id, Path base) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("unknown field '" + f + "'; known: " + String.join(", ", FIELDS.stream().sorted().toList()));
            }
        }
        JsonNode text = n.get("request");
        if (text == null || !text.isTextual()) {
            throw new IllegalArgumentException("field 'request' must be the request's text, got " + (text == null ? "nothing" : text));
        }
        Request.Builder b = Request.builder(text.textValue()).id(id);
        JsonNode att = n.get("attachments");
        if (att != null) {
            if (!att.isArray()) {
                throw new IllegalArgumentException("field 'attachments' must be an array of paths, got " + att);
            }
            for (JsonNode a : att) {
                if (!a.isTextual()) {
                    throw new IllegalArgumentException("field 'attachments' must hold paths, got " + a);
                }
                Attachment.kindOf(a.textValue());
                b.attach(base.resolve(a.textValue()));
            }
        }
        Integer width = integer(n, "width");
        Integer height = integer(n, "height");
        JsonNode size = n.get("size");
        if (size != null) {
            Matcher m = size.isTextual() ? SIZE.matcher(size.textValue().strip()) : null;
            if (m == null || !m.matches()) {
                throw new IllegalArgumentException("field 'size' must be \"WIDTHxHEIGHT\" such as \"640x480\", got " + size);
            }
            if (width != null) {
                throw new IllegalArgumentException("give 'size' or 'width' and 'height', not both");
            }
            width = Integer.parseInt(m.group(1));
            height = Integer.parseInt(m.group(2));
        }
        Duration timeout = null;
        JsonNode t = n.get("timeout");
        if (t != null) {
            if (!t.isNumber() || !(t.doubleValue() > 0)) {
                throw new IllegalArgumentException("field 'timeout' must be a positive number of seconds, got " + t);
            }
            timeout = Duration.ofNanos((long) (t.doubleValue() * 1e9));
        }
        JsonNode g = n.get("guidance");
        if (g != null && !g.isNumber()) {
            throw new IllegalArgumentException("field 'guidance' must be a number, got " + g);
        }
        JsonNode seed = n.get("seed");
        if (seed != null && !seed.canConvertToLong()) {
            throw new IllegalArgumentException("field 'seed' must be an integer, got " + seed);
        }
        JsonNode scheduler = n.get("scheduler");
        if (scheduler != null && !scheduler.isTextual()) {
            throw new IllegalArgumentException("field 'scheduler' must be a name, got " + scheduler);
        }
        b.overrides(new Overrides(seed == null ? null : seed.longValue(), integer(n, "steps"),
                g == null ? null : g.doubleValue(), scheduler == null ? null : scheduler.textValue(),
                width, height, integer(n, "frames"), timeout));
        JsonNode p = n.get("priority");
        if (p != null) {
            String name = p.asText().toUpperCase(Locale.ROOT);
            if (!p.isTextual() || !Set.of("INTERACTIVE", "BATCH").contains(name)) {
                throw new IllegalArgumentException("field 'priority' must be \"interactive\" or \"batch\", got " + p);
            }
            b.priority(Priority.valueOf(name));
        }
        return b.build();
    }

    private static Integer integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isInt()) {
            throw new IllegalArgumentException("field '" + field + "' must be an integer, got " + v);
        }
        return v.intValue();
    }
}
