package io.sitewatch.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.nayuki.qrcodegen.QrCode;
import java.util.List;
import org.junit.jupiter.api.Test;

class QrTextTest {

    static final String URL = "https://box.example:8443/site/?token=sAbCdEfGhIjKlMnOp.qRsTuVwXyZ0123456789&autostart=1";

    /** Reading the half blocks back gives every module of the code, with a light margin around it. */
    @Test
    void halfBlocksHoldTwoModulesPerCellAndTheMarginIsLight() {
        QrCode qr = QrCode.encodeText(URL, QrCode.Ecc.LOW);
        List<String> lines = QrText.render(URL, false);
        int size = qr.size + 2 * QrText.QUIET;
        assertThat(lines).hasSize((size + 1) / 2).allSatisfy(l -> assertThat(l).hasSize(size));
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                char cell = lines.get(y / 2).charAt(x);
                boolean dark = y % 2 == 0 ? cell == '█' || cell == '▀' : cell == '█' || cell == '▄';
                boolean inCode = x >= QrText.QUIET && y >= QrText.QUIET && x < qr.size + QrText.QUIET
                        && y < qr.size + QrText.QUIET;
                assertThat(dark).as("module %d,%d", x, y)
                        .isEqualTo(inCode && qr.getModule(x - QrText.QUIET, y - QrText.QUIET));
            }
        }
    }

    @Test
    void onATerminalTheCodeIsDrawnDarkOnLightWhateverTheBackground() {
        List<String> lines = QrText.render(URL, true);
        assertThat(lines).allSatisfy(l -> assertThat(l).startsWith("\u001b[30;107m").endsWith("\u001b[0m"));
    }

    @Test
    void aKioskUrlFitsAnEightyColumnTerminal() {
        assertThat(QrText.render(URL, false)).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80))
                .size().isLessThanOrEqualTo(40);
    }
}
