package ai.unison.train;

import ai.unison.text.Tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.ToIntFunction;

/** The tokenizer folder of a training run ({@code OUT/tokenizer}), shared by the trainers that write their own. */
final class RunTokenizer {
    private RunTokenizer() {
    }

    /**
     * The tokenizer already in {@code out/tokenizer} (a resumed run keeps its own), else the one {@code write}
     * writes into that folder; returns its vocabulary size.
     */
    static int of(Path out, ToIntFunction<Path> write) {
        Path dir = out.resolve("tokenizer");
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            return write.applyAsInt(dir);
        }
        try (Tokenizer t = Tokenizer.load(dir)) {
            return t.size();
        }
    }
}
