package ai.unison.check;

import ai.unison.diffusion.wan.AutoencoderKLWan;
import ai.unison.diffusion.wan.Probe;
import ai.unison.io.SafetensorsFile;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Wan VAE fixture ({@code wan-vae-tiny}): for the video and image cases the moments, posterior mean,
 * log-variance and std and the reconstruction from the mean; for the latent case the decoded video; plus
 * the chunked encoder outputs and unclamped decodes the fixture keeps as intermediates.
 */
final class WanVaeCheck implements FixtureCheck {
    @Override
    public String kind() {
        return "AutoencoderKLWan";
    }

    @Override
    public boolean accepts(Path dir) {
        return Fixtures.declaredKind(dir).equals("AutoencoderKLWan") && Files.isRegularFile(dir.resolve("model.safetensors"));
    }

    @Override
    public CheckReport run(Path dir) {
        CheckReport report = new CheckReport(dir, kind());
        try (SafetensorsFile inputs = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
             SafetensorsFile outputs = SafetensorsFile.open(dir.resolve("outputs.safetensors"));
             SafetensorsFile inter = SafetensorsFile.open(dir.resolve("intermediates.safetensors"));
             AutoencoderKLWan vae = AutoencoderKLWan.load(dir.resolve("config.json"), dir.resolve("model.safetensors"),
                     DType.FLOAT32, new Device("cpu"))) {
            for (String c : List.of("video", "image")) {
                if (!inputs.contains(c + ".x")) {
                    continue;
                }
                try (NativeScope scope = NativeScope.open()) {
                    List<Comparison> rows = new ArrayList<>();
                    Probe probe = probe(c, inter, rows, "decoded_preclamp", "recon_preclamp");
                    Tensor moments = vae.encodeMoments(inputs.tensor(c + ".x"), probe);
                    AutoencoderKLWan.LatentDistribution dist = vae.encode(inputs.tensor(c + ".x"));
                    Tensor recon = vae.decode(dist.mean(), probe);
                    report.add(Compare.allClose(c + ".moments", moments, outputs.tensor(c + ".moments")));
                    report.add(Compare.allClose(c + ".latent_mean", dist.mean(), outputs.tensor(c + ".latent_mean")));
                    report.add(Compare.allClose(c + ".latent_logvar", dist.logvar(), outputs.tensor(c + ".latent_logvar")));
                    report.add(Compare.allClose(c + ".latent_std", dist.std(), outputs.tensor(c + ".latent_std")));
                    report.add(Compare.allClose(c + ".recon", recon, outputs.tensor(c + ".recon")));
                    rows.forEach(report::add);
                }
            }
            if (inputs.contains("latent.z")) {
                try (NativeScope scope = NativeScope.open()) {
                    List<Comparison> rows = new ArrayList<>();
                    Tensor decoded = vae.decode(inputs.tensor("latent.z"),
                            probe("latent", inter, rows, "decoded_preclamp", "decoded_preclamp"));
                    report.add(Compare.allClose("latent.decoded", decoded, outputs.tensor("latent.decoded")));
                    rows.forEach(report::add);
                }
            }
        }
        return report;
    }

    /** Compares probe captures with the fixture's intermediates, renaming {@code ours} to {@code theirs}. */
    private static Probe probe(String c, SafetensorsFile inter, List<Comparison> rows, String ours, String theirs) {
        return (name, value) -> {
            String key = c + "." + (name.equals(ours) ? theirs : name);
            if (inter.contains(key)) {
                rows.add(Compare.allClose(key, value, inter.tensor(key)));
            }
        };
    }
}
