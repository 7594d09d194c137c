package io.sitewatch.cli.commands;

import io.nayuki.qrcodegen.QrCode;
import java.util.ArrayList;
import java.util.List;

/**
 * A QR code drawn in a terminal with Unicode half blocks: one character cell holds two modules, one above the
 * other, so the code stays square and small enough for an 80x24 SSH window.
 */
final class QrText {

    /** Black on bright white, whatever the terminal's own colours: phones read dark modules on a light field. */
    private static final String DARK_ON_LIGHT = "\u001b[30;107m";
    private static final String RESET = "\u001b[0m";
    /** Two modules of light margin; scanners find the code with less than the four the standard asks for. */
    static final int QUIET = 2;

    private QrText() {}

    /**
     * The lines of the code. With {@code colours}, the whole code is drawn dark on light; without, dark modules
     * are ink on whatever the background is (right for light backgrounds, files and paper).
     */
    static List<String> render(String text, boolean colours) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.LOW);
        int size = qr.size + 2 * QUIET;
        List<String> lines = new ArrayList<>();
        for (int y = 0; y < size; y += 2) {
            StringBuilder line = new StringBuilder(colours ? DARK_ON_LIGHT : "");
            for (int x = 0; x < size; x++) {
                line.append(cell(dark(qr, x, y), y + 1 < size && dark(qr, x, y + 1)));
            }
            lines.add(line.append(colours ? RESET : "").toString());
        }
        return lines;
    }

    private static boolean dark(QrCode qr, int x, int y) {
        return qr.getModule(x - QUIET, y - QUIET); // false outside the code: the quiet zone
    }

    private static char cell(boolean top, boolean bottom) {
        if (top && bottom) {
            return '█';
        }
        if (top) {
            return '▀';
        }
        return bottom ? '▄' : ' ';
    }
}
