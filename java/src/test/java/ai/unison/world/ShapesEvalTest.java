package ai.unison.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ShapesEvalTest {
    /** Square, small-square, landscape and portrait canvases; 4 × 50 = 200 examples per category. */
    private static final int[][] CANVASES = {{128, 128}, {96, 96}, {160, 96}, {96, 144}};
    private static final int PER_CANVAS = 50;

    /** A perfect model: answers each query with its example's target; draws captions by parsing them. */
    private static Function<Query, Media> oracle(Map<Query, Media> targets) {
        return q -> {
            Media known = targets.get(q);
            if (known != null) {
                return known;
            }
            return new Media.Image(Renderer.render(Captions.parse(q.text()), 128, 128));
        };
    }

    @Test
    void detectorScoresGroundTruthAtLeast99PercentInEveryCategory() {
        Map<Category, List<Example>> suite = new EnumMap<>(Category.class);
        Map<Query, Media> targets = new IdentityHashMap<>();
        for (Category c : Category.values()) {
            List<Example> all = new ArrayList<>();
            for (int[] canvas : CANVASES) {
                all.addAll(ShapesEval.sample(c, PER_CANVAS, 7L + canvas[0] * 1000L + canvas[1], canvas[0], canvas[1]));
            }
            all.forEach(e -> targets.put(e.query(), e.target()));
            suite.put(c, all);
        }
        Report report = ShapesEval.evaluate(suite, oracle(targets));
        System.out.println("ShapesEval on ground truth:\n" + report.table());
        for (Category c : Category.values()) {
            assertEquals(CANVASES.length * PER_CANVAS, report.counts().get(c), c.id());
            assertTrue(report.means().get(c) >= 0.99, c.id() + " scored " + report.means().get(c));
        }
    }
}
