package ai.unison.check;

import ai.unison.io.Json;
import ai.unison.io.SafetensorsFile;
import ai.unison.lm.BatchGenerator;
import ai.unison.lm.Generation;
import ai.unison.lm.GenerationOptions;
import ai.unison.lm.Qwen2;
import ai.unison.nn.Attention;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A {@code Qwen2ForCausalLM} fixture (any Qwen2 config): {@code forward.safetensors} — logits and every
 * hidden state of a batch with a left-padded row, compared where the attention mask is 1, plus the
 * padded row run alone — and {@code generate.safetensors} — greedy continuations with the KV cache,
 * alone and as a batch, token for token, with the logits of every step.
 */
final class Qwen2Check implements FixtureCheck {
    @Override
    public String kind() {
        return "Qwen2ForCausalLM";
    }

    @Override
    public boolean accepts(Path dir) {
        return Fixtures.declaredKind(dir).equals(kind()) && Files.isRegularFile(dir.resolve("forward.safetensors"))
                && Files.isRegularFile(dir.resolve("generate.safetensors"));
    }

    @Override
    public CheckReport run(Path dir) {
        CheckReport report = new CheckReport(dir, kind());
        try (Qwen2 model = Qwen2.load(dir, DType.FLOAT32, new Device("cpu"))) {
            checkForward(model, dir.resolve("forward.safetensors"), report);
            checkGenerate(model, dir, report);
        }
        return report;
    }

    private static void checkForward(Qwen2 model, Path file, CheckReport report) {
        try (NativeScope scope = NativeScope.open(); SafetensorsFile f = SafetensorsFile.open(file)) {
            Tensor ids = f.tensor("input_ids");
            Tensor mask = f.tensor("attention_mask");
            Tensor positions = f.tensor("position_ids");
            List<Tensor> hidden = new ArrayList<>();
            Tensor last = model.forward(model.embed(ids), positions, Attention.Mask.padded(mask), null, hidden);
            Tensor logits = model.logits(last);
            Tensor valid = validRows(mask);
            long n = valid.size(0);
            report.add(Compare.allClose("logits (" + n + " unpadded positions)", rows(logits, valid),
                    rows(f.tensor("logits"), valid)));
            Tensor expectedHidden = f.tensor("hidden_states");
            for (int i = 0; i < hidden.size(); i++) {
                String what = i == 0 ? "embeddings" : i == hidden.size() - 1 ? "after model.norm" : "input of layer " + i;
                report.add(Compare.allClose("hidden_states[" + i + "] (" + what + ")", rows(hidden.get(i), valid),
                        rows(expectedHidden.select(0, i), valid)));
            }
            // the left-padded row alone, unpadded, must give the same logits
            long[] maskRow = Torch.toLongs(mask.select(0, 1));
            long pads = Arrays.stream(maskRow).filter(m -> m == 0).count();
            Tensor alone = ids.select(0, 1).narrow(0, pads, maskRow.length - pads).unsqueeze(0);
            Tensor aloneLogits = model.forwardLogits(alone, null, null).select(0, 0);
            report.add(Compare.allClose("logits of the padded row run alone", aloneLogits,
                    f.tensor("logits").select(0, 1).narrow(0, pads, maskRow.length - pads)));
        }
    }

    private static void checkGenerate(Qwen2 model, Path dir, CheckReport report) {
        JsonNode gen = Json.readTree(dir.resolve("generation_config.json"));
        HashSet<Long> eos = new HashSet<>();
        JsonNode e = gen.path("eos_token_id");
        if (e.isNumber()) {
            eos.add(e.asLong());
        }
        e.forEach(x -> eos.add(x.asLong()));
        try (NativeScope scope = NativeScope.open(); SafetensorsFile f = SafetensorsFile.open(dir.resolve("generate.safetensors"))) {
            Tensor sequences = f.tensor("sequences");
            Tensor prompt = f.tensor("prompt_ids");
            int newTokens = (int) (sequences.size(1) - prompt.size(1));
            GenerationOptions greedy = GenerationOptions.builder().maxNewTokens(newTokens).stopTokenIds(eos)
                    .outputLogits(true).build();
            long[] promptIds = Torch.toLongs(prompt);
            Generation alone = BatchGenerator.generate(model, promptIds, greedy);
            long[] expected = Torch.toLongs(sequences.select(0, 0).narrow(0, promptIds.length, newTokens));
            report.add(tokens("greedy tokens, alone", alone.tokens(), expected));
            report.add(Compare.allClose("greedy step logits, alone", stack(alone.logits()), f.tensor("step_logits")));

            Tensor batchPrompts = f.tensor("batch_prompt_ids");
            Tensor batchMask = f.tensor("batch_attention_mask");
            Tensor batchSequences = f.tensor("batch_sequences");
            int rows = (int) batchPrompts.size(0);
            int width = (int) batchPrompts.size(1);
            List<CompletableFuture<Generation>> futures = new ArrayList<>();
            int batchNew = (int) (batchSequences.size(1) - width);
            GenerationOptions batchGreedy = greedy.toBuilder().maxNewTokens(batchNew).build();
            try (BatchGenerator g = new BatchGenerator(model, rows, Math.min(model.maxPositions(), width + batchNew))) {
                for (int r = 0; r < rows; r++) {
                    futures.add(g.submit(unpadded(batchPrompts.select(0, r), batchMask.select(0, r)), batchGreedy));
                }
                g.run();
            }
            for (int r = 0; r < rows; r++) {
                Generation got = futures.get(r).join();
                long[] want = Torch.toLongs(batchSequences.select(0, r).narrow(0, width, batchNew));
                report.add(tokens("greedy tokens, batch row " + r, got.tokens(), want));
                report.add(Compare.allClose("greedy step logits, batch row " + r, stack(got.logits()),
                        f.tensor("batch_step_logits").select(0, r)));
            }
        }
    }

    private static Comparison tokens(String name, long[] actual, long[] expected) {
        boolean same = Arrays.equals(actual, expected);
        String note = same ? actual.length + " ids" : "got " + Arrays.toString(actual) + ", expected "
                + Arrays.toString(expected);
        return Comparison.exact(name + " (" + expected.length + ")", same, note);
    }

    private static long[] unpadded(Tensor ids, Tensor mask) {
        long[] all = Torch.toLongs(ids);
        long[] m = Torch.toLongs(mask);
        return java.util.stream.IntStream.range(0, all.length).filter(i -> m[i] != 0).mapToLong(i -> all[i]).toArray();
    }

    /** Flat indices of the positions whose attention mask is 1. */
    private static Tensor validRows(Tensor mask) {
        return torch.nonzero(mask.reshape(-1)).reshape(-1);
    }

    /** [B, T, ...] → the valid positions' rows. */
    private static Tensor rows(Tensor t, Tensor valid) {
        return t.reshape(t.size(0) * t.size(1), -1).index_select(0, valid);
    }

    private static Tensor stack(float[][] steps) {
        TensorVector v = new TensorVector();
        for (float[] s : steps) {
            v.push_back(Torch.fromFloats(s, s.length));
        }
        return torch.stack(v);
    }
}
