package ai.unison.train;

import ai.unison.cli.Main;
import ai.unison.runtime.DType;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainOptionsTest {
    /** A model's train subcommand as other packages write one: the shared options with its own defaults. */
    @Command(name = "toy")
    static final class ToyCommand implements Runnable {
        @Mixin
        TrainOptions train = new TrainOptions().out(Path.of("runs/toy")).steps(300).lr(3e-4);

        @Override
        public void run() {
        }
    }

    private static TrainOptions parse(String... args) {
        ToyCommand cmd = new ToyCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.train;
    }

    @Test
    void subcommandDefaultsHoldUntilOverridden() {
        TrainConfig cfg = parse().config().build();
        assertEquals(Path.of("runs/toy"), cfg.out());
        assertEquals(300, cfg.steps());
        assertEquals(3e-4, cfg.schedule().peak());
        assertEquals(15, cfg.schedule().warmup());
        assertEquals(3e-5, cfg.schedule().floor(), 1e-12);
        assertNull(cfg.budget());
        assertEquals(DType.BFLOAT16, parse().exportDType());
    }

    @Test
    void commandLineOptionsFillTheConfig() {
        TrainOptions o = parse("--out", "/tmp/run", "--steps", "50", "--batch", "4", "--lr", "0.01", "--warmup", "5",
                "--min-lr", "0.001", "--weight-decay", "0.1", "--clip", "0.5", "--seed", "9", "--threads", "2",
                "--resume", "--budget-minutes", "1.5", "--log-every", "2", "--checkpoint-every", "25",
                "--dtype", "float32", "--ema", "0.99");
        TrainConfig cfg = o.config().build();
        assertEquals(new TrainConfig(Path.of("/tmp/run"), 50, 4, 9, new LrSchedule(0.01, 5, 50, 0.001),
                new AdamW.Options(0.9, 0.999, 1e-8, 0.1), 0.5, 2, 25, 2, Duration.ofSeconds(90), 2, true, 0.99), cfg);
        assertEquals(DType.FLOAT32, o.exportDType());
    }

    @Test
    void outIsRequired() {
        ToyCommand cmd = new ToyCommand();
        cmd.train.out(null);
        String msg = assertThrows(IllegalArgumentException.class, () -> cmd.train.config()).getMessage();
        assertTrue(msg.startsWith("--out is required"), msg);
    }

    @Test
    void unisonTrainListsItsHelp() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.execute("train"));
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("Usage: unison train") && out.contains("resumable with --resume"), out);
    }
}
