package ai.unison.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
    @Test
    void overallIsTheUnweightedMeanOfTheCategories() {
        Report r = new Report(Map.of(Category.EDIT, 1.0, Category.COUNTING, 0.5), Map.of(Category.EDIT, 40, Category.COUNTING, 2));
        assertEquals(0.75, r.overall(), 1e-12);
    }

    @Test
    void tablePrintsEveryCategoryInOrderThenTheOverallMean() {
        Report r = new Report(Map.of(Category.EDIT, 1.0, Category.COUNTING, 0.5), Map.of(Category.EDIT, 40, Category.COUNTING, 2));
        assertEquals(String.join(System.lineSeparator(),
                "category        score     n",
                "counting        0.500     2",
                "edit            1.000    40",
                "overall         0.750", ""), r.table());
    }

    @Test
    void evaluateCoversEveryCategoryWithTheAskedCount() {
        Report r = ShapesEval.evaluate(2, 1, q -> new Media.Text("purple elephant"));
        assertEquals(Category.values().length, r.means().size());
        assertTrue(r.counts().values().stream().allMatch(n -> n == 2));
        assertEquals(0, r.overall());
    }
}
