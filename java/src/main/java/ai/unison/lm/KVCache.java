package ai.unison.lm;

import ai.unison.nn.Attention;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;

/**
 * Keys and values of up to {@code slots} sequences, each preallocated to {@code maxLength} positions
 * when the cache is made: per layer one tensor {@code [slots, kvHeads, maxLength, headDim]} for keys and
 * one for values, zero-filled. A sequence holds one slot from {@link #acquire} to {@link #release}.
 *
 * <p>A forward over several sequences is described by a {@link Step}: which slots take part and how
 * many new tokens each brings. The step writes the new keys/values of every layer into the slots with
 * one {@code index_copy_} and attends over views of the cache; when the step's slots are {@code 0..B-1}
 * in order (keep them compact with {@link #move}) those views are copy-free.
 */
public final class KVCache implements AutoCloseable {
    private final int layers;
    private final int slots;
    private final int maxLength;
    private final int kvHeads;
    private final long headDim;
    private final Device device;
    private final Tensor[] keys;
    private final Tensor[] values;
    private final int[] lengths;
    private final boolean[] used;

    public KVCache(int layers, int slots, int maxLength, int kvHeads, long headDim, ScalarType dtype, Device device) {
        if (slots <= 0 || maxLength <= 0) {
            throw new IllegalArgumentException("a cache needs at least one slot and one position, got " + slots
                    + " slots of " + maxLength);
        }
        this.layers = layers;
        this.slots = slots;
        this.maxLength = maxLength;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.device = device;
        this.keys = new Tensor[layers];
        this.values = new Tensor[layers];
        this.lengths = new int[slots];
        this.used = new boolean[slots];
        TensorOptions opts = Torch.options(dtype).device(new DeviceOptional(device));
        long[] shape = {slots, kvHeads, maxLength, headDim};
        for (int l = 0; l < layers; l++) {
            // zero-filled: masked-out positions still enter attention as 0 * value, so they must be finite
            keys[l] = NativeScope.own(torch.zeros(shape, opts));
            values[l] = NativeScope.own(torch.zeros(shape, opts));
        }
    }

    public int slots() {
        return slots;
    }

    public int maxLength() {
        return maxLength;
    }

    /** Positions already cached in {@code slot}. */
    public int length(int slot) {
        return lengths[slot];
    }

    public int freeSlots() {
        int n = 0;
        for (boolean u : used) {
            n += u ? 0 : 1;
        }
        return n;
    }

    /** The lowest free slot, emptied; fails when every slot is taken. */
    public int acquire() {
        for (int s = 0; s < slots; s++) {
            if (!used[s]) {
                used[s] = true;
                lengths[s] = 0;
                return s;
            }
        }
        throw new IllegalStateException("all " + slots + " cache slots are in use");
    }

    public void release(int slot) {
        checkUsed(slot);
        used[slot] = false;
        lengths[slot] = 0;
    }

    /** Moves the sequence in slot {@code from} to the free slot {@code to} (to keep used slots compact). */
    public void move(int from, int to) {
        checkUsed(from);
        if (used[to]) {
            throw new IllegalStateException("slot " + to + " is in use");
        }
        int len = lengths[from];
        if (len > 0) {
            try (NativeScope scope = NativeScope.open()) {
                for (int l = 0; l < layers; l++) {
                    keys[l].select(0, to).narrow(1, 0, len).copy_(keys[l].select(0, from).narrow(1, 0, len));
                    values[l].select(0, to).narrow(1, 0, len).copy_(values[l].select(0, from).narrow(1, 0, len));
                }
            }
        }
        used[to] = true;
        lengths[to] = len;
        used[from] = false;
        lengths[from] = 0;
    }

    /**
     * Describes one forward: row {@code b} continues the sequence in {@code slots[b]} with {@code newTokens[b]}
     * tokens (a prompt, or one decoded token). Tensors it makes belong to the caller's native scope;
     * {@link Step#commit} advances the lengths once the forward has succeeded.
     */
    public Step step(int[] slotsOfRows, int[] newTokens) {
        if (slotsOfRows.length != newTokens.length || slotsOfRows.length == 0) {
            throw new IllegalArgumentException("a step needs one new-token count per slot, got "
                    + slotsOfRows.length + " slots and " + newTokens.length + " counts");
        }
        for (int b = 0; b < slotsOfRows.length; b++) {
            checkUsed(slotsOfRows[b]);
            if (newTokens[b] <= 0 || lengths[slotsOfRows[b]] + newTokens[b] > maxLength) {
                throw new IllegalArgumentException("slot " + slotsOfRows[b] + " holds " + lengths[slotsOfRows[b]]
                        + " positions; " + newTokens[b] + " new tokens do not fit in " + maxLength);
            }
        }
        return new Step(slotsOfRows.clone(), newTokens.clone());
    }

    private void checkUsed(int slot) {
        if (slot < 0 || slot >= slots || !used[slot]) {
            throw new IllegalArgumentException("slot " + slot + " is not in use");
        }
    }

    @Override
    public void close() {
        for (int l = 0; l < layers; l++) {
            keys[l].close();
            values[l].close();
        }
    }

    /**
     * One forward over some slots; see {@link KVCache#step}. The step's tokens are packed, {@code [1, N]}
     * with N the sum of new tokens (so linear layers see no padding); attention unpacks the queries to
     * {@code [B, heads, W, D]} (W = most new tokens of a row, shorter rows padded) and packs the output back.
     */
    public final class Step implements Attention.KeyValues {
        private final int[] rows;
        private final int[] fresh;
        private final int tokens;
        private final int width;
        private final int keyLength;
        private final boolean compact;
        private final Tensor slotIndex;
        private final Tensor writeIndex;
        private final Tensor unpackIndex;
        private final Tensor packIndex;
        private final Tensor positions;
        private final Attention.Mask mask;
        private int layer = -1;
        private boolean committed;

        private Step(int[] rows, int[] fresh) {
            this.rows = rows;
            this.fresh = fresh;
            int b = rows.length;
            int n = 0;
            int w = 0;
            int kl = 0;
            boolean inOrder = true;
            boolean samePast = true;
            for (int i = 0; i < b; i++) {
                n += fresh[i];
                w = Math.max(w, fresh[i]);
                kl = Math.max(kl, lengths[rows[i]] + fresh[i]);
                inOrder &= rows[i] == i;
                samePast &= lengths[rows[i]] == lengths[rows[0]];
            }
            this.tokens = n;
            this.width = w;
            this.keyLength = kl;
            this.compact = inOrder;
            long[] pos = new long[n];
            long[] write = new long[n * kvHeads];
            long[] unpack = new long[b * w];
            long[] pack = new long[n];
            long[] padded = new long[b * w];
            int packed = 0;
            for (int i = 0; i < b; i++) {
                int past = lengths[rows[i]];
                for (int t = 0; t < w; t++) {
                    // a padded query repeats its row's last token: finite, and its output is dropped
                    unpack[i * w + t] = packed + Math.min(t, fresh[i] - 1);
                    padded[i * w + t] = past + Math.min(t, fresh[i] - 1);
                }
                for (int t = 0; t < fresh[i]; t++) {
                    int j = packed + t;
                    pos[j] = past + t;
                    pack[j] = (long) i * w + t;
                    for (int h = 0; h < kvHeads; h++) {
                        write[j * kvHeads + h] = ((long) rows[i] * kvHeads + h) * maxLength + past + t;
                    }
                }
                packed += fresh[i];
            }
            boolean plain = n == b * w;            // no padding: packed and unpacked layouts coincide
            this.positions = toDevice(Torch.fromLongs(pos, 1, n));
            this.writeIndex = toDevice(Torch.fromLongs(write, write.length));
            this.unpackIndex = plain ? null : toDevice(Torch.fromLongs(unpack, unpack.length));
            this.packIndex = plain ? null : toDevice(Torch.fromLongs(pack, pack.length));
            this.slotIndex = compact ? null : toDevice(Torch.fromLongs(Arrays.stream(rows).asLongStream().toArray(), b));
            if (samePast && lengths[rows[0]] == 0 && plain) {
                this.mask = Attention.Mask.CAUSAL;               // equally long prompts on empty slots
            } else if (w == 1 && samePast) {
                this.mask = Attention.Mask.ALL;                  // one token each over equally long caches
            } else {
                // key j is visible to row i's query t when j <= that query's position
                Tensor keyPos = torch.arange(Torch.scalar(kl), Torch.options(ScalarType.Long)
                        .device(new DeviceOptional(device)));
                Tensor queryPos = toDevice(Torch.fromLongs(padded, b, w, 1));
                this.mask = Attention.Mask.of(keyPos.view(1, 1, kl).le(queryPos).unsqueeze(1));
            }
        }

        private Tensor toDevice(Tensor t) {
            return device.is_cpu() ? t : t.to(device, t.scalar_type());
        }

        public int batch() {
            return rows.length;
        }

        /** Tokens in this step, all rows packed: {@code [1, tokens()]} is the shape of the step's input. */
        public int tokens() {
            return tokens;
        }

        public int newTokens(int row) {
            return fresh[row];
        }

        /** Position ids {@code [1, tokens()]}: each row continues from its cached length. */
        public Tensor positions() {
            return positions;
        }

        public Attention.Mask mask() {
            return mask;
        }

        /** Packed indices of each row's last new token, {@code [B]}. */
        public Tensor lastTokenIndex() {
            long[] idx = new long[rows.length];
            long off = 0;
            for (int i = 0; i < rows.length; i++) {
                off += fresh[i];
                idx[i] = off - 1;
            }
            return toDevice(Torch.fromLongs(idx, idx.length));
        }

        /** This step as the cache of layer {@code l}; layers are visited in order by one forward. */
        public Attention.KeyValues layer(int l) {
            layer = l;
            return this;
        }

        @Override
        public Tensor[] update(Tensor k, Tensor v) {
            return new Tensor[]{store(keys[layer], k), store(values[layer], v)};
        }

        private Tensor store(Tensor cache, Tensor fresh) {
            // [1, N, kvHeads, D] → rows [N * kvHeads, D] of the flat [slots * kvHeads * maxLength, D] cache
            cache.view(-1, headDim).index_copy_(0, writeIndex, fresh.reshape(-1, headDim).to(cache.scalar_type()));
            Tensor seen = cache.narrow(2, 0, keyLength);
            return compact ? seen.narrow(0, 0, rows.length) : seen.index_select(0, slotIndex);
        }

        @Override
        public Tensor queries(Tensor q) {
            // [1, N, heads, D] → [B, heads, W, D]
            Tensor flat = q.reshape(tokens, q.size(2), q.size(3));
            Tensor rowsFirst = unpackIndex == null ? flat : flat.index_select(0, unpackIndex);
            return rowsFirst.view(rows.length, width, q.size(2), q.size(3)).transpose(1, 2);
        }

        @Override
        public Tensor output(Tensor out, long b, long t) {
            // [B, heads, W, D] → [1, N, heads * D]
            Tensor flat = out.transpose(1, 2).reshape((long) rows.length * width, -1);
            Tensor packed = packIndex == null ? flat : flat.index_select(0, packIndex);
            return packed.view(b, t, -1);
        }

        /** Records the new tokens as cached; call once after the forward succeeded. */
        public void commit() {
            if (committed) {
                throw new IllegalStateException("step already committed");
            }
            committed = true;
            for (int i = 0; i < rows.length; i++) {
                lengths[rows[i]] += fresh[i];
            }
        }
    }
}
