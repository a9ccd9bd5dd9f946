package ai.unison.cli;

import ai.unison.io.Json;
import ai.unison.io.SafetensorsWriter;
import ai.unison.lm.BatchGenerator;
import ai.unison.lm.Generation;
import ai.unison.lm.GenerationOptions;
import ai.unison.lm.Qwen2;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import ai.unison.text.ChatTemplate;
import ai.unison.text.Tokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

@Command(name = "lm", mixinStandardHelpOptions = true, description = "Qwen2 language models: generate text, dump logits.",
        subcommands = {LmCommand.Generate.class, LmCommand.Logits.class})
final class LmCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** Options every lm subcommand shares (a picocli mixin). */
    static final class ModelOptions {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "model folder (config.json + safetensors)")
        Path model;

        @picocli.CommandLine.Mixin
        RuntimeOptions runtime = new RuntimeOptions();

        Qwen2 load() {
            return Qwen2.load(model, runtime.dtype(), runtime.apply());
        }
    }

    static long[] parseIds(String list) {
        String[] parts = list.split(",");
        long[] ids = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Long.parseLong(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--ids: '" + parts[i].trim() + "' is not a token id (expected e.g. 1,2,3)");
            }
        }
        return ids;
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Continue a prompt: text streams to stdout (ids when the model has no tokenizer); "
                    + "a summary goes to stderr.")
    static final class Generate implements Callable<Integer> {
        @Mixin
        ModelOptions common;

        static final class Input {
            @Option(names = "--prompt", required = true, description = "prompt text (needs tokenizer.json in the model folder)")
            String prompt;

            @Option(names = "--ids", required = true, description = "prompt token ids, e.g. 1,2,3")
            String ids;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Input input;

        @Option(names = "--chat", description = "wrap --prompt in the chat template as a user turn")
        boolean chat;

        @Option(names = "--max-new-tokens", defaultValue = "128", description = "default: ${DEFAULT-VALUE}")
        int maxNewTokens;

        @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default: ${DEFAULT-VALUE})")
        double temperature;

        @Option(names = "--top-k", defaultValue = "0", description = "0 = off")
        int topK;

        @Option(names = "--top-p", defaultValue = "1", description = "1 = off")
        double topP;

        @Option(names = "--min-p", defaultValue = "0", description = "0 = off")
        double minP;

        @Option(names = "--repetition-penalty", defaultValue = "1", description = "1 = off")
        double repetitionPenalty;

        @Option(names = "--seed", description = "sampling seed (default: random; printed in the summary)")
        Long seed;

        @Option(names = "--stop-id", split = ",", description = "stop token ids (default: the model's eos_token_id)")
        List<Long> stopIds;

        @Option(names = "--stop", description = "stop string (repeatable; needs a tokenizer)")
        List<String> stops = new ArrayList<>();

        @Option(names = "--logprobs", description = "print each token's id and log-probability after the text")
        boolean logprobs;

        @Override
        public Integer call() {
            Path dir = common.model;
            boolean hasTokenizer = Files.isRegularFile(dir.resolve("tokenizer.json"));
            try (Tokenizer tok = hasTokenizer ? Tokenizer.load(dir) : null; Qwen2 model = common.load()) {
                long[] prompt;
                if (input.prompt != null) {
                    if (tok == null) {
                        throw new IllegalArgumentException("--prompt needs " + dir.resolve("tokenizer.json")
                                + "; pass token ids with --ids instead");
                    }
                    prompt = tok.encode(chat ? ChatTemplate.user(input.prompt) : input.prompt);
                } else {
                    if (chat) {
                        throw new IllegalArgumentException("--chat applies to --prompt, not --ids");
                    }
                    prompt = parseIds(input.ids);
                }
                Set<Long> stop = new LinkedHashSet<>(stopIds != null ? stopIds : defaultStops(dir, model));
                if (chat && tok != null) {
                    tok.tokenId(ChatTemplate.IM_END).ifPresent(id -> stop.add(id.longValue()));
                }
                GenerationOptions.Builder b = GenerationOptions.builder().maxNewTokens(maxNewTokens)
                        .temperature(temperature).topK(topK).topP(topP).minP(minP)
                        .repetitionPenalty(repetitionPenalty).stopTokenIds(stop).stopStrings(stops).logprobs(logprobs);
                if (seed != null) {
                    b.seed(seed);
                }
                GenerationOptions options = b.build();
                PrintStream out = System.out;
                int context = (int) Math.min(model.maxPositions(), (long) prompt.length + maxNewTokens);
                long start = System.nanoTime();
                long[] firstToken = {0};
                Generation g;
                try (BatchGenerator gen = new BatchGenerator(model, 1, Math.max(context, 1),
                        tok == null ? null : ids -> tok.decode(ids, true))) {
                    CompletableFuture<Generation> f = gen.submit(prompt, options, (i, id, lp, text) -> {
                        if (i == 0) {
                            firstToken[0] = System.nanoTime();
                        }
                        if (text != null) {
                            out.print(text);
                            out.flush();
                        }
                    });
                    gen.run();
                    g = f.join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
                long end = System.nanoTime();
                if (tok != null) {
                    out.println();
                } else {
                    out.println(join(g.tokens()));
                }
                if (logprobs) {
                    for (int i = 0; i < g.tokens().length; i++) {
                        String piece = tok == null ? "" : "  " + Json.write(tok.decode(new long[]{g.tokens()[i]}, false));
                        out.printf(Locale.ROOT, "%4d  %8d  %10.4f%s%n", i, g.tokens()[i], g.logprobs()[i], piece);
                    }
                }
                double decodeS = (end - firstToken[0]) / 1e9;
                System.err.printf(Locale.ROOT, "[%d prompt tokens, %d new, finish %s, prefill %.2f s, decode %.1f tokens/s%s]%n",
                        prompt.length, g.tokens().length, g.reason().name().toLowerCase(Locale.ROOT),
                        (firstToken[0] - start) / 1e9, g.tokens().length > 1 ? (g.tokens().length - 1) / decodeS : 0.0,
                        options.isGreedy() ? "" : ", seed " + g.seed());
            }
            return 0;
        }

        private static List<Long> defaultStops(Path dir, Qwen2 model) {
            Path gen = dir.resolve("generation_config.json");
            if (Files.isRegularFile(gen)) {
                JsonNode e = Json.readTree(gen).path("eos_token_id");
                List<Long> out = new ArrayList<>();
                if (e.isNumber()) {
                    out.add(e.asLong());
                }
                e.forEach(x -> out.add(x.asLong()));
                if (!out.isEmpty()) {
                    return out;
                }
            }
            return model.config().eosTokenIds();
        }
    }

    @Command(name = "logits", mixinStandardHelpOptions = true,
            description = "Write the logits of one or more id sequences to a safetensors file: tensor 'logits' "
                    + "[batch, seq, vocab] float32; several --ids form a left-padded batch (also written: "
                    + "'input_ids' and 'attention_mask', 0 at padding).")
    static final class Logits implements Callable<Integer> {
        @Mixin
        ModelOptions common;

        @Option(names = "--ids", required = true, description = "token ids, e.g. 1,2,3 (repeat for a batch)")
        List<String> ids;

        @Option(names = "--out", required = true, paramLabel = "FILE.safetensors")
        Path out;

        @Option(names = "--pad-id", defaultValue = "0", description = "id written at padded positions (default: ${DEFAULT-VALUE})")
        long padId;

        @Override
        public Integer call() {
            List<long[]> rows = ids.stream().map(LmCommand::parseIds).toList();
            int width = rows.stream().mapToInt(r -> r.length).max().orElse(0);
            long[] flat = new long[rows.size() * width];
            long[] mask = new long[rows.size() * width];
            long[] pos = new long[rows.size() * width];
            for (int r = 0; r < rows.size(); r++) {
                long[] row = rows.get(r);
                int pad = width - row.length;
                for (int t = 0; t < width; t++) {
                    boolean real = t >= pad;
                    flat[r * width + t] = real ? row[t - pad] : padId;
                    mask[r * width + t] = real ? 1 : 0;
                    pos[r * width + t] = real ? t - pad : 1;   // as upstream: cumsum(mask) - 1, padding at 1
                }
            }
            try (Qwen2 model = common.load(); NativeScope scope = NativeScope.open()) {
                Tensor input = Torch.fromLongs(flat, rows.size(), width);
                Tensor attention = Torch.fromLongs(mask, rows.size(), width);
                Tensor logits = model.forwardLogits(input, attention, Torch.fromLongs(pos, rows.size(), width)).cpu();
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                tensors.put("logits", logits.contiguous());
                tensors.put("input_ids", input);
                tensors.put("attention_mask", attention);
                SafetensorsWriter.write(out, tensors, Map.of("model", common.model.toString(),
                        "dtype", common.runtime.dtype));
                System.out.println("wrote " + out + ": logits " + Torch.shapeString(logits));
            }
            return 0;
        }
    }

    private static String join(long[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            sb.append(i == 0 ? "" : ",").append(ids[i]);
        }
        return sb.toString();
    }
}
