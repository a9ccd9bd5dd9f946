package ai.unison.check;

import ai.unison.io.SafetensorsFile;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.text.UMT5EncoderModel;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The UMT5 encoder fixture ({@code umt5-tiny}): the last hidden state, every upstream hidden state and the
 * Wan pipeline's prompt embeddings (padding zeroed) for a right-padded batch.
 */
final class Umt5Check implements FixtureCheck {
    @Override
    public String kind() {
        return "UMT5EncoderModel";
    }

    @Override
    public boolean accepts(Path dir) {
        return Fixtures.declaredKind(dir).equals("UMT5EncoderModel") && Files.isRegularFile(dir.resolve("model.safetensors"));
    }

    @Override
    public CheckReport run(Path dir) {
        CheckReport report = new CheckReport(dir, kind());
        try (SafetensorsFile inputs = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
             SafetensorsFile outputs = SafetensorsFile.open(dir.resolve("outputs.safetensors"));
             UMT5EncoderModel model = UMT5EncoderModel.load(dir.resolve("config.json"),
                     dir.resolve("model.safetensors"), DType.FLOAT32, new Device("cpu"));
             NativeScope scope = NativeScope.open()) {
            Tensor ids = inputs.tensor("input_ids");
            Tensor mask = inputs.tensor("attention_mask");
            report.add(Compare.allClose("last_hidden_state", model.forward(ids, mask),
                    outputs.tensor("last_hidden_state")));
            List<Tensor> states = model.hiddenStates(ids, mask);
            for (int i = 0; i < states.size(); i++) {
                String name = "hidden_states." + i;
                if (outputs.contains(name)) {
                    report.add(Compare.allClose(name, states.get(i), outputs.tensor(name)));
                }
            }
            report.add(Compare.allClose("wan_prompt_embeds", model.promptEmbeds(ids, mask),
                    outputs.tensor("wan_prompt_embeds")));
        }
        return report;
    }
}
