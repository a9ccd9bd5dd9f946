package ai.unison.train;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code unison train vae}: trains the tiny Wan VAE ({@link VaeTrainer}) on shapes-world images and
 * clips and, when all steps are done, exports it as the {@code vae/} component of {@code --export}.
 */
@Command(name = "vae", mixinStandardHelpOptions = true,
        description = "Train the tiny Wan VAE (AutoencoderKLWan) on shapes-world images and clips; export to"
                + " EXPORT/vae with measured latents_mean/latents_std.")
public final class VaeTrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    TrainOptions train = new TrainOptions().out(Path.of("runs/vae")).steps(3000).batch(4).lr(1e-3)
            .checkpointEvery(200).dtype("float32");

    @Option(names = "--export", paramLabel = "DIR",
            description = "the pipeline folder whose vae/ the finished model becomes (default: models/wan-vace-tiny)")
    Path export;

    @Option(names = "--base-dim", paramLabel = "N", description = "VAE base width (default: ${DEFAULT-VALUE})")
    int baseDim = 16;

    @Option(names = "--z-dim", paramLabel = "N", description = "latent channels (default: ${DEFAULT-VALUE})")
    int zDim = 16;

    @Option(names = "--spatial-factor", paramLabel = "F",
            description = "spatial compression, 8 (Wan2.1's layout) or 4 (one level fewer) (default: ${DEFAULT-VALUE})")
    int spatialFactor = 8;

    @Option(names = "--clip-crop", paramLabel = "PX", description = "side of a clip window's random crop (default: ${DEFAULT-VALUE})")
    int clipCrop = VaeTrainer.Options.defaults().clipCrop();

    @Option(names = "--max-clip-k", paramLabel = "K",
            description = "clip windows have 1 + 4k frames, k uniform in 1..K (default: ${DEFAULT-VALUE})")
    int maxClipK = VaeTrainer.Options.defaults().maxClipK();

    @Option(names = "--image-fraction", paramLabel = "P", description = "share of image steps (default: ${DEFAULT-VALUE})")
    double imageFraction = VaeTrainer.Options.defaults().imageFraction();

    @Option(names = "--kl", paramLabel = "W", description = "KL weight (default: ${DEFAULT-VALUE})")
    double kl = VaeTrainer.Options.defaults().klWeight();

    @Option(names = "--object-weight", paramLabel = "W",
            description = "extra reconstruction weight of object pixels, 0 for a plain mean (default: ${DEFAULT-VALUE})")
    double objectWeight = VaeTrainer.Options.defaults().objectWeight();

    @Option(names = "--decoder-from", paramLabel = "DIR",
            description = "fine-tune only the decoder of this exported VAE (config.json + weights): the encoder is frozen,"
                    + " so its latents, latents_mean/std and any generator trained on them stay valid")
    Path decoderFrom;

    @Option(names = "--latent-noise", paramLabel = "S",
            description = "with --decoder-from: each example's latent gets noise of sigma x latents_std, sigma uniform"
                    + " in [0, S] (default: ${DEFAULT-VALUE})")
    double latentNoise = 0;

    @Option(names = "--eval-every", paramLabel = "N", description = "steps between PSNR evaluations (default: ${DEFAULT-VALUE})")
    int evalEvery = 250;

    @Override
    public Integer call() {
        Path dir = (export != null ? export
                : Path.of(System.getProperty("unison.home", ".")).toAbsolutePath().normalize()
                        .resolve("models/wan-vace-tiny")).resolve("vae");
        String command = "./unison " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        VaeTrainer.Options d = VaeTrainer.Options.defaults();
        if (decoderFrom == null && latentNoise != 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--latent-noise needs --decoder-from (it trains"
                    + " a decoder against a frozen encoder)");
        }
        if (!(latentNoise >= 0 && latentNoise <= VaeTrainer.MAX_LATENT_NOISE)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--latent-noise must be in [0, "
                    + (int) VaeTrainer.MAX_LATENT_NOISE + "], got " + latentNoise);
        }
        if (decoderFrom != null) {
            for (String fixed : List.of("--base-dim", "--z-dim", "--spatial-factor", "--kl")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(fixed)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), fixed + " cannot be combined with"
                            + " --decoder-from: the architecture and encoder come from " + decoderFrom);
                }
            }
        }
        VaeTrainer.Options o = new VaeTrainer.Options(d.size(), imageFraction, clipCrop, maxClipK, kl, objectWeight,
                latentNoise);
        TrainResult r = decoderFrom != null
                ? VaeTrainer.fineTuneDecoder(train.config().build(), decoderFrom, o, dir, train.exportDType(), evalEvery,
                        command.strip(), System.out)
                : VaeTrainer.train(train.config().build(), VaeTrainer.config(baseDim, zDim, 1, spatialFactor), o, dir,
                        train.exportDType(), evalEvery, command.strip(), System.out);
        System.out.println(r.finished() ? "VAE exported to " + dir : "stopped at step " + r.step() + "; continue with --resume");
        return 0;
    }
}
