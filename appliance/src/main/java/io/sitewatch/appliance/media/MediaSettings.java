package io.sitewatch.appliance.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sitewatch.appliance.config.Config;
import io.sitewatch.appliance.signal.ClientSettings;
import io.sitewatch.appliance.signal.Identity;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What clients get in {@code welcome} for their media: the configured STUN servers, TURN
 * with static credentials or time-limited ones in the TURN REST scheme (username
 * {@code <expiry>:<id>}, credential {@code base64(HMAC-SHA1(secret, username))}, which coturn
 * checks with {@code use-auth-secret}), and for sites the tier presets.
 */
public final class MediaSettings implements ClientSettings {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Config.Ice ice;
    private final ObjectNode tiers;
    private final String standby;
    private final Clock clock;

    /** @param standby the standby's signaling URL announced in welcome; blank when there is none */
    public MediaSettings(Config.Ice ice, Config.Tiers tiers, String standby, Clock clock) {
        this.ice = ice;
        this.standby = standby == null || standby.isBlank() ? null : standby;
        this.tiers = JSON.objectNode();
        this.tiers.set("low", preset(tiers.low()));
        this.tiers.set("high", preset(tiers.high()));
        this.clock = clock;
    }

    @Override
    public List<JsonNode> iceServers(Identity identity) {
        List<JsonNode> servers = new ArrayList<>();
        if (!ice.stun().isEmpty()) {
            servers.add(entry(ice.stun()));
        }
        if (!ice.turn().isEmpty()) {
            ObjectNode turn = entry(ice.turn());
            if (ice.turnSecret().isEmpty()) {
                turn.put("username", ice.turnUsername()).put("credential", ice.turnCredential());
            } else {
                long expiry = clock.instant().getEpochSecond() + ice.turnTtlSeconds();
                String username = expiry + ":" + identity.id();
                turn.put("username", username).put("credential", hmac(ice.turnSecret(), username));
            }
            servers.add(turn);
        }
        return servers;
    }

    @Override
    public JsonNode tiers(Identity identity) {
        return identity.isSite() ? tiers.deepCopy() : null;
    }

    @Override
    public String standby() {
        return standby;
    }

    private static ObjectNode preset(Config.Tier tier) {
        return JSON.objectNode().put("height", tier.height()).put("kbps", tier.kbps()).put("fps", tier.fps());
    }

    private static ObjectNode entry(List<String> urls) {
        ObjectNode node = JSON.objectNode();
        urls.forEach(node.putArray("urls")::add);
        return node;
    }

    static String hmac(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
