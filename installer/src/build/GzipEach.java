import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Build step, run by the JDK's source launcher: {@code GzipEach DIR SUFFIX} writes FILE.gz beside every FILE in DIR
 * ending in SUFFIX, at level 9 and without a name or time stamp in the header (what Debian wants of man pages,
 * "gzip -9n"), so the package is the same from build to build.
 */
public class GzipEach {

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(args[1])).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("nothing to compress in " + dir + " (*" + args[1] + ")");
        }
        for (Path file : files) {
            Path gz = file.resolveSibling(file.getFileName() + ".gz");
            try (OutputStream out = new BestGzip(Files.newOutputStream(gz))) {
                Files.copy(file, out);
            }
        }
    }

    /** GZIPOutputStream writes no file name and a zero time stamp already; this only raises the level. */
    static final class BestGzip extends GZIPOutputStream {
        BestGzip(OutputStream out) throws IOException {
            super(out);
            def.setLevel(Deflater.BEST_COMPRESSION);
        }
    }
}
