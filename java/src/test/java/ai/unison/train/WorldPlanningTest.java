package ai.unison.train;

import ai.unison.api.Task;
import ai.unison.plan.PlanningData;
import ai.unison.plan.SignalGrammar;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorldPlanningTest {
    @Test
    void worldExamplesCarryTheWorldsSignalsAndAttachmentsAndMixDeterministically() {
        List<PlanningData.Example> world = WorldPlanning.examples(120, 5);
        assertEquals(120, world.size());
        assertEquals(world, WorldPlanning.examples(120, 5), "same seed, same examples");
        assertTrue(world.stream().anyMatch(e -> e.template().startsWith("world/")));
        assertTrue(world.stream().anyMatch(e -> e.template().startsWith("shapes-eval/")));
        assertTrue(world.stream().map(PlanningData.Example::task).collect(Collectors.toSet()).size() >= 10,
                "tasks drawn across the twelve");
        for (PlanningData.Example e : world) {
            assertFalse(e.request().isBlank());
            if (e.task().isUnderstanding()) {
                boolean onAttachment = e.task() != Task.TEXT_UNDERSTANDING;
                assertEquals(onAttachment, e.signal().equals(PlanningData.ANSWER_PLACEHOLDER), e.toString());
                assertEquals(onAttachment, !e.attachments().isEmpty(), e.toString());
            } else {
                SignalGrammar.parse(e.signal()); // a generation signal the grammar accepts
                assertEquals(e.task() != Task.TEXT_TO_IMAGE && e.task() != Task.TEXT_TO_VIDEO, !e.attachments().isEmpty(),
                        e.toString());
            }
            for (int i = 0; i < e.attachments().size(); i++) {
                assertTrue(e.attachments().get(i).matches("attachment" + i + "\\.(png|mp4)"), e.attachments().toString());
            }
        }

        assertEquals(PlanningData.generate(16, 9, PlanningData.Split.TRAIN), WorldPlanning.mix(16, 9, 0));
        List<PlanningData.Example> mixed = WorldPlanning.mix(16, 9, 0.25);
        assertEquals(16, mixed.size());
        assertEquals(4, mixed.stream().filter(e -> e.template().startsWith("world/")
                || e.template().startsWith("shapes-eval/")).count(), "a quarter from the world");
        assertThrows(IllegalArgumentException.class, () -> WorldPlanning.mix(16, 9, 1.5));
    }

    @Test
    void textQuestionsAreAnsweredInThePlanWithoutAttachments() {
        List<PlanningData.Example> qs = WorldPlanning.textQuestions(200, 3);
        assertEquals(200, qs.size());
        assertEquals(qs, WorldPlanning.textQuestions(200, 3), "same seed, same questions");
        assertTrue(WorldPlanning.textQuestions(0, 3).isEmpty());
        for (PlanningData.Example e : qs) {
            assertEquals(Task.TEXT_UNDERSTANDING, e.task());
            assertTrue(e.attachments().isEmpty(), e.toString());
            assertFalse(e.signal().isBlank() || e.signal().equals(PlanningData.ANSWER_PLACEHOLDER), e.toString());
        }
        java.util.regex.Pattern sum = java.util.regex.Pattern.compile("what is (\\d) plus (\\d)\\?");
        List<PlanningData.Example> sums = qs.stream().filter(e -> sum.matcher(e.request()).matches()).toList();
        assertFalse(sums.isEmpty(), "some sums of two digits among 200 questions");
        for (PlanningData.Example e : sums) {
            java.util.regex.Matcher m = sum.matcher(e.request());
            assertTrue(m.matches());
            assertEquals(Integer.toString(Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2))), e.signal());
        }
    }

    @Test
    void aBatchMixNamesWhatDoesNotFit() {
        new VlPlannerTrainer.Mix(8, 2, 0.25).check(16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new VlPlannerTrainer.Mix(8, 9, 0.25).check(16));
        assertTrue(e.getMessage().contains("text-question share (9)") && e.getMessage().contains("batch size 16"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new VlPlannerTrainer.Mix(-1, 0, 0).check(16));
        assertThrows(IllegalArgumentException.class, () -> new VlPlannerTrainer.Mix(1, 0, 2).check(16));
        IllegalArgumentException video = assertThrows(IllegalArgumentException.class,
                () -> new VlPlannerTrainer.Mix(8, 2, 0.25, 1.5).check(16));
        assertTrue(video.getMessage().contains("video share") && video.getMessage().contains("1.5"), video.getMessage());
    }

    @Test
    void theVideoShareSetsHowManyVisionExamplesAreVideoQuestions() {
        ai.unison.world.DataGenerator world = new ai.unison.world.DataGenerator(64, 64, List.of(1));
        int[] videos = new int[3];
        double[] shares = {0, VlPlannerTrainer.Mix.EVEN_VIDEO, 1};
        for (int k = 0; k < shares.length; k++) {
            for (long seed = 0; seed < 40; seed++) {
                ai.unison.world.Example e = VlPlannerTrainer.understanding(world, seed, shares[k]);
                if (e.task() == ai.unison.world.WorldTask.VIDEO_UNDERSTANDING) {
                    videos[k]++;
                } else {
                    assertEquals(ai.unison.world.WorldTask.IMAGE_UNDERSTANDING, e.task());
                }
            }
        }
        assertEquals(0, videos[0]);
        assertEquals(20, videos[1], "the even split keeps the seed's parity (odd seeds: video)");
        assertEquals(40, videos[2]);
        assertEquals(VlPlannerTrainer.understanding(world, 7, VlPlannerTrainer.Mix.EVEN_VIDEO).query(),
                VlPlannerTrainer.understanding(world, 7).query());
    }

    @Test
    void theEvaluationSetCoversEveryTaskAndCategoryDeterministically() {
        List<PlanningData.Example> set = WorldPlanning.evalSet(2);
        assertEquals(2 * ai.unison.world.WorldTask.values().length + 2 * ai.unison.world.Category.values().length,
                set.size());
        assertEquals(set, WorldPlanning.evalSet(2));
        assertEquals(Task.values().length, set.stream().map(PlanningData.Example::task).distinct().count());
    }
}
