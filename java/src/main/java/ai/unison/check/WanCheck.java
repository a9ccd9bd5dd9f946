package ai.unison.check;

import ai.unison.diffusion.wan.Probe;
import ai.unison.diffusion.wan.WanTransformer3DModel;
import ai.unison.diffusion.wan.WanVACETransformer3DModel;
import ai.unison.io.SafetensorsFile;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Wan transformer fixtures ({@code wan-tiny}: WanTransformer3DModel, {@code wan-vace-tiny}:
 * WanVACETransformer3DModel): every case's sample, plus each intermediate the fixture captured (rope
 * tables, patch embedding, condition embeddings, every block, VACE hints) to localise a mismatch.
 */
final class WanCheck implements FixtureCheck {
    @Override
    public String kind() {
        return "Wan transformer";
    }

    @Override
    public boolean accepts(Path dir) {
        String k = Fixtures.declaredKind(dir);
        return (k.equals("WanTransformer3DModel") || k.equals("WanVACETransformer3DModel"))
                && Files.isRegularFile(dir.resolve("model.safetensors"));
    }

    @Override
    public CheckReport run(Path dir) {
        String kind = Fixtures.declaredKind(dir);
        CheckReport report = new CheckReport(dir, kind);
        boolean vace = kind.equals("WanVACETransformer3DModel");
        Device cpu = new Device("cpu");
        try (SafetensorsFile inputs = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
             SafetensorsFile outputs = SafetensorsFile.open(dir.resolve("outputs.safetensors"));
             SafetensorsFile inter = SafetensorsFile.open(dir.resolve("intermediates.safetensors"))) {
            AutoCloseable model = vace
                    ? WanVACETransformer3DModel.load(dir.resolve("config.json"), dir.resolve("model.safetensors"),
                    DType.FLOAT32, cpu)
                    : WanTransformer3DModel.load(dir.resolve("config.json"), dir.resolve("model.safetensors"),
                    DType.FLOAT32, cpu);
            try (model) {
                for (String c : cases(inputs)) {
                    try (NativeScope scope = NativeScope.open()) {
                        List<Comparison> rows = new ArrayList<>();
                        Probe probe = (name, value) -> {
                            if (inter.contains(c + "." + name)) {
                                rows.add(Compare.allClose(c + "." + name, value, inter.tensor(c + "." + name)));
                            }
                        };
                        Tensor x = inputs.tensor(c + ".hidden_states");
                        Tensor t = inputs.tensor(c + ".timestep");
                        Tensor text = inputs.tensor(c + ".encoder_hidden_states");
                        Tensor out = vace
                                ? ((WanVACETransformer3DModel) model).forward(x, t, text,
                                inputs.tensor(c + ".control_hidden_states"),
                                toDoubles(inputs.tensor(c + ".control_hidden_states_scale")), probe)
                                : ((WanTransformer3DModel) model).forward(x, t, text, probe);
                        report.add(Compare.allClose(c + ".sample", out, outputs.tensor(c + ".sample")));
                        rows.forEach(report::add);
                    }
                }
            } catch (Exception e) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
        }
        return report;
    }

    /** Case names: the prefixes of the inputs' {@code <case>.hidden_states}. */
    static Set<String> cases(SafetensorsFile inputs) {
        Set<String> cases = new TreeSet<>();
        for (String n : inputs.names()) {
            if (n.endsWith(".hidden_states")) {
                cases.add(n.substring(0, n.length() - ".hidden_states".length()));
            }
        }
        return cases;
    }

    private static double[] toDoubles(Tensor t) {
        float[] f = Torch.toFloats(t);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
