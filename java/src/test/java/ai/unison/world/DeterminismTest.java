package ai.unison.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeterminismTest {
    private final DataGenerator data = new DataGenerator(96, 96, List.of(1, 2));

    @Test
    void sameTaskAndSeedGiveTheSameExample() {
        for (WorldTask task : WorldTask.values()) {
            Example a = data.example(task, 42);
            Example b = new DataGenerator(96, 96, List.of(1, 2)).example(task, 42);
            assertEquals(a.query().text(), b.query().text(), task.id());
            assertEquals(a.query().attachments(), b.query().attachments(), task.id());
            assertEquals(a.target(), b.target(), task.id());
            assertEquals(a.signal(), b.signal(), task.id());
        }
    }

    @Test
    void differentSeedsGiveDifferentExamples() {
        for (WorldTask task : WorldTask.values()) {
            long distinct = java.util.stream.LongStream.range(0, 10)
                    .mapToObj(seed -> data.example(task, seed).query().text() + data.example(task, seed).target())
                    .distinct().count();
            assertNotEquals(1, distinct, task.id());
        }
    }

    @Test
    void evaluationPromptsAreAFunctionOfTheSeed() {
        for (Category c : Category.values()) {
            List<Example> a = ShapesEval.sample(c, 5, 9);
            List<Example> b = ShapesEval.sample(c, 5, 9);
            assertEquals(a.stream().map(e -> e.query().text()).toList(), b.stream().map(e -> e.query().text()).toList(), c.id());
            assertEquals(a.stream().map(Example::target).toList(), b.stream().map(Example::target).toList(), c.id());
        }
    }
}
