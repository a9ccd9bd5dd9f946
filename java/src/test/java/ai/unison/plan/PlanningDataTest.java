package ai.unison.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.api.Plan;
import ai.unison.api.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanningDataTest {

    private static final List<PlanningData.Example> EXAMPLES = PlanningData.generate(6000, 11, null);

    private static Plan plan(PlanningData.Example e) {
        RequestText.Prepared p = RequestText.prepare(e.request(), e.attachments());
        return SignalGrammar.toPlan(e.signal(), p.attachments(), p.prompt());
    }

    @Test
    void sameSeedGivesSameExamples() {
        assertEquals(PlanningData.generate(300, 5, null), PlanningData.generate(300, 5, null));
        assertNotEquals(PlanningData.generate(300, 5, null), PlanningData.generate(300, 6, null));
    }

    @Test
    void everyExamplePlansToItsOwnTaskWithinLimits() {
        for (PlanningData.Example e : EXAMPLES) {
            Plan plan = plan(e);
            assertEquals(e.task(), plan.task(), e.toJsonLine());
            PlanLimits.DEFAULTS.validate(plan);
        }
    }

    @Test
    void everyTemplateRendersAndPlans() {
        Random random = new Random(3);
        for (PlanningData.Template t : PlanningData.templates()) {
            for (int i = 0; i < 40; i++) {
                PlanningData.Example e = t.render(new Random(random.nextLong()));
                assertEquals(t.task(), plan(e).task(), e.toJsonLine());
                assertEquals(t.id(), e.template());
            }
        }
    }

    @Test
    void normaliserReadsTheSameSizeFramesAndFrameReferenceAsTheLabels() {
        int checked = 0;
        for (PlanningData.Example e : EXAMPLES) {
            if (e.task().isUnderstanding()) {
                continue;
            }
            Plan plan = plan(e);
            MetaNormalizer.Meta meta = MetaNormalizer.read(e.request());
            assertEquals(plan.width(), meta.width(), e.toJsonLine());
            assertEquals(plan.height(), meta.height(), e.toJsonLine());
            Integer token = plan.frames() == null ? null : plan.frames() - 1;
            assertEquals(token, meta.frameToken(), e.toJsonLine());
            if (e.task() == Task.IMAGE_TO_VIDEO) {
                Plan.FrameRef read = meta.frameRef() == null ? Plan.FrameRef.FIRST : meta.frameRef();
                assertEquals(plan.frameRef(), read, e.toJsonLine());
            }
            checked++;
        }
        assertTrue(checked > 4000, "checked " + checked);
    }

    @Test
    void templatesOfEachTaskAreSplitIntoTrainAndHeldOut() {
        Set<String> ids = new HashSet<>();
        Map<Task, int[]> counts = new EnumMap<>(Task.class);
        for (PlanningData.Template t : PlanningData.templates()) {
            assertTrue(ids.add(t.id()), "duplicate " + t.id());
            counts.computeIfAbsent(t.task(), k -> new int[2])[t.split().ordinal()]++;
        }
        assertEquals(Task.values().length, counts.size());
        counts.forEach((task, c) -> {
            assertTrue(c[0] >= 8, task + " has " + c[0] + " train templates");
            assertTrue(c[1] >= 3, task + " has " + c[1] + " held-out templates");
        });
    }

    @Test
    void splitSelectionKeepsHeldOutTemplatesOutOfTraining() {
        Set<String> train = new HashSet<>();
        PlanningData.generate(30000, 2, PlanningData.Split.TRAIN).forEach(e -> {
            assertEquals(PlanningData.Split.TRAIN, e.split());
            train.add(e.template());
        });
        Set<String> heldOut = new HashSet<>();
        PlanningData.generate(15000, 2, PlanningData.Split.HELDOUT).forEach(e -> heldOut.add(e.template()));
        assertFalse(heldOut.isEmpty());
        heldOut.forEach(id -> assertFalse(train.contains(id), id));
        assertEquals(PlanningData.templates().size(), train.size() + heldOut.size(), "every template is used");
    }

    @Test
    void coversEveryTaskAndAttachmentStyle() {
        Set<Task> tasks = new HashSet<>();
        int inline = 0, separate = 0, mixed = 0;
        for (PlanningData.Example e : EXAMPLES) {
            tasks.add(e.task());
            boolean hasInline = e.request().contains("###");
            boolean hasSeparate = !e.attachments().isEmpty();
            inline += hasInline && !hasSeparate ? 1 : 0;
            separate += !hasInline && hasSeparate ? 1 : 0;
            mixed += hasInline && hasSeparate ? 1 : 0;
        }
        assertEquals(Task.values().length, tasks.size());
        assertTrue(inline > 1000 && separate > 1000 && mixed > 20, inline + " " + separate + " " + mixed);
    }

    @Test
    void numbersThatAreNoSizesOrDurationsAppear() {
        long distractors = EXAMPLES.stream()
                .filter(e -> !e.task().isUnderstanding() && e.request().replaceAll("###.*?###", "").matches(".*\\d.*")
                        && !e.signal().contains("<BORES>") && !e.signal().contains("<BONF>"))
                .count();
        assertTrue(distractors > 50, "only " + distractors);
    }

    @Test
    void textQuestionsCarryComputedAnswers() {
        Pattern seconds = Pattern.compile("how many frames is (\\w+) seconds? at 24 fps");
        List<String> words = List.of("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten");
        int checked = 0;
        PlanningData.Template framesOfSeconds = template("tu/00");
        for (int seed = 0; seed < 200; seed++) {
            PlanningData.Example e = framesOfSeconds.render(new Random(seed));
            Matcher m = seconds.matcher(e.request().toLowerCase());
            if (m.find()) {
                String n = m.group(1);
                int value = n.matches("\\d+") ? Integer.parseInt(n) : words.indexOf(n) + 1;
                assertEquals(Integer.toString(24 * value), e.signal(), e.request());
                checked++;
            }
        }
        assertTrue(checked > 20, "checked " + checked);
        PlanningData.Example sides = render("tu/07", 1);
        assertEquals(sides.request().toLowerCase().contains("triangle") ? "3" : sides.request().toLowerCase().contains("square") ? "4" : "0",
                sides.signal());
    }

    @Test
    void attachmentQuestionsSayWhatTheyAsk() {
        for (PlanningData.Example e : EXAMPLES) {
            if (e.task() == Task.IMAGE_UNDERSTANDING || e.task() == Task.VIDEO_UNDERSTANDING) {
                assertEquals(PlanningData.ANSWER_PLACEHOLDER, e.signal());
                assertTrue(e.question().containsKey("kind"), e.toJsonLine());
            } else if (e.signal().equals(PlanningData.ANSWER_PLACEHOLDER)) {
                assertEquals(Task.TEXT_UNDERSTANDING, e.task(), e.toJsonLine());
                assertEquals(Map.of("kind", "open"), e.question(), e.toJsonLine());
            } else {
                assertTrue(e.question().isEmpty());
            }
        }
        PlanningData.Example relation = render("iu/05", 4);
        assertEquals("relation", relation.question().get("kind"));
        assertEquals("left", relation.question().get("relation"));
        assertTrue(relation.request().contains(relation.question().get("colour") + " " + relation.question().get("shape")));
    }

    @Test
    void editIndicesFollowOrderOfMention() {
        PlanningData.Template maskFirst = template("edit/08");
        for (int seed = 0; seed < 50; seed++) {
            PlanningData.Example e = maskFirst.render(new Random(seed));
            Plan plan = plan(e);
            String maskPath = plan.attachments().get(plan.edit().mask()).path();
            assertTrue(maskPath.contains("mask") || maskPath.contains("region"), e.toJsonLine());
            assertNotEquals(plan.edit().mask(), plan.edit().source());
        }
    }

    @Test
    void writesJsonLinesWithTheDocumentedFields(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("plans.jsonl");
        PlanningData.write(file, 50, 9, null);
        List<String> lines = Files.readAllLines(file);
        assertEquals(50, lines.size());
        List<PlanningData.Example> expected = PlanningData.generate(50, 9, null);
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n = mapper.readTree(lines.get(i));
            PlanningData.Example e = expected.get(i);
            assertEquals(e.request(), n.get("request").textValue());
            List<String> attachments = new ArrayList<>();
            n.get("attachments").forEach(a -> attachments.add(a.textValue()));
            assertEquals(e.attachments(), attachments);
            assertEquals(e.signal(), n.get("signal").textValue());
            assertEquals(e.task().wireName(), n.get("task").textValue());
            assertEquals(e.template(), n.get("template").textValue());
            assertEquals(e.split().wireName(), n.get("split").textValue());
            assertEquals(!e.question().isEmpty(), n.has("question"));
        }
    }

    private static PlanningData.Template template(String id) {
        return PlanningData.templates().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    private static PlanningData.Example render(String id, long seed) {
        return template(id).render(new Random(seed));
    }
}
