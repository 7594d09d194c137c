package io.sitewatch.appliance.signal.msg;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.appliance.signal.SignalCore;
import io.sitewatch.appliance.signal.SignalSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every message type in the contract has a record, and every client type exactly one handler. */
class ProtocolDocTest {

    static final Path PROTOCOL = Path.of("..", "docs", "protocol.md");

    static Set<String> typesInProtocol() throws Exception {
        Matcher m = Pattern.compile("\"type\":\"([a-z-]+)\"").matcher(Files.readString(PROTOCOL));
        Set<String> types = new HashSet<>();
        while (m.find()) {
            types.add(m.group(1));
        }
        return types;
    }

    @Test
    void everyTypeInProtocolHasARecord() throws Exception {
        Set<String> known = new HashSet<>(Codec.INBOUND_TYPES.keySet());
        known.addAll(Codec.OUTBOUND_TYPES.keySet());
        assertThat(typesInProtocol()).isNotEmpty().allSatisfy(type -> assertThat(known).contains(type));
        String text = Files.readString(PROTOCOL);
        assertThat(known).allSatisfy(type -> assertThat(text).containsAnyOf("\"" + type + "\"", "`" + type + "`"));
    }

    @Test
    void everyClientTypeHasAHandler() {
        SignalCore core = new SignalCore(SignalSettings.defaults(), t -> Optional.empty(), id -> Optional.empty(),
                io.sitewatch.appliance.signal.SessionJournal.NONE, io.sitewatch.appliance.signal.ClientSettings.NONE,
                io.sitewatch.appliance.signal.SignalObserver.NONE, Clock.systemUTC());
        assertThat(core.handledTypes()).containsExactlyInAnyOrderElementsOf(Codec.INBOUND_TYPES.values());
    }

    @Test
    void relayedTypesAreClientTypes() {
        assertThat(Codec.INBOUND_TYPES.keySet()).containsAll(Codec.RELAYED_TYPES);
    }
}
