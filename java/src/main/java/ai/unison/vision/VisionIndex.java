package ai.unison.vision;

import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.List;

/**
 * The index bookkeeping of the Qwen2.5-VL vision tower, computed in Java from the grids: each
 * patch's (row, column) for the 2-D rotary embedding, the permutation of merged tokens into
 * attention windows, and the segment boundaries for windowed and per-frame attention.
 */
record VisionIndex(long patches, long[] rowColumn, int maxGrid, long[] windowIndex, int[] windowSeqlens,
                   int[] frameSeqlens) {

    static VisionIndex of(Qwen2_5_VisionConfig c, int[][] gridThw) {
        int m = c.merge();
        int unit = m * m;
        int mergedWindow = c.window() / m / c.patch();
        long patches = 0;
        int maxGrid = 0;
        List<long[]> rc = new ArrayList<>();
        List<Long> window = new ArrayList<>();
        List<Integer> cuWindow = new ArrayList<>(List.of(0));
        List<Integer> cuFrame = new ArrayList<>(List.of(0));
        long offset = 0;
        for (int[] g : gridThw) {
            int t = g[0];
            int h = g[1];
            int w = g[2];
            if (t <= 0 || h <= 0 || w <= 0 || h % m != 0 || w % m != 0) {
                throw new IllegalArgumentException("grid (t, h, w) = (" + t + ", " + h + ", " + w
                        + ") must be positive with h and w multiples of the merge size " + m);
            }
            maxGrid = Math.max(maxGrid, Math.max(h, w));
            patches += (long) t * h * w;
            for (int f = 0; f < t; f++) {
                for (int bh = 0; bh < h / m; bh++) {
                    for (int bw = 0; bw < w / m; bw++) {
                        for (int ih = 0; ih < m; ih++) {
                            for (int iw = 0; iw < m; iw++) {
                                rc.add(new long[]{bh * m + ih, bw * m + iw});
                            }
                        }
                    }
                }
                cuFrame.add(cuFrame.get(cuFrame.size() - 1) + h * w);
            }
            int lh = h / m;
            int lw = w / m;
            int padH = mergedWindow - lh % mergedWindow;
            int padW = mergedWindow - lw % mergedWindow;
            int nwh = (lh + padH) / mergedWindow;
            int nww = (lw + padW) / mergedWindow;
            for (int f = 0; f < t; f++) {
                for (int wh = 0; wh < nwh; wh++) {
                    for (int ww = 0; ww < nww; ww++) {
                        int count = 0;
                        for (int y = wh * mergedWindow; y < (wh + 1) * mergedWindow; y++) {
                            for (int x = ww * mergedWindow; x < (ww + 1) * mergedWindow; x++) {
                                if (y < lh && x < lw) {
                                    window.add(offset + ((long) f * lh + y) * lw + x);
                                    count++;
                                }
                            }
                        }
                        int last = cuWindow.get(cuWindow.size() - 1);
                        if (count > 0) {
                            cuWindow.add(last + count * unit);
                        }
                    }
                }
            }
            offset += (long) t * lh * lw;
        }
        long[] rowColumn = new long[rc.size() * 2];
        for (int i = 0; i < rc.size(); i++) {
            rowColumn[2 * i] = rc.get(i)[0];
            rowColumn[2 * i + 1] = rc.get(i)[1];
        }
        return new VisionIndex(patches, rowColumn, maxGrid, window.stream().mapToLong(Long::longValue).toArray(),
                cuWindow.stream().mapToInt(Integer::intValue).toArray(),
                cuFrame.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A [seq, seq] boolean mask that lets each position attend within its segment only. */
    static Tensor blockMask(int[] cuSeqlens, long seq) {
        long[] segment = new long[(int) seq];
        for (int s = 1; s < cuSeqlens.length; s++) {
            for (int i = cuSeqlens[s - 1]; i < cuSeqlens[s]; i++) {
                segment[i] = s;
            }
        }
        Tensor ids = Torch.fromLongs(segment, seq);
        return ids.unsqueeze(1).eq(ids.unsqueeze(0)).to(ScalarType.Bool);
    }
}
