package ai.unison.check;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;

/** Element-wise comparison of an output against its reference, in float64. */
public final class Compare {
    /** Default tolerance for float32 fixtures: about 1e-4 relative. */
    public static final double RTOL = 1e-4;
    public static final double ATOL = 1e-5;

    private Compare() {
    }

    public static Comparison allClose(String name, Tensor actual, Tensor expected) {
        return allClose(name, actual, expected, RTOL, ATOL);
    }

    public static Comparison allClose(String name, Tensor actual, Tensor expected, double rtol, double atol) {
        long[] as = Torch.shape(actual);
        long[] es = Torch.shape(expected);
        if (!Arrays.equals(as, es)) {
            return new Comparison(name, Double.NaN, Double.NaN, rtol, atol, false,
                    "shape " + Arrays.toString(as) + " != expected " + Arrays.toString(es));
        }
        try (NativeScope scope = NativeScope.open()) {
            Tensor a = actual.to(ScalarType.Double).cpu();
            Tensor e = expected.to(ScalarType.Double).cpu();
            if (a.numel() == 0) {
                return new Comparison(name, 0, 0, rtol, atol, true, "empty");
            }
            Tensor diff = a.sub(e).abs();
            Tensor mag = e.abs();
            double maxAbs = diff.max().item_double();
            double maxRel = diff.div(mag.clamp_min(Torch.scalar(1e-12))).max().item_double();
            Tensor bound = mag.mul(Torch.scalar(rtol)).add(Torch.scalar(atol));
            boolean finite = torch.isfinite(a).all().item_bool() || !torch.isfinite(e).all().item_bool();
            boolean ok = finite && diff.le(bound).all().item_bool();
            return new Comparison(name, maxAbs, maxRel, rtol, atol, ok, finite ? "" : "non-finite values");
        }
    }
}
