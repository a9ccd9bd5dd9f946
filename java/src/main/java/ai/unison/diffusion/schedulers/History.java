package ai.unison.diffusion.schedulers;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The last few converted model outputs a multistep solver remembers, newest first, owned by the
 * scheduler across steps. An entry is stored as a tensor and a scale (the value is
 * {@code scale * tensor}) so that converting a model output is always one pass,
 * {@code sample + (b / a) * output} with scale {@code a}; readers fold the scale into their
 * coefficients. One slot more than the solver reads is kept so that the next entry is written into
 * the slot of the one that falls off.
 *
 * <p>The slots are the rows of one contiguous {@code [slots, numel]} buffer, allocated on the first
 * push of a run with the sample's dtype and device and reused across steps and runs. When a
 * combination reads every slot ({@link #eval}), the history part of it is one matrix-vector product
 * over the rows ({@code torch.mv}, one read of each entry and one write) instead of one elementwise
 * pass per entry; this is used for float32 CPU latents, and any other combination is evaluated
 * pass by pass.
 *
 * <p>With float32 CPU latents and the project's CPU kernels ({@link ai.unison.runtime.CpuKernels}) a
 * step is one native pass instead: {@link #stage} books the new entry without computing it, and the
 * next {@link #eval} writes it and the step's result together, reading the sample, the model output
 * and the other entries once. Without the kernels {@link #eval} first writes the staged entry as
 * {@link #push} does, then combines as described above.
 */
final class History implements AutoCloseable {
    private final int slots;
    /** By age: the row view holding the entry, its scale and its slot. */
    private final Tensor[] items;
    private final double[] scales;
    private final int[] slotOf;
    private int size;
    /** {@code [slots, numel]}, its transpose, and each row viewed with the sample's shape; null until used. */
    private Tensor buffer;
    private Tensor columns;
    private Tensor[] rows;
    /** The staged entry's conversion, not yet written into {@code rows[pendingSlot]}; null when none. */
    private LinearCombination pending;
    private int pendingSlot;

    /** Keeps up to {@code needed} entries readable, plus one spare. */
    History(int needed) {
        slots = needed + 1;
        items = new Tensor[slots];
        scales = new double[slots];
        slotOf = new int[slots];
    }

    int size() {
        return size;
    }

    /** The stored tensor of the entry {@code age} steps old (0 is the newest); its value is scale(age) times it. */
    Tensor get(int age) {
        if (age >= size) {
            throw new IllegalStateException("history holds " + size + " entries, asked for age " + age);
        }
        return items[age];
    }

    double scale(int age) {
        get(age);
        return scales[age];
    }

    /** Adds {@code c} times the value of entry {@code age} to {@code combination}. */
    LinearCombination addTo(LinearCombination combination, double c, int age) {
        return combination.plus(c * scale(age), get(age));
    }

    /**
     * Converts {@code cs * sample + cm * output} into the newest entry in one pass, written into the
     * slot of the entry that falls off (or a free one).
     */
    void push(double cs, Tensor sample, double cm, Tensor output) {
        stage(cs, sample, cm, output);
        commit();
    }

    /**
     * {@link #push} with the write deferred to the next {@link #eval} (or {@link #push}/{@code stage}),
     * which may combine it with its own pass: until then the newest entry's tensor ({@link #get}(0)) must
     * only be put into combinations, not read. {@code sample} and {@code output} must stay unchanged
     * until then.
     */
    void stage(double cs, Tensor sample, double cm, Tensor output) {
        commit();
        LinearCombination stored = cs != 0 ? LinearCombination.of(1, sample).plus(cm / cs, output)
                : LinearCombination.of(1, output);
        ensureBuffer(sample);
        int slot = size == slots ? slotOf[slots - 1] : size;
        if (size == slots) {
            size--;
        }
        pending = stored;
        pendingSlot = slot;
        System.arraycopy(items, 0, items, 1, size);
        System.arraycopy(scales, 0, scales, 1, size);
        System.arraycopy(slotOf, 0, slotOf, 1, size);
        items[0] = rows[slot];
        scales[0] = cs != 0 ? cs : cm;
        slotOf[0] = slot;
        size++;
    }

    /** Writes the staged entry, if any. */
    private void commit() {
        if (pending != null) {
            LinearCombination stored = pending;
            pending = null;
            stored.evalInto(rows[pendingSlot]);
        }
    }

    /** Allocates the slots like {@code sample} unless the current ones already match it. */
    private void ensureBuffer(Tensor sample) {
        if (buffer != null && sameLayout(rows[0], sample)) {
            return;
        }
        if (size > 0) {
            throw new IllegalStateException("the latents changed shape, dtype or device in the middle of a run: "
                    + Torch.shapeString(sample) + " " + sample.scalar_type() + ", history holds "
                    + Torch.shapeString(rows[0]) + " " + rows[0].scalar_type());
        }
        release();
        long[] shape = Torch.shape(sample);
        buffer = NativeScope.own(torch.empty(new long[] {slots, sample.numel()}, sample.options(),
                new org.bytedeco.pytorch.MemoryFormatOptional()));
        columns = NativeScope.own(buffer.t());
        rows = new Tensor[slots];
        for (int j = 0; j < slots; j++) {
            try (NativeScope scope = NativeScope.open()) {
                rows[j] = NativeScope.own(buffer.select(0, j).view(shape));
            }
        }
    }

    /**
     * The combination as a new tensor in the dtype of {@code like}, after writing the staged entry if
     * any: both in one native pass where the CPU kernels take the tensors
     * ({@link LinearCombination#evalNative}); else, when it reads every slot of this history (with float32
     * CPU storage) plus at most one other tensor, the history terms are one {@code torch.mv} over the
     * rows and the other term one in-place add; otherwise pass by pass ({@link LinearCombination#evalPasses}).
     */
    Tensor eval(LinearCombination combination, Tensor like) {
        Tensor fused = combination.evalNative(pending, pending == null ? null : rows[pendingSlot], like);
        if (fused != null) {
            pending = null;
            return fused;
        }
        commit();
        if (buffer == null || size < slots || buffer.is_cuda()
                || buffer.scalar_type().value != torch.ScalarType.Float.value
                || like.scalar_type().value != torch.ScalarType.Float.value) {
            return combination.evalPasses(like);
        }
        float[] weights = new float[slots];
        double[] sums = new double[slots];
        boolean[] read = new boolean[slots];
        int other = -1;
        for (int i = 0; i < combination.size(); i++) {
            Tensor t = combination.tensor(i);
            double c = combination.coefficient(i);
            int slot = slotHolding(t);
            if (slot >= 0) {
                sums[slot] += c;
                read[slot] |= c != 0;
            } else if (c != 0) {
                if (other >= 0) {
                    return combination.evalPasses(like);
                }
                other = i;
            }
        }
        for (int j = 0; j < slots; j++) {
            if (!read[j]) {
                return combination.evalPasses(like);
            }
            weights[j] = (float) sums[j];
        }
        Tensor out = torch.mv(columns, Torch.fromFloats(weights, slots)).view(Torch.shape(rows[0]));
        if (other >= 0) {
            out.add_(combination.tensor(other), Torch.scalar(combination.coefficient(other)));
        }
        return out;
    }

    private int slotHolding(Tensor t) {
        for (int j = 0; j < slots; j++) {
            if (rows[j] == t) {
                return j;
            }
        }
        return -1;
    }

    /** Same dtype, device and shape, checked without allocating (this runs every step). */
    private static boolean sameLayout(Tensor a, Tensor b) {
        if (a.scalar_type().value != b.scalar_type().value || a.is_cuda() != b.is_cuda() || a.dim() != b.dim()) {
            return false;
        }
        for (long d = 0; d < a.dim(); d++) {
            if (a.size(d) != b.size(d)) {
                return false;
            }
        }
        return !a.is_cuda() || a.device().index() == b.device().index();
    }

    /** Forgets the entries; the storage is kept for the next run. */
    void clear() {
        pending = null;
        for (int i = 0; i < size; i++) {
            items[i] = null;
        }
        size = 0;
    }

    private void release() {
        if (buffer == null) {
            return;
        }
        for (Tensor r : rows) {
            r.close();
        }
        columns.close();
        buffer.close();
        rows = null;
        columns = null;
        buffer = null;
    }

    @Override
    public void close() {
        clear();
        release();
    }
}
