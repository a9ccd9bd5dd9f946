package ai.unison.world;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** ShapesEval results: the mean score and item count of each category, and their unweighted mean. */
public record Report(Map<Category, Double> means, Map<Category, Integer> counts) {

    public Report {
        means = Collections.unmodifiableMap(new EnumMap<>(means));
        counts = Collections.unmodifiableMap(new EnumMap<>(counts));
        if (!means.keySet().equals(counts.keySet())) {
            throw new IllegalArgumentException("means and counts cover different categories");
        }
    }

    /** The unweighted mean of the category means (NaN for an empty report). */
    public double overall() {
        return means.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** One line per category, then the overall mean. */
    public String table() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-14s %6s %5s%n", "category", "score", "n"));
        means.forEach((c, mean) -> out.append(String.format(Locale.ROOT, "%-14s %6.3f %5d%n", c.id(), mean, counts.get(c))));
        out.append(String.format(Locale.ROOT, "%-14s %6.3f%n", "overall", overall()));
        return out.toString();
    }

    @Override
    public String toString() {
        return table();
    }
}
