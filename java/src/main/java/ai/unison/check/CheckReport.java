package ai.unison.check;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What a fixture check found: one row per compared output. */
public final class CheckReport {
    private final Path dir;
    private final String kind;
    private final List<Comparison> rows = new ArrayList<>();

    public CheckReport(Path dir, String kind) {
        this.dir = dir;
        this.kind = kind;
    }

    public CheckReport add(Comparison c) {
        rows.add(c);
        return this;
    }

    public List<Comparison> rows() {
        return List.copyOf(rows);
    }

    public String kind() {
        return kind;
    }

    public boolean passed() {
        return !rows.isEmpty() && rows.stream().allMatch(Comparison::passed);
    }

    public List<Comparison> failures() {
        return rows.stream().filter(c -> !c.passed()).toList();
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("fixture ").append(dir).append(" (kind: ").append(kind).append(")\n");
        int w = Math.max(6, rows.stream().mapToInt(r -> r.name().length()).max().orElse(6));
        sb.append(String.format(Locale.ROOT, "  %-" + w + "s  %11s  %11s  %9s  %s%n", "output", "max abs", "max rel",
                "tolerance", "result"));
        for (Comparison c : rows) {
            String tol = c.rtol() == 0 && c.atol() == 0 ? "exact" : String.format(Locale.ROOT, "%.0e", Math.max(c.rtol(), c.atol()));
            sb.append(String.format(Locale.ROOT, "  %-" + w + "s  %11.3e  %11.3e  %9s  %s%s%n", c.name(), c.maxAbs(),
                    c.maxRel(), tol, c.passed() ? "ok" : "FAIL", c.note() == null || c.note().isEmpty() ? ""
                            : "  (" + c.note() + ")"));
        }
        sb.append(passed() ? "PASS" : "FAIL").append(": ").append(rows.size() - failures().size()).append('/')
                .append(rows.size()).append(" outputs within tolerance\n");
        return sb.toString();
    }
}
