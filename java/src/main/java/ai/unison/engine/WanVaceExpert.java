package ai.unison.engine;

import ai.unison.api.Attachment;
import ai.unison.api.Frames;
import ai.unison.api.Input;
import ai.unison.api.Plan;
import ai.unison.api.Settings;
import ai.unison.api.Size;
import ai.unison.api.Task;
import ai.unison.diffusion.wan.VacePipeline;
import ai.unison.diffusion.wan.WanTransformerConfig;
import ai.unison.io.Media;
import ai.unison.io.MediaException;
import ai.unison.runtime.DType;
import ai.unison.runtime.Devices;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import ai.unison.route.Expert;
import ai.unison.route.HiddenStates;
import ai.unison.route.Job;
import ai.unison.route.Outcome;
import ai.unison.route.Snap;
import ai.unison.route.StepControl;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;

/**
 * The Wan-VACE generation expert: one {@link VacePipeline} serving all nine generation tasks. Sizes
 * snap to multiples of 16 px and 4k+1 frames; without a stated size the output takes the first
 * visual attachment's size (scaled down to the default area when larger, as diffusers scales a VACE
 * video), and a video edit or control without a stated length takes its source clip's length.
 */
public final class WanVaceExpert implements Expert {
    /** Most frames read from a video attachment (spread evenly over longer clips). */
    static final int MAX_INPUT_FRAMES = 1024;

    private final VacePipeline pipeline;
    private final String version;
    private final Settings defaults;

    public WanVaceExpert(VacePipeline pipeline) {
        this.pipeline = pipeline;
        this.version = pipeline.root().getFileName() + " (" + describe(pipeline) + ")";
        VacePipeline.Defaults d = pipeline.defaults();
        this.defaults = new Settings(d.steps(), d.guidance(), pipeline.schedulerName());
    }

    /** Loads the folder on the engine's device: bfloat16 on CUDA, float32 on the CPU. */
    public static WanVaceExpert open(Path dir, String device) {
        Device d = Devices.parse(device);
        DType dtype = d.is_cuda() ? DType.BFLOAT16 : DType.FLOAT32;
        return new WanVaceExpert(VacePipeline.load(dir, dtype, d));
    }

    @Override
    public String name() {
        return "wan-vace";
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public Set<Task> tasks() {
        Set<Task> tasks = EnumSet.noneOf(Task.class);
        for (Task t : Task.values()) {
            if (!t.isUnderstanding()) {
                tasks.add(t);
            }
        }
        return tasks;
    }

    @Override
    public Settings defaults() {
        return defaults;
    }

    public VacePipeline pipeline() {
        return pipeline;
    }

    @Override
    public Size snap(Plan plan, Size requested) {
        return snap(plan, requested, List.of());
    }

    @Override
    public Size snap(Plan plan, Size requested, List<Input> inputs) {
        VacePipeline.Defaults d = pipeline.defaults();
        boolean video = plan.task().output() == Task.Modality.VIDEO;
        Integer w = requested.width();
        Integer h = requested.height();
        Integer f = requested.frames();
        int first = firstVisual(plan);
        if ((w == null || (video && f == null)) && first >= 0 && first < inputs.size()) {
            int[] dims = dimensions(inputs.get(first));
            if (w == null) {
                double area = (double) d.width() * d.height();
                double scale = Math.min(1.0, Math.sqrt(area / ((double) dims[0] * dims[1])));
                w = Math.max(1, (int) Math.round(dims[0] * scale));
                h = Math.max(1, (int) Math.round(dims[1] * scale));
            }
            boolean clipDrivesLength = plan.task() == Task.VIDEO_EDIT || plan.task() == Task.VIDEO_CONTROL;
            if (video && f == null && clipDrivesLength && dims[2] > 1) {
                f = dims[2];
            }
        }
        int m = pipeline.sizeMultiple();
        int width = Snap.nearestMultiple(w != null ? w : d.width(), m);
        int height = Snap.nearestMultiple(h != null ? h : d.height(), m);
        int frames = video ? Snap.nearestFourKPlusOne(f != null ? f : d.frames()) : 1;
        return new Size(width, height, frames);
    }

    @Override
    public Object batchKey(Job job) {
        Settings s = job.settings();
        return List.of(job.executed(), s.steps(), s.scheduler(), s.guidance(), references(job.plan()));
    }

    @Override
    public long bytesPerJob(Job job) {
        Size s = job.executed();
        WanTransformerConfig c = pipeline.transformer().config();
        int sf = pipeline.vae().config().spatialFactor();
        long latentFrames = 1 + (s.frames() - 1) / pipeline.temporalFactor() + references(job.plan());
        long tokens = latentFrames * (s.height() / sf / c.patchSize().get(1)) * (s.width() / sf / c.patchSize().get(2));
        long passes = job.settings().guidance() > 1.0 ? 2 : 1;
        long bytesPerValue = pipeline.transformer().dtype() == DType.BFLOAT16 ? 2 : 4;
        long activations = passes * tokens * (long) c.innerDim() * bytesPerValue * 16;
        long attention = passes * c.numAttentionHeads() * tokens * tokens * bytesPerValue;
        long pixels = (long) s.width() * s.height() * s.frames();
        long vae = (long) s.width() * s.height() * pipeline.vae().config().baseDim() * 4L * 4 * 4 + pixels * 3 * 4 * 4;
        return activations + attention + vae;
    }

    @Override
    public int maxBatch() {
        return 8;
    }

    @Override
    public List<Outcome> runBatch(List<Job> jobs, StepControl control) {
        Outcome[] outcomes = new Outcome[jobs.size()];
        List<VacePipeline.Request> requests = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Job job = jobs.get(i);
            try {
                Tensor hidden = job.conditioning() instanceof HiddenStates h ? h.states() : null;
                requests.add(new VacePipeline.Request(job.plan(), read(job), job.seed(), hidden));
                rows.add(i);
            } catch (RuntimeException e) {
                outcomes[i] = Outcome.failed(e);
            }
        }
        if (!rows.isEmpty()) {
            Job first = jobs.get(rows.get(0));
            Settings s = first.settings();
            VacePipeline.Run run = new VacePipeline.Run(first.executed(), s.steps(), s.guidance(), s.scheduler());
            List<VacePipeline.Output> out = pipeline.generate(requests, run, new VacePipeline.Hooks() {
                @Override
                public void stage(String stage) {
                    control.stage(StepControl.Stage.valueOf(stage.toUpperCase(Locale.ROOT)));
                }

                @Override
                public boolean step(int done, int total) {
                    return control.step(done, total);
                }
            });
            if (out == null) {
                for (int k = 0; k < rows.size(); k++) {
                    outcomes[rows.get(k)] = Outcome.failed(new java.util.concurrent.CancellationException(
                            "generation stopped after cancellation"));
                }
            } else {
                for (int k = 0; k < rows.size(); k++) {
                    VacePipeline.Output o = out.get(k);
                    outcomes[rows.get(k)] = o.ok() ? Outcome.done(o.frames(), o.notes()) : Outcome.failed(o.error());
                }
            }
        }
        return List.of(outcomes);
    }

    @Override
    public void close() {
        pipeline.close();
    }

    /** The attachments' pixels, in plan order; a file that cannot be read fails this job naming it. */
    static List<Frames> read(Job job) {
        List<Frames> frames = new ArrayList<>();
        List<Attachment> atts = job.plan().attachments();
        if (job.inputs().size() < atts.size()) {
            throw new IllegalArgumentException("the plan names " + atts.size() + " attachments but the request has "
                    + job.inputs().size());
        }
        for (int i = 0; i < atts.size(); i++) {
            frames.add(pixels(job.inputs().get(i), atts.get(i).kind()));
        }
        return frames;
    }

    private static Frames pixels(Input input, Attachment.Kind kind) {
        if (input instanceof Input.Pixels p) {
            return p.frames();
        }
        try (NativeScope scope = NativeScope.open()) {
            Tensor thwc = Media.read(input, kind == Attachment.Kind.IMAGE, MAX_INPUT_FRAMES).frames();
            long[] s = Torch.shape(thwc);
            return Frames.of((int) s[0], (int) s[1], (int) s[2], (int) s[3], Torch.toBytes(thwc.contiguous()));
        }
    }

    /** Width, height and frames of an attachment. */
    private static int[] dimensions(Input input) {
        if (input instanceof Input.Pixels p) {
            return new int[] {p.frames().width(), p.frames().height(), p.frames().count()};
        }
        if (input instanceof Input.File f) {
            return Media.dimensions(f.path());
        }
        throw new MediaException(Path.of(input.name()), "attachment bytes must be spilled to a file before sizing");
    }

    private static int firstVisual(Plan plan) {
        return plan.attachments().isEmpty() ? -1 : 0;
    }

    private static int references(Plan plan) {
        if (plan.task() != Task.IMAGE_REFERENCE && plan.task() != Task.VIDEO_REFERENCE) {
            return 0;
        }
        return (int) plan.attachments().stream().filter(a -> a.kind() == Attachment.Kind.IMAGE).count();
    }

    private static String describe(VacePipeline p) {
        WanTransformerConfig c = p.transformer().config();
        return "Wan-VACE " + c.numLayers() + " layers × " + c.innerDim() + (p.hasProjector() ? ", projector" : "");
    }
}
