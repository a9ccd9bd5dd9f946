package ai.unison.diffusion.schedulers;

import ai.unison.runtime.NativeScope;
import org.bytedeco.pytorch.Tensor;

/**
 * The last few converted model outputs a multistep solver remembers, newest first, owned by the
 * scheduler across steps. An entry is stored as a tensor and a scale (the value is
 * {@code scale * tensor}) so that converting a model output is always one pass,
 * {@code sample + (b / a) * output} with scale {@code a}; readers fold the scale into their
 * coefficients. One slot more than the solver reads is kept so that the next entry can be written into
 * the storage of the one that falls off, instead of allocating every step.
 */
final class History implements AutoCloseable {
    private final Tensor[] items;
    private final double[] scales;
    private int size;

    /** Keeps up to {@code needed} entries readable, plus one spare. */
    History(int needed) {
        items = new Tensor[needed + 1];
        scales = new double[needed + 1];
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
     * Converts {@code cs * sample + cm * output} into the newest entry in one pass, reusing the spare
     * storage when there is one; the new tensor is owned by the history.
     */
    void push(double cs, Tensor sample, double cm, Tensor output) {
        LinearCombination stored = cs != 0 ? LinearCombination.of(1, sample).plus(cm / cs, output)
                : LinearCombination.of(1, output);
        Tensor spare = spare(sample);
        Tensor t;
        if (spare != null) {
            stored.evalInto(spare);
            t = spare;
        } else {
            t = NativeScope.own(stored.eval(sample));
        }
        push(t, cs != 0 ? cs : cm);
    }

    /**
     * The oldest entry's storage when it is no longer readable and has the shape and dtype of
     * {@code like}, taken out of the history (the caller pushes it back filled), else null.
     */
    private Tensor spare(Tensor like) {
        if (size < items.length) {
            return null;
        }
        Tensor t = items[size - 1];
        items[--size] = null;
        if (sameLayout(t, like)) {
            return t;
        }
        t.close();
        return null;
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

    /** Adds the newest entry; the history owns it from now on (it must not be in any scope). */
    private void push(Tensor t, double scale) {
        if (size == items.length) {
            items[--size].close();
            items[size] = null;
        }
        System.arraycopy(items, 0, items, 1, size);
        System.arraycopy(scales, 0, scales, 1, size);
        items[0] = t;
        scales[0] = scale;
        size++;
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            items[i].close();
            items[i] = null;
        }
        size = 0;
    }

    @Override
    public void close() {
        clear();
    }
}
