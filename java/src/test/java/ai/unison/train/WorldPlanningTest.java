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
    void theEvaluationSetCoversEveryTaskAndCategoryDeterministically() {
        List<PlanningData.Example> set = WorldPlanning.evalSet(2);
        assertEquals(2 * ai.unison.world.WorldTask.values().length + 2 * ai.unison.world.Category.values().length,
                set.size());
        assertEquals(set, WorldPlanning.evalSet(2));
        assertEquals(Task.values().length, set.stream().map(PlanningData.Example::task).distinct().count());
    }
}
