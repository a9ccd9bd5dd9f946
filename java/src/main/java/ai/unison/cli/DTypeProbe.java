package ai.unison.cli;

import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/** Finds which compute dtypes actually run a matmul on each device. */
final class DTypeProbe {
    private DTypeProbe() {
    }

    static String describe(boolean cuda) {
        List<String> parts = new ArrayList<>();
        parts.add("cpu: " + probe("cpu"));
        if (cuda) {
            parts.add("cuda: " + probe("cuda"));
        }
        return String.join("; ", parts);
    }

    private static String probe(String device) {
        List<String> ok = new ArrayList<>();
        for (DType d : DType.values()) {
            try (NativeScope s = NativeScope.open()) {
                Tensor a = torch.ones(new long[]{4, 4}, Torch.options(d.scalarType())).to(new org.bytedeco.pytorch.Device(device), d.scalarType());
                torch.matmul(a, a).sum().item_float();
                ok.add(d.wireName());
            } catch (RuntimeException e) {
                // not supported on this device
            }
        }
        return String.join(", ", ok);
    }
}
