package ai.unison.io;

import org.jcodec.api.specific.AVCMP4Adaptor;
import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.codecs.h264.encode.RateControl;
import org.jcodec.codecs.h264.io.model.SliceType;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.Format;
import org.jcodec.common.JCodecUtil;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.SeekableDemuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.VideoEncoder;
import org.jcodec.common.io.FileChannelWrapper;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.muxer.MP4Muxer;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/** H.264 video in MP4/MOV through JCodec (pure Java): decoding every frame, encoding 4:2:0 with P-frames. */
final class Mp4Codec {
    /**
     * The quantiser for every frame. JCodec's default control uses 20 for I- and 26 for P-frames (about 34 dB
     * on smooth content, blocky edges on flat shapes); 20 throughout gives about 40 dB for ~20% more bytes.
     */
    private static final int QP = 20;

    private Mp4Codec() {
    }

    static Video read(Path file, int maxFrames, MediaLimits limits) throws IOException {
        try (FileChannelWrapper channel = NIOUtils.readableChannel(file.toFile())) {
            ByteBuffer head = ByteBuffer.allocate(64 * 1024);
            channel.read(head);
            head.flip();
            Format format = JCodecUtil.detectFormatBuffer(head);
            if (format != Format.MOV) {
                throw new MediaException(file, "not an MP4/MOV file (" + (format == null ? "unrecognised data" : format + " data") + ")");
            }
            try (FileChannel raw = FileChannel.open(file)) {
                Mp4Structure.check(file, raw);
            }
            channel.setPosition(0);
            DemuxerTrack found = MP4Demuxer.createMP4Demuxer(channel).getVideoTrack();
            if (!(found instanceof SeekableDemuxerTrack track)) {
                throw new MediaException(file, "has no video track");
            }
            DemuxerTrackMeta meta = track.getMeta();
            if (meta.getCodec() != Codec.H264) {
                throw new MediaException(file, "video codec " + meta.getCodec() + " is not supported; only H.264 is");
            }
            limits.checkFrames(file, meta.getTotalFrames());
            Size size = meta.getVideoCodecMeta() == null ? null : meta.getVideoCodecMeta().getSize();
            if (size != null) {
                limits.checkPixels(file, size.getWidth(), size.getHeight());
            }

            int[] display = displayOrder(track);
            int total = display.length;
            limits.checkFrames(file, total);
            track.gotoFrame(0);
            Mp4Colour colour = Mp4Colour.of(meta.getCodecPrivate());
            AVCMP4Adaptor decoder = new AVCMP4Adaptor(meta);
            byte[][] buffer = decoder.allocatePicture();
            MediaFrameBuffer frames = new MediaFrameBuffer(file, total, maxFrames, limits);
            int decoded = 0;
            for (Packet p = track.nextFrame(); p != null && decoded < total; p = track.nextFrame()) {
                Picture picture = decoder.decodeFrame(p, buffer);
                if (picture == null) {
                    throw new MediaException(file, "frame " + decoded + " cannot be decoded");
                }
                int index = display[decoded++];
                if (frames.wants(index)) {
                    limits.checkPixels(file, picture.getCroppedWidth(), picture.getCroppedHeight());
                    frames.put(index, colour.rgb(picture), picture.getCroppedWidth(), picture.getCroppedHeight());
                }
            }
            double duration = meta.getTotalDuration();
            if (!(duration > 0) || Double.isInfinite(duration)) {
                throw new MediaException(file, "video track has no valid duration (" + duration + " s)");
            }
            return frames.finish(decoded, total / duration);
        }
    }

    /**
     * For each packet in decoding order, its position in presentation order (by timestamp): H.264 with
     * B-frames decodes frames before ones shown earlier. Reads the packets once, without decoding them.
     */
    private static int[] displayOrder(SeekableDemuxerTrack track) throws IOException {
        long[] pts = new long[64];
        int n = 0;
        for (Packet p = track.nextFrame(); p != null; p = track.nextFrame()) {
            if (n == pts.length) {
                pts = Arrays.copyOf(pts, n * 2);
            }
            pts[n++] = p.getPts();
        }
        long[] times = pts;
        int[] byTime = IntStream.range(0, n).boxed()
                .sorted(Comparator.<Integer>comparingLong(i -> times[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        int[] display = new int[n];
        for (int rank = 0; rank < n; rank++) {
            display[byTime[rank]] = rank;
        }
        return display;
    }

    /**
     * Writes {@code count} frames of H×W×3 RGB bytes as H.264 (BT.601, limited range, untagged) in MP4 at
     * {@code fps}. An odd width or height is padded by one column or row repeating the last one, as 4:2:0
     * needs even sizes.
     */
    static void write(Path path, int count, IntFunction<byte[]> frame, int width, int height, double fps) throws IOException {
        Rational rate = rate(fps);
        H264Encoder encoder = new H264Encoder(new ConstantQuality(QP));
        Picture picture = Picture.create(width + (width & 1), height + (height & 1), ColorSpace.YUV420J);
        ByteBuffer buffer = ByteBuffer.allocate(encoder.estimateBufferSize(picture));
        try (FileChannelWrapper channel = NIOUtils.writableChannel(path.toFile())) {
            MP4Muxer muxer = MP4Muxer.createMP4MuxerToChannel(channel);
            MuxerTrack track = muxer.addVideoTrack(Codec.H264, VideoCodecMeta.createSimpleVideoCodecMeta(
                    new Size(picture.getWidth(), picture.getHeight()), ColorSpace.YUV420J));
            for (int i = 0; i < count; i++) {
                Mp4Colour.BT601_LIMITED.toYuv420(frame.apply(i), width, height, picture);
                buffer.clear();
                VideoEncoder.EncodedFrame encoded = encoder.encodeFrame(picture, buffer);
                track.addFrame(Packet.createPacket(NIOUtils.clone(encoded.getData()), (long) i * rate.getDen(),
                        rate.getNum(), rate.getDen(), i,
                        encoded.isKeyFrame() ? Packet.FrameType.KEY : Packet.FrameType.INTER, null));
            }
            muxer.finish();
        }
    }

    /** The same quantiser for every macroblock of every frame, whatever the size. */
    private record ConstantQuality(int qp) implements RateControl {
        @Override
        public int startPicture(Size size, int maxSize, SliceType type) {
            return qp;
        }

        @Override
        public int initialQpDelta() {
            return 0;
        }

        @Override
        public int accept(int bits) {
            return 0;
        }
    }

    /** {@code fps} as a timescale and frame duration: whole rates exactly, NTSC rates as n·1000/1001, else in ms. */
    static Rational rate(double fps) {
        if (Math.abs(fps - Math.rint(fps)) < 1e-9) {
            return Rational.R((int) Math.rint(fps), 1);
        }
        double ntsc = fps * 1.001;
        if (Math.abs(ntsc - Math.rint(ntsc)) < 1e-6) {
            return Rational.R((int) Math.rint(ntsc) * 1000, 1001);
        }
        return Rational.reduce((int) Math.round(fps * 1000), 1000);
    }
}
