package ai.unison.plan;

import ai.unison.api.Task;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A seeded generator of planning examples (request text, attachments, expected planner output)
 * for all twelve tasks, for training and evaluating the planner.
 *
 * <p>Each example comes from a template of one task, filled with slot values: shapes-world and
 * general content, every phrasing of PLAN.md's normalisation table and more (units, number words,
 * word orders, politeness, casing, typos in the template's own words, numbers that are no sizes).
 * Attachments are written inline as {@code ###path###}, given separately (the JSONL
 * {@code attachments}, appended after inline ones as {@link RequestText} does), or mixed; edit
 * indices follow. An image edit without a mask uses the source's index for both M and S, as a video
 * edit does. Every fourth template of each task is held out ({@link Split#HELDOUT}), so that a planner
 * can be evaluated on phrasings it never saw.
 *
 * <p>Understanding examples carry their answer as the signal where the text determines it
 * ("how many frames is 2 seconds at 24 fps?" gives {@code 48}); where the answer depends on the
 * attached image or video the signal is {@link #ANSWER_PLACEHOLDER} and {@code question} says what
 * is asked (kind, shape, colour, ...), for the caller who renders the attachment to fill in.
 */
public final class PlanningData {

    /** The signal of an understanding example whose answer depends on its attachment. */
    public static final String ANSWER_PLACEHOLDER = "{answer}";

    public enum Split {
        TRAIN, HELDOUT;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One example.
     *
     * @param request     the request text, inline references included
     * @param attachments paths given separately, in order
     * @param signal      the expected planner output
     * @param question    what an understanding example asks about its attachment; empty otherwise
     */
    public record Example(String request, List<String> attachments, String signal, Task task, String template, Split split,
                          Map<String, String> question) {

        public Example {
            attachments = List.copyOf(attachments);
            question = Map.copyOf(question);
        }

        /** One JSONL line: request, attachments, signal, task, template, split (and question when set). */
        public String toJsonLine() {
            ObjectNode node = MAPPER.createObjectNode();
            node.put("request", request);
            attachments.forEach(node.putArray("attachments")::add);
            node.put("signal", signal);
            node.put("task", task.wireName());
            node.put("template", template);
            node.put("split", split.wireName());
            if (!question.isEmpty()) {
                ObjectNode q = node.putObject("question");
                new TreeMap<>(question).forEach(q::put);
            }
            try {
                return MAPPER.writeValueAsString(node);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write a JSON tree", e);
            }
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private PlanningData() {}

    /**
     * {@code n} examples from seed {@code seed}, tasks drawn uniformly, templates uniformly within a
     * task; only templates of {@code only} when it is not null. The same arguments give the same list.
     */
    public static List<Example> generate(int n, long seed, Split only) {
        Random random = new Random(seed);
        Map<Task, List<Template>> byTask = new LinkedHashMap<>();
        for (Task task : Task.values()) {
            byTask.put(task, new ArrayList<>());
        }
        for (Template t : PlanningTemplates.ALL) {
            if (only == null || t.split() == only) {
                byTask.get(t.task()).add(t);
            }
        }
        List<Example> examples = new ArrayList<>(n);
        Task[] tasks = Task.values();
        for (int i = 0; i < n; i++) {
            List<Template> candidates = byTask.get(tasks[random.nextInt(tasks.length)]);
            Template template = candidates.get(random.nextInt(candidates.size()));
            examples.add(template.render(new Random(random.nextLong())));
        }
        return examples;
    }

    /** Writes {@link #generate} to a JSONL file, one example a line. */
    public static void write(Path file, int n, long seed, Split only) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Example e : generate(n, seed, only)) {
                out.write(e.toJsonLine());
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** {@code PlanningData OUT.jsonl N [SEED] [train|heldout|all]}. */
    public static void main(String[] args) {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: PlanningData OUT.jsonl N [SEED] [train|heldout|all]");
            System.exit(2);
        }
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 0;
        String split = args.length > 3 ? args[3] : "all";
        Split only = switch (split) {
            case "train" -> Split.TRAIN;
            case "heldout" -> Split.HELDOUT;
            case "all" -> null;
            default -> throw new IllegalArgumentException("split must be train, heldout or all, got " + split);
        };
        write(Path.of(args[0]), Integer.parseInt(args[1]), seed, only);
    }

    /** All templates, for tests. */
    static List<Template> templates() {
        return PlanningTemplates.ALL;
    }

    /** A template: an id such as {@code t2i/03}, its task and split, and what it writes. */
    record Template(String id, Task task, Split split, Consumer<PlanningDraft> body) {
        Example render(Random random) {
            PlanningDraft d = new PlanningDraft(task, random);
            body.accept(d);
            return d.finish(this);
        }
    }
}
