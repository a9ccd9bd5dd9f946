package ai.unison.check;

import ai.unison.diffusion.schedulers.DDIMScheduler;
import ai.unison.diffusion.schedulers.NoiseSource;
import ai.unison.diffusion.schedulers.Scheduler;
import ai.unison.diffusion.schedulers.Schedulers;
import ai.unison.io.Json;
import ai.unison.io.SafetensorsFile;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import com.fasterxml.jackson.databind.JsonNode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Scheduler trajectories: the {@code schedulers/<case>} folders (one case each, or the parent folder
 * for all of them) and the {@code unipc-flow} folder (several cases sharing {@code inputs.safetensors}).
 * For every case: the timesteps exactly, the sigmas, and the sample trajectory both free-running (the
 * fixture's toy model fed with our own samples) and step by step (each step from the reference sample
 * and model output, in order, so that multistep history is the reference's too).
 */
final class SchedulerCheck implements FixtureCheck {
    private static final Pattern FLOW_CASE = Pattern.compile("(.+)_n(\\d+)\\.safetensors");
    /** Schedule values are float32 computed from the same doubles: they agree to an ulp or two. */
    private static final double SCHEDULE_RTOL = 1e-6;
    private static final double SCHEDULE_ATOL = 1e-7;

    @Override
    public String kind() {
        return "scheduler";
    }

    @Override
    public boolean accepts(Path dir) {
        return isCase(dir) || isFlowFolder(dir) || !cases(dir).isEmpty();
    }

    private static boolean isCase(Path dir) {
        return Files.isRegularFile(dir.resolve("scheduler_config.json"))
                && Files.isRegularFile(dir.resolve("trajectory.safetensors"));
    }

    private static boolean isFlowFolder(Path dir) {
        return Files.isRegularFile(dir.resolve("inputs.safetensors")) && !flowCases(dir).isEmpty();
    }

    private static List<Path> cases(Path dir) {
        if (!Files.isDirectory(dir) || isCase(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(SchedulerCheck::isCase).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<Path> flowCases(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> FLOW_CASE.matcher(p.getFileName().toString()).matches()
                    && Files.isRegularFile(flowConfig(p))).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Path flowConfig(Path caseFile) {
        Matcher m = FLOW_CASE.matcher(caseFile.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(caseFile.toString());
        }
        return caseFile.resolveSibling("scheduler_config_" + m.group(1) + ".json");
    }

    @Override
    public CheckReport run(Path dir) throws IOException {
        CheckReport report = new CheckReport(dir, kind());
        if (isCase(dir)) {
            checkCase(dir, dir.getFileName().toString(), report);
        } else if (isFlowFolder(dir)) {
            for (Path f : flowCases(dir)) {
                checkFlowCase(dir, f, report);
            }
        } else {
            for (Path c : cases(dir)) {
                checkCase(c, c.getFileName().toString(), report);
            }
        }
        return report;
    }

    /** A {@code schedulers/<case>} folder: config, expected.json and trajectory.safetensors. */
    private static void checkCase(Path dir, String name, CheckReport report) {
        JsonNode expected = Json.readTree(dir.resolve("expected.json"));
        int steps = expected.path("num_inference_steps").asInt();
        JsonNode setKwargs = expected.path("set_timesteps_kwargs");
        JsonNode stepKwargs = expected.path("step_kwargs");
        try (NativeScope scope = NativeScope.open();
             Scheduler s = Schedulers.fromConfig(dir.resolve("scheduler_config.json"));
             SafetensorsFile traj = SafetensorsFile.open(dir.resolve("trajectory.safetensors"))) {
            for (Iterator<String> it = stepKwargs.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (k.equals("eta") && s instanceof DDIMScheduler ddim) {
                    ddim.setEta(stepKwargs.get(k).asDouble());
                } else {
                    throw new IllegalArgumentException(dir + ": unexpected step kwarg '" + k + "'");
                }
            }
            Runnable schedule = () -> {
                if (setKwargs.has("mu")) {
                    s.setTimesteps(steps, setKwargs.get("mu").asDouble());
                } else {
                    s.setTimesteps(steps);
                }
            };
            schedule.run();
            report.add(exact(name + " timesteps", s.timesteps(), Torch.toFloats(traj.tensor("timesteps")),
                    Torch.toLongs(traj.tensor("timesteps")), traj.info("timesteps").dtype().name()));
            if (traj.contains("sigmas")) {
                report.add(Compare.allClose(name + " sigmas", float32(s.sigmas()), traj.tensor("sigmas"),
                        SCHEDULE_RTOL, SCHEDULE_ATOL));
            }
            if (traj.contains("alphas_cumprod") && s instanceof DDIMScheduler ddim) {
                report.add(Compare.allClose(name + " alphas_cumprod", float32(ddim.alphasCumprod()),
                        traj.tensor("alphas_cumprod"), SCHEDULE_RTOL, SCHEDULE_ATOL));
            }
            double sigma0 = expected.path("init_noise_sigma").asDouble();
            report.add(Compare.allClose(name + " init_noise_sigma", float32(new double[] {s.initNoiseSigma()}),
                    float32(new double[] {sigma0}), SCHEDULE_RTOL, SCHEDULE_ATOL));

            Tensor eps = traj.tensor("eps_fixed");
            Tensor noises = traj.contains("step_noises") ? traj.tensor("step_noises") : null;
            double[] ts = s.timesteps();
            // free-running: the fixture's toy model on our own samples
            Tensor sample = traj.tensor("initial_noise").mul(Torch.scalar(s.initNoiseSigma()));
            List<Tensor> samples = new ArrayList<>(List.of(sample));
            List<Tensor> inputs = new ArrayList<>();
            for (int i = 0; i < ts.length; i++) {
                Tensor in = s.scaleModelInput(sample, ts[i]);
                Tensor out = in.mul(Torch.scalar(0.1)).add(eps);
                inputs.add(in);
                sample = s.step(out, ts[i], sample, recorded(noises, i));
                samples.add(sample);
            }
            report.add(Compare.allClose(name + " model_inputs", stack(inputs), traj.tensor("model_inputs")));
            report.add(Compare.allClose(name + " samples (free-running)", stack(samples), traj.tensor("samples")));
            if (noises != null && expected.hasNonNull("generator_seed")) {
                // the same run drawing its step noise from our seeded generator instead of the recording
                schedule.run();
                try (Rng rng = new Rng(expected.get("generator_seed").asLong())) {
                    Tensor x = samples.get(0);
                    for (double t : ts) {
                        Tensor out = s.scaleModelInput(x, t).mul(Torch.scalar(0.1)).add(eps);
                        x = s.step(out, t, x, NoiseSource.of(rng));
                    }
                    report.add(Compare.allClose(name + " final sample (seeded generator)", x,
                            traj.tensor("samples").select(0, ts.length)));
                }
            }
            // step by step from the reference samples and model outputs
            schedule.run();
            Tensor refSamples = traj.tensor("samples");
            Tensor refOutputs = traj.tensor("model_outputs");
            List<Tensor> stepped = new ArrayList<>();
            for (int i = 0; i < ts.length; i++) {
                stepped.add(s.step(refOutputs.select(0, i), ts[i], refSamples.select(0, i), recorded(noises, i)));
            }
            report.add(Compare.allClose(name + " samples (step by step)", stack(stepped),
                    refSamples.narrow(0, 1, ts.length)));
        }
    }

    /** A {@code unipc-flow} case file {@code <config>_n<steps>.safetensors}. */
    private static void checkFlowCase(Path dir, Path caseFile, CheckReport report) {
        Matcher m = FLOW_CASE.matcher(caseFile.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(caseFile.toString());
        }
        String name = m.group(1) + "_n" + m.group(2);
        int steps = Integer.parseInt(m.group(2));
        try (NativeScope scope = NativeScope.open();
             Scheduler s = Schedulers.fromConfig(flowConfig(caseFile));
             SafetensorsFile inputs = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
             SafetensorsFile ref = SafetensorsFile.open(caseFile)) {
            s.setTimesteps(steps);
            report.add(exact(name + " timesteps", s.timesteps(), Torch.toFloats(ref.tensor("timesteps")),
                    Torch.toLongs(ref.tensor("timesteps")), ref.info("timesteps").dtype().name()));
            report.add(Compare.allClose(name + " sigmas", float32(s.sigmas()), ref.tensor("sigmas"),
                    SCHEDULE_RTOL, SCHEDULE_ATOL));
            Tensor noise = inputs.tensor("noise_b");
            Tensor sample = inputs.tensor("initial_sample");
            double[] ts = s.timesteps();
            List<Tensor> samples = new ArrayList<>(List.of(sample));
            for (double t : ts) {
                Tensor out = sample.mul(Torch.scalar(0.1)).add(noise);
                sample = s.step(out, t, sample);
                samples.add(sample);
            }
            report.add(Compare.allClose(name + " samples (free-running)", stack(samples), ref.tensor("samples")));
            s.setTimesteps(steps);
            Tensor refSamples = ref.tensor("samples");
            Tensor refOutputs = ref.tensor("model_outputs");
            List<Tensor> stepped = new ArrayList<>();
            for (int i = 0; i < ts.length; i++) {
                stepped.add(s.step(refOutputs.select(0, i), ts[i], refSamples.select(0, i)));
            }
            report.add(Compare.allClose(name + " samples (step by step)", stack(stepped),
                    refSamples.narrow(0, 1, ts.length)));
        }
    }

    /** Euler-ancestral's recorded step noise, instead of re-implementing torch's generator. */
    private static NoiseSource recorded(Tensor noises, int step) {
        return noises == null ? NoiseSource.none() : like -> noises.select(0, step);
    }

    private static Comparison exact(String name, double[] actual, float[] expectedF, long[] expectedL, String dtype) {
        boolean integral = dtype.startsWith("I") || dtype.startsWith("U");
        if (actual.length != expectedF.length) {
            return Comparison.exact(name, false, actual.length + " values, expected " + expectedF.length);
        }
        double maxAbs = 0;
        double maxRel = 0;
        for (int i = 0; i < actual.length; i++) {
            double e = integral ? expectedL[i] : expectedF[i];
            double d = Math.abs(actual[i] - e);
            maxAbs = Math.max(maxAbs, d);
            maxRel = Math.max(maxRel, d / Math.max(Math.abs(e), 1e-12));
        }
        String note = String.format(Locale.ROOT, "%d %s values", actual.length, dtype);
        return new Comparison(name, maxAbs, maxRel, 0, 0, maxAbs == 0, note);
    }

    private static Tensor float32(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Torch.fromFloats(f, f.length);
    }

    private static Tensor stack(List<Tensor> tensors) {
        return torch.stack(new TensorVector(tensors.toArray(new Tensor[0])));
    }
}
