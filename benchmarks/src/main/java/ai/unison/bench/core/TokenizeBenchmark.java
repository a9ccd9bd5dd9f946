package ai.unison.bench.core;

import ai.unison.bench.BenchPaths;
import ai.unison.runtime.Torch;
import ai.unison.text.Tokenizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Encoding 1 MB of text with the Qwen tokenizer (HF tokenizers, byte-level BPE), as one string. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class TokenizeBenchmark {
    private static final String[] WORDS = {"a", "large", "red", "circle", "moves", "to", "the", "right", "on",
        "gray", "background", "make", "video", "of", "seconds", "1280x720", "please", "square", "blue",
        "über", "naïve", "café", "你好", "世界", "🦊", "the", "and", "with", "frames", "triangle", "3"};
    private Tokenizer tokenizer;
    private String text;

    @Setup(Level.Trial)
    public void load() {
        Torch.load(); // first, so that it sets the OpenMP wait policy before libtorch loads
        tokenizer = Tokenizer.load(BenchPaths.fixtures().resolve("qwen-tokenizer"));
        SplittableRandom r = new SplittableRandom(0);
        StringBuilder sb = new StringBuilder();
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < (1 << 20)) {
            for (int i = 0; i < 1000; i++) {
                sb.append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(12) == 0 ? ".\n" : " ");
            }
        }
        text = sb.toString();
    }

    @TearDown(Level.Trial)
    public void close() {
        tokenizer.close();
    }

    @Benchmark
    public int encodeOneMegabyte() {
        return tokenizer.encode(text).length;
    }
}
