package ai.unison.check;

/**
 * One compared output: largest absolute and relative error and whether every element is within
 * {@code |actual - expected| <= atol + rtol * |expected|} (the rule of {@code torch.allclose}).
 */
public record Comparison(String name, double maxAbs, double maxRel, double rtol, double atol, boolean passed,
                         String note) {
    public static Comparison exact(String name, boolean equal, String note) {
        return new Comparison(name, equal ? 0 : Double.NaN, equal ? 0 : Double.NaN, 0, 0, equal, note);
    }
}
