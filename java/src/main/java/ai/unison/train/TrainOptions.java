package ai.unison.train;

import ai.unison.runtime.DType;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The options every {@code unison train MODEL} subcommand shares, as a picocli mixin. A subcommand sets
 * its own defaults by initialising the field, which picocli keeps and shows in the help:
 *
 * <pre>{@code
 * @Mixin TrainOptions train = new TrainOptions().out(Path.of("runs/planner")).steps(3000).lr(3e-4);
 * ...
 * TrainConfig config = train.config().build();
 * }</pre>
 */
public final class TrainOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "output folder: loss.csv, metrics.csv, checkpoints/")
    Path out;

    @Option(names = "--steps", paramLabel = "N", description = "optimizer steps (default: ${DEFAULT-VALUE})")
    long steps = 1000;

    @Option(names = "--batch", paramLabel = "N", description = "examples per step (default: ${DEFAULT-VALUE})")
    int batch = 8;

    @Option(names = "--lr", paramLabel = "LR", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double lr = 1e-3;

    @Option(names = "--warmup", paramLabel = "N", description = "linear warm-up steps (default: 5%% of --steps)")
    Long warmup;

    @Option(names = "--min-lr", paramLabel = "LR",
            description = "learning rate at the end of the cosine decay (default: --lr / 10)")
    Double minLr;

    @Option(names = "--weight-decay", paramLabel = "W",
            description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE})")
    double weightDecay = 0.01;

    @Option(names = "--clip", paramLabel = "NORM",
            description = "global gradient-norm clip, 0 for none (default: ${DEFAULT-VALUE})")
    double clip = 1.0;

    @Option(names = "--seed", paramLabel = "N",
            description = "seed of initialisation and data (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", paramLabel = "N",
            description = "libtorch threads, 0 for one per core (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--resume", description = "continue from the newest checkpoint in --out, if any")
    boolean resume;

    @Option(names = "--budget-minutes", paramLabel = "MIN",
            description = "stop cleanly and checkpoint after this much wall-clock time, 0 for no limit"
                    + " (default: ${DEFAULT-VALUE})")
    double budgetMinutes;

    @Option(names = "--log-every", paramLabel = "N",
            description = "steps between loss.csv rows (default: ${DEFAULT-VALUE})")
    int logEvery = 10;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
    int checkpointEvery = 500;

    @Option(names = "--ema", paramLabel = "DECAY",
            description = "keep an exponential moving average of the weights with this decay (e.g. 0.999): evaluations"
                    + " read it and the export is it; 0 for none (default: ${DEFAULT-VALUE})")
    double ema;

    @Option(names = "--dtype", paramLabel = "DTYPE",
            description = "dtype of the exported weights: bfloat16, float16 or float32"
                    + " (default: ${DEFAULT-VALUE})")
    String dtype = "bfloat16";

    public TrainOptions out(Path v) {
        out = v;
        return this;
    }

    public TrainOptions steps(long v) {
        steps = v;
        return this;
    }

    public TrainOptions batch(int v) {
        batch = v;
        return this;
    }

    public TrainOptions lr(double v) {
        lr = v;
        return this;
    }

    public TrainOptions warmup(long v) {
        warmup = v;
        return this;
    }

    public TrainOptions minLr(double v) {
        minLr = v;
        return this;
    }

    public TrainOptions weightDecay(double v) {
        weightDecay = v;
        return this;
    }

    public TrainOptions clip(double v) {
        clip = v;
        return this;
    }

    public TrainOptions seed(long v) {
        seed = v;
        return this;
    }

    public TrainOptions threads(int v) {
        threads = v;
        return this;
    }

    public TrainOptions budgetMinutes(double v) {
        budgetMinutes = v;
        return this;
    }

    public TrainOptions logEvery(int v) {
        logEvery = v;
        return this;
    }

    public TrainOptions checkpointEvery(int v) {
        checkpointEvery = v;
        return this;
    }

    public TrainOptions dtype(String v) {
        dtype = v;
        return this;
    }

    /** The dtype the trained weights are exported in. */
    public DType exportDType() {
        return DType.parse(dtype);
    }

    /** A config builder holding these options; a subcommand may adjust it (AdamW betas, ...) before {@code build()}. */
    public TrainConfig.Builder config() {
        if (out == null) {
            throw new IllegalArgumentException("--out is required: the folder for the loss curve and checkpoints");
        }
        TrainConfig.Builder b = TrainConfig.builder(out).steps(steps).batch(batch).seed(seed).lr(lr)
                .adamw(AdamW.Options.defaults().withWeightDecay(weightDecay)).clipNorm(clip).threads(threads)
                .resume(resume).logEvery(logEvery).checkpointEvery(checkpointEvery).ema(ema)
                .budget(budgetMinutes > 0 ? Duration.ofMillis(Math.round(budgetMinutes * 60_000)) : null);
        if (warmup != null) {
            b.warmup(warmup);
        }
        if (minLr != null) {
            b.minLr(minLr);
        }
        return b;
    }
}
