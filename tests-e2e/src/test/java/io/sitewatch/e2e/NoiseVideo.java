package io.sitewatch.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A Y4M clip of grey noise for Chromium's fake camera: the fake device's own pattern compresses
 * to almost nothing, while noise makes the encoder use the bits a tier allows. The noise is
 * bounded (grey ± a little) so a high-tier encoder can still keep 30 fps instead of dropping
 * frames, and frames are small so four encoders fit in two cores.
 */
final class NoiseVideo {

    static final int WIDTH = 320;
    static final int HEIGHT = 240;
    private static final int FRAMES = 10;
    private static final int LUMA_NOISE = 24;
    private static final int CHROMA_NOISE = 8;

    private NoiseVideo() {}

    /** Writes the clip once and returns its path. */
    static Path file() throws IOException {
        Path file = BrowserTest.ARTIFACTS.resolveSibling("noise-" + WIDTH + "x" + HEIGHT + ".y4m");
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(file.getParent());
        Random random = new Random(42);
        int luma = WIDTH * HEIGHT;
        byte[] frame = new byte[luma * 3 / 2];
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(("YUV4MPEG2 W" + WIDTH + " H" + HEIGHT + " F30:1 Ip A1:1 C420jpeg\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < FRAMES; i++) {
                for (int p = 0; p < frame.length; p++) {
                    int spread = p < luma ? LUMA_NOISE : CHROMA_NOISE;
                    frame[p] = (byte) (128 + random.nextInt(2 * spread + 1) - spread);
                }
                out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                out.write(frame);
            }
        }
        return file;
    }
}
