package ai.unison.lm;

import java.util.List;

/**
 * Qwen2.5-VL's 3-D position ids (upstream {@code get_rope_index}) for one unpadded sequence.
 * Text tokens advance all three axes together; the tokens of an image or video take
 * (time, row, column) positions offset by the text before them, with time measured in
 * {@code second_per_grid · tokens_per_second} steps per temporal grid. The next text continues
 * from the largest position so far plus one.
 *
 * @param positions {@code [3][length]}: temporal, height and width rows
 * @param delta     {@code max position + 1 - length}; a generated token at cache position c gets c + delta
 */
public record MRopePositions(long[][] positions, long delta) {

    /** Token ids that mark vision input in the sequence. */
    public record VisionTokens(long imagePad, long videoPad, long visionStart) {
    }

    /**
     * @param ids              the sequence without padding
     * @param imageGrids       (t, h, w) in patches per image, in order of appearance
     * @param videoGrids       (t, h, w) per video
     * @param secondsPerGrid   seconds per temporal grid for each video (upstream: temporal patch / fps)
     * @param tokensPerSecond  the vision config's {@code tokens_per_second}
     * @param mergeSize        the vision config's {@code spatial_merge_size}
     */
    public static MRopePositions of(long[] ids, List<int[]> imageGrids, List<int[]> videoGrids,
                                    List<Double> secondsPerGrid, double tokensPerSecond, int mergeSize,
                                    VisionTokens tokens) {
        int n = ids.length;
        long[][] pos = new long[3][n];
        int st = 0;
        long next = 0;
        int image = 0;
        int video = 0;
        int i = 0;
        while (i < n) {
            boolean isImage = ids[i] == tokens.imagePad() && i > 0 && ids[i - 1] == tokens.visionStart();
            boolean isVideo = ids[i] == tokens.videoPad() && i > 0 && ids[i - 1] == tokens.visionStart();
            if (!isImage && !isVideo) {
                i++;
                continue;
            }
            for (int k = st; k < i; k++) {
                pos[0][k] = pos[1][k] = pos[2][k] = next + (k - st);
            }
            long base = next + (i - st);
            int[] g;
            double secondsPerT;
            if (isImage) {
                if (image >= imageGrids.size()) {
                    throw new IllegalArgumentException("the sequence has more images than image grids ("
                            + imageGrids.size() + ")");
                }
                g = imageGrids.get(image++);
                secondsPerT = 0;
            } else {
                if (video >= videoGrids.size()) {
                    throw new IllegalArgumentException("the sequence has more videos than video grids ("
                            + videoGrids.size() + ")");
                }
                secondsPerT = secondsPerGrid == null ? 1.0 : secondsPerGrid.get(video);
                g = videoGrids.get(video++);
            }
            int gt = g[0];
            int gh = g[1] / mergeSize;
            int gw = g[2] / mergeSize;
            int count = gt * gh * gw;
            if (i + count > n) {
                throw new IllegalArgumentException("vision input at token " + i + " needs " + count
                        + " pad tokens but the sequence ends after " + (n - i));
            }
            long max = base;
            for (int t = 0; t < gt; t++) {
                long tp = (long) (t * secondsPerT * tokensPerSecond);
                for (int y = 0; y < gh; y++) {
                    for (int x = 0; x < gw; x++) {
                        int k = i + (t * gh + y) * gw + x;
                        pos[0][k] = base + tp;
                        pos[1][k] = base + y;
                        pos[2][k] = base + x;
                        max = Math.max(max, Math.max(base + tp, Math.max(base + y, base + x)));
                    }
                }
            }
            next = max + 1;
            i += count;
            st = i;
        }
        for (int k = st; k < n; k++) {
            pos[0][k] = pos[1][k] = pos[2][k] = next + (k - st);
        }
        long maxAll = n == 0 ? -1 : Math.max(pos[0][n - 1], Math.max(pos[1][n - 1], pos[2][n - 1]));
        for (int a = 0; a < 3; a++) {
            for (long p : pos[a]) {
                maxAll = Math.max(maxAll, p);
            }
        }
        return new MRopePositions(pos, maxAll + 1 - n);
    }
}
