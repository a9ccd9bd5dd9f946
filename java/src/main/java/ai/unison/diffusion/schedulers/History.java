package ai.unison.diffusion.schedulers;

import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;

/**
 * The last few converted model outputs a multistep solver remembers, newest first, owned by the
 * scheduler across steps. One slot more than the solver reads is kept so that the next entry can be
 * written into the storage of the one that falls off, instead of allocating every step.
 */
final class History implements AutoCloseable {
    private final Tensor[] items;
    private int size;

    /** Keeps up to {@code needed} entries readable, plus one spare. */
    History(int needed) {
        items = new Tensor[needed + 1];
    }

    int size() {
        return size;
    }

    /** The entry {@code age} steps old: 0 is the newest. */
    Tensor get(int age) {
        if (age >= size) {
            throw new IllegalStateException("history holds " + size + " entries, asked for age " + age);
        }
        return items[age];
    }

    /**
     * The oldest entry's storage when it is no longer readable and has the shape and dtype of
     * {@code like}, taken out of the history (the caller pushes it back filled), else null.
     */
    Tensor spare(Tensor like) {
        if (size < items.length) {
            return null;
        }
        Tensor t = items[size - 1];
        items[--size] = null;
        if (t.scalar_type().value == like.scalar_type().value && t.device().equals(like.device())
                && Arrays.equals(Torch.shape(t), Torch.shape(like))) {
            return t;
        }
        t.close();
        return null;
    }

    /** Adds the newest entry; the history owns it from now on (it must not be in any scope). */
    void push(Tensor t) {
        if (size == items.length) {
            items[--size].close();
            items[size] = null;
        }
        System.arraycopy(items, 0, items, 1, size);
        items[0] = t;
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
