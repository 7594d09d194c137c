package io.sitewatch.appliance.signal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A signaling core with in-memory credentials, sites and journal, and helpers to drive it like clients. */
final class CoreFixture {

    static final ObjectMapper JSON = new ObjectMapper();

    final ManualClock clock = new ManualClock(1_700_000_000_000L);
    final Map<String, Identity> tokens = new HashMap<>();
    final Map<String, SiteDirectory.SiteInfo> sites = new LinkedHashMap<>();
    final MemoryJournal journal = new MemoryJournal();
    final List<SignalObserver.Event> events = new ArrayList<>();
    final List<SignalObserver.Event> live = new ArrayList<>();
    SignalCore core;
    /** Credential checks made, and how many of them while the core's monitor was held. */
    int credentialChecks;
    int credentialChecksUnderMonitor;

    CoreFixture() {
        this(SignalSettings.defaults());
    }

    CoreFixture(SignalSettings settings) {
        core = newCore(settings);
    }

    SignalCore newCore(SignalSettings settings) {
        SignalObserver observer = new SignalObserver() {
            @Override
            public void event(Event event) {
                events.add(event);
            }

            @Override
            public void live(Event event) {
                live.add(event);
            }
        };
        return new SignalCore(settings, token -> {
                    credentialChecks++;
                    if (core != null && Thread.holdsLock(core)) {
                        credentialChecksUnderMonitor++;
                    }
                    return Optional.ofNullable(tokens.get(token));
                },
                id -> Optional.ofNullable(sites.get(id)), journal,
                new ClientSettings() {
                    @Override
                    public List<JsonNode> iceServers(Identity identity) {
                        return List.of(JSON.createObjectNode().put("urls", "stun:stun.example:3478"));
                    }

                    @Override
                    public JsonNode tiers(Identity identity) {
                        return identity.isSite() ? JSON.createObjectNode().put("low", 1) : null;
                    }
                }, observer, clock);
    }

    /** Registers a site in group "default" with token "site-token:ID". */
    String site(String id) {
        return site(id, "default");
    }

    String site(String id, String group) {
        sites.put(id, new SiteDirectory.SiteInfo(id, "Site " + id, group, true));
        String token = "site-token:" + id;
        tokens.put(token, Identity.site(id, "Site " + id, "cred-" + id, group));
        return token;
    }

    /** Registers an operator allowed every group, with token "op-token:NAME". */
    String operator(String name) {
        return operator(name, null);
    }

    String operator(String name, Set<String> groups) {
        String token = "op-token:" + name;
        tokens.put(token, Identity.operator(name, "cred-" + name, groups));
        return token;
    }

    /** A connected, welcomed client. */
    final class Client {
        final FakeLink link = new FakeLink(clock);
        String sessionId;
        String resumeToken;
        JsonNode welcome;

        Client connect() {
            core.open(link);
            return this;
        }

        Client hello(String token) {
            return hello(token, null);
        }

        Client hello(String token, String resume) {
            ObjectNode hello = JSON.createObjectNode().put("type", "hello").put("token", token);
            if (resume != null) {
                hello.put("resume", resume);
            }
            send(hello);
            for (JsonNode m : link.received) {
                if ("welcome".equals(m.path("type").asText())) {
                    welcome = m;
                }
            }
            if (welcome != null) {
                sessionId = welcome.get("sessionId").asText();
                resumeToken = welcome.get("resumeToken").asText();
            }
            return this;
        }

        void sendRaw(String frame) {
            link.activity();
            core.message(link, frame);
        }

        void send(JsonNode message) {
            sendRaw(message.toString());
        }

        void send(String type, Object... fields) {
            ObjectNode m = JSON.createObjectNode().put("type", type);
            for (int i = 0; i < fields.length; i += 2) {
                m.set((String) fields[i], JSON.valueToTree(fields[i + 1]));
            }
            send(m);
        }

        List<JsonNode> drain() {
            return link.drain();
        }

        List<JsonNode> drain(String type) {
            return link.drain(type);
        }

        JsonNode error() {
            return link.last("error");
        }

        void close(int code) {
            core.closed(link, code);
        }
    }

    Client client(String token) {
        return new Client().connect().hello(token);
    }

    static final class MemoryJournal implements SessionJournal {
        final Map<String, SessionRecord> sessions = new LinkedHashMap<>();
        final Map<String, String> control = new LinkedHashMap<>();

        @Override
        public void save(SessionRecord session) {
            sessions.put(session.sessionId(), session);
        }

        @Override
        public void delete(String sessionId) {
            sessions.remove(sessionId);
        }

        @Override
        public void control(String siteId, String primarySessionId) {
            if (primarySessionId == null) {
                control.remove(siteId);
            } else {
                control.put(siteId, primarySessionId);
            }
        }

        @Override
        public Snapshot load() {
            return new Snapshot(List.copyOf(sessions.values()), Map.copyOf(control));
        }
    }
}
