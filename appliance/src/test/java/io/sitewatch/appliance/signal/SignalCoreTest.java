package io.sitewatch.appliance.signal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sitewatch.appliance.signal.CoreFixture.Client;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The rules of protocol.md, checked against the core without sockets and without sleeping. */
class SignalCoreTest {

    final CoreFixture f = new CoreFixture();

    static List<String> types(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("type").asText()).toList();
    }

    static List<String> ids(JsonNode array, String field) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(p -> p.get(field).asText())
                .toList();
    }

    @Nested
    class SessionRules {

        @Test
        void siteTokenGetsSiteWelcome() {
            Client site = f.client(f.site("w1"));
            JsonNode welcome = site.welcome;
            assertThat(welcome.get("role").asText()).isEqualTo("site");
            assertThat(welcome.get("id").asText()).isEqualTo("w1");
            assertThat(welcome.get("sessionId").asText()).isNotBlank();
            assertThat(welcome.get("resumeToken").asText()).isNotBlank();
            assertThat(welcome.get("heartbeatMs").asLong()).isEqualTo(15_000);
            assertThat(welcome.get("iceServers").get(0).get("urls").asText()).isEqualTo("stun:stun.example:3478");
            assertThat(welcome.get("features")).extracting(JsonNode::asText).contains("resume", "rooms");
        }

        @Test
        void helloChecksTheCredentialOnceAndOutsideTheCoreMonitor() {
            Client site = f.client(f.site("w1"));
            site.send("hello", "token", "site-token:w1");
            assertThat(site.error().get("code").asText()).isEqualTo("bad-message");
            assertThat(f.credentialChecks).isEqualTo(1);
            assertThat(f.credentialChecksUnderMonitor).isZero();
        }

        @Test
        void operatorTokenGetsOperatorWelcomeListingOnlineSitesAndOperators() {
            Client site = f.client(f.site("w1"));
            f.site("w2");
            Client other = f.client(f.operator("bob"));
            Client op = f.client(f.operator("ann"));
            assertThat(op.welcome.get("role").asText()).isEqualTo("operator");
            assertThat(op.welcome.get("id").asText()).isEqualTo("ann");
            assertThat(ids(op.welcome.get("peers"), "sessionId")).containsExactlyInAnyOrder(site.sessionId,
                    other.sessionId);
            JsonNode sitePeer = op.welcome.get("peers").get(0);
            assertThat(sitePeer.get("role").asText()).isEqualTo("site");
            assertThat(sitePeer.get("id").asText()).isEqualTo("w1");
            assertThat(sitePeer.get("name").asText()).isEqualTo("Site w1");
        }

        @Test
        void siteWelcomeListsOperatorsWatchingIt() {
            f.site("w1");
            Client op = f.client(f.operator("ann"));
            f.client(f.operator("bob"));
            op.send("watch", "sites", List.of("w1"));
            Client site = f.client("site-token:w1");
            assertThat(ids(site.welcome.get("peers"), "sessionId")).containsExactly(op.sessionId);
        }

        @Test
        void badCredentialIsUnauthorizedAndClosed4001() {
            Client c = f.new Client().connect().hello("nope");
            assertThat(c.error().get("code").asText()).isEqualTo("unauthorized");
            assertThat(c.link.closeCode).isEqualTo(4001);
            assertThat(c.welcome).isNull();
        }

        @Test
        void noHelloWithinTenSecondsIsUnauthorized() {
            Client c = f.new Client().connect();
            f.clock.advance(9_999);
            f.core.tick();
            assertThat(c.link.open()).isTrue();
            f.clock.advance(1);
            f.core.tick();
            assertThat(c.error().get("code").asText()).isEqualTo("unauthorized");
            assertThat(c.link.closeCode).isEqualTo(4001);
        }

        @Test
        void firstMessageOtherThanHelloIsNeverProcessed() {
            f.site("w1");
            Client c = f.new Client().connect();
            c.send("watch", "sites", List.of("w1"));
            assertThat(types(c.drain())).containsExactly("error");
            assertThat(c.link.closeCode).isEqualTo(4001);
            assertThat(f.core.sessions()).isEmpty();
        }

        @Test
        void helloAfterWelcomeIsBadMessage() {
            Client op = f.client(f.operator("ann"));
            op.drain();
            op.send("hello", "token", "op-token:ann");
            JsonNode error = op.error();
            assertThat(error.get("code").asText()).isEqualTo("bad-message");
            assertThat(error.get("ref").asText()).isEqualTo("hello");
            assertThat(op.link.open()).isTrue();
        }

        @Test
        void secondSiteSessionReplacesFirstWith4002() {
            Client first = f.client(f.site("w1"));
            Client op = f.client(f.operator("ann"));
            op.drain();
            Client second = f.client("site-token:w1");
            assertThat(first.link.closeCode).isEqualTo(4002);
            assertThat(second.sessionId).isNotEqualTo(first.sessionId);
            List<JsonNode> presence = op.drain("presence");
            assertThat(presence).extracting(p -> p.get("event").asText() + ":" + p.get("peer").get("sessionId").asText())
                    .containsExactly("offline:" + first.sessionId, "online:" + second.sessionId);
            first.close(4002); // the late close of the replaced socket
            assertThat(f.core.sessions()).extracting(SignalViews.SessionView::sessionId).contains(second.sessionId);
        }

        @Test
        void operatorsMayHoldSeveralSessions() {
            String token = f.operator("ann");
            Client tab1 = f.client(token);
            Client tab2 = f.client(token);
            assertThat(tab1.link.open()).isTrue();
            assertThat(tab2.link.open()).isTrue();
            assertThat(tab1.sessionId).isNotEqualTo(tab2.sessionId);
        }
    }

    @Nested
    class Relay {

        Client site;
        Client op;

        void watching() {
            site = f.client(f.site("w1"));
            op = f.client(f.operator("ann"));
            op.send("watch", "sites", List.of("w1"));
            site.drain();
            op.drain();
        }

        @Test
        void relayedTypesArriveUnchangedWithFromStamped() {
            watching();
            site.sendRaw("{\"type\":\"offer\",\"to\":\"" + op.sessionId + "\",\"sdp\":\"v=0\\r\\n\",\"extra\":{\"a\":[1,2]}}");
            JsonNode offer = op.drain().get(0);
            assertThat(offer.get("type").asText()).isEqualTo("offer");
            assertThat(offer.get("sdp").asText()).isEqualTo("v=0\r\n");
            assertThat(offer.get("from").asText()).isEqualTo(site.sessionId);
            assertThat(offer.get("extra").toString()).isEqualTo("{\"a\":[1,2]}");

            op.send("answer", "to", site.sessionId, "sdp", "v=0 answer");
            op.send("candidate", "to", site.sessionId, "candidate",
                    Map.of("candidate", "candidate:1 1 udp 1 1.2.3.4 5 typ host", "sdpMid", "0"));
            op.sendRaw("{\"type\":\"candidate\",\"to\":\"" + site.sessionId + "\",\"candidate\":null}");
            op.send("bye", "to", site.sessionId);
            List<JsonNode> got = site.drain();
            assertThat(types(got)).containsExactly("answer", "candidate", "candidate", "bye");
            assertThat(got).allSatisfy(m -> assertThat(m.get("from").asText()).isEqualTo(op.sessionId));
            assertThat(got.get(1).get("candidate").get("sdpMid").asText()).isEqualTo("0");
            assertThat(got.get(2).get("candidate").isNull()).isTrue();
        }

        @Test
        void clientSentFromIsOverwritten() {
            watching();
            site.send("offer", "to", op.sessionId, "sdp", "x", "from", "forged");
            assertThat(op.drain().get(0).get("from").asText()).isEqualTo(site.sessionId);
        }

        @Test
        void unknownOrOfflinePeerIsUnknownPeerWithTheTo() {
            watching();
            op.send("offer", "to", "nobody", "sdp", "x");
            JsonNode error = op.error();
            assertThat(error.get("code").asText()).isEqualTo("unknown-peer");
            assertThat(error.get("ref").asText()).isEqualTo("nobody");
            assertThat(op.link.open()).isTrue();
        }

        @Test
        void signallingAPeerYouMayNotReachIsForbiddenAndNobodyNotices() {
            watching();
            Client stranger = f.client(f.operator("bob"));
            Client otherSite = f.client(f.site("w2"));
            op.drain();
            site.drain();
            stranger.send("offer", "to", site.sessionId, "sdp", "x");
            assertThat(stranger.error().get("code").asText()).isEqualTo("forbidden");
            assertThat(stranger.error().get("ref").asText()).isEqualTo("offer");
            site.send("offer", "to", stranger.sessionId, "sdp", "x");
            assertThat(site.error().get("code").asText()).isEqualTo("forbidden");
            otherSite.send("offer", "to", site.sessionId, "sdp", "x");
            assertThat(otherSite.error().get("code").asText()).isEqualTo("forbidden");
            stranger.send("offer", "to", op.sessionId, "sdp", "x");
            assertThat(stranger.error().get("ref").asText()).isEqualTo("offer");
            op.send("offer", "to", op.sessionId, "sdp", "x");
            assertThat(op.error().get("code").asText()).isEqualTo("forbidden");
            assertThat(site.drain()).extracting(m -> m.get("type").asText()).containsOnly("error");
            assertThat(stranger.link.open()).isTrue();
        }

        @Test
        void operatorsInTheSameRoomMaySignalEachOtherUntilOneLeaves() {
            Client ann = f.client(f.operator("ann"));
            Client bob = f.client(f.operator("bob"));
            ann.send("join-room", "room", "ops");
            bob.send("join-room", "room", "ops");
            ann.drain();
            bob.send("offer", "to", ann.sessionId, "sdp", "voice");
            assertThat(ann.drain("offer")).hasSize(1);
            ann.send("leave-room", "room", "ops");
            bob.drain();
            bob.send("offer", "to", ann.sessionId, "sdp", "voice");
            assertThat(bob.error().get("code").asText()).isEqualTo("forbidden");
        }
    }

    @Nested
    class WatchAndControl {

        @Test
        void watchTellsOnlineSitesAndReplacesTheSet() {
            Client w1 = f.client(f.site("w1"));
            Client w2 = f.client(f.site("w2"));
            Client op = f.client(f.operator("ann"));
            op.send("watch", "sites", List.of("w1", "w2"));
            JsonNode joined = w1.link.last("watcher");
            assertThat(joined.get("event").asText()).isEqualTo("joined");
            assertThat(joined.get("peer").get("sessionId").asText()).isEqualTo(op.sessionId);
            assertThat(joined.get("peer").get("role").asText()).isEqualTo("operator");
            w1.drain();
            w2.drain();
            op.send("watch", "sites", List.of("w2"));
            assertThat(w1.drain("watcher")).extracting(m -> m.get("event").asText()).containsExactly("left");
            assertThat(w2.drain("watcher")).isEmpty();
            op.send("unwatch", "sites", List.of("w2"));
            assertThat(w2.drain("watcher")).extracting(m -> m.get("event").asText()).containsExactly("left");
        }

        @Test
        void watchSendsOneControlPerNewlyWatchedSite() {
            f.site("w1");
            f.site("w2");
            Client op = f.client(f.operator("ann"));
            op.drain();
            op.send("watch", "sites", List.of("w1", "w2"));
            List<JsonNode> controls = op.drain("control");
            assertThat(controls).extracting(c -> c.get("site").asText()).containsExactly("w1", "w2");
            assertThat(controls.get(0).get("primary").isNull()).isTrue();
            op.send("watch", "sites", List.of("w1", "w2"));
            assertThat(op.drain("control")).isEmpty();
        }

        @Test
        void siteGetsCurrentControlAfterWelcome() {
            f.site("w1");
            Client op = f.client(f.operator("ann"));
            op.send("watch", "sites", List.of("w1"));
            op.send("claim", "site", "w1");
            Client site = f.client("site-token:w1");
            List<JsonNode> got = site.drain();
            assertThat(types(got)).containsExactly("welcome", "control");
            assertThat(got.get(1).get("primary").asText()).isEqualTo(op.sessionId);
        }

        @Test
        void claimMakesPrimaryDemotesPreviousAndReleasesOperatorsOldSite() {
            Client w1 = f.client(f.site("w1"));
            Client w2 = f.client(f.site("w2"));
            Client ann = f.client(f.operator("ann"));
            Client bob = f.client(f.operator("bob"));
            ann.send("watch", "sites", List.of("w1", "w2"));
            bob.send("watch", "sites", List.of("w1"));
            ann.send("claim", "site", "w1");
            for (Client c : List.of(w1, ann, bob)) {
                assertThat(c.link.last("control").get("primary").asText()).isEqualTo(ann.sessionId);
            }
            bob.send("claim", "site", "w1");
            for (Client c : List.of(w1, ann, bob)) {
                JsonNode control = c.link.last("control");
                assertThat(control.get("site").asText()).isEqualTo("w1");
                assertThat(control.get("primary").asText()).isEqualTo(bob.sessionId);
            }
            ann.send("claim", "site", "w2");
            bob.send("claim", "site", "w1"); // already primary: confirmed, nothing changes
            assertThat(f.core.controls()).extracting(c -> c.site() + "=" + c.operator())
                    .containsExactly("w1=bob", "w2=ann");
            ann.drain();
            w2.drain();
            ann.send("claim", "site", "w1");
            assertThat(ann.drain("control")).extracting(c -> c.get("site").asText() + "=" + c.get("primary").asText())
                    .containsExactly("w2=null", "w1=" + ann.sessionId);
            assertThat(w2.drain("control").get(0).get("primary").isNull()).isTrue();
            assertThat(f.core.controls()).extracting(c -> c.site() + "=" + c.operator()).containsExactly("w1=ann");
        }

        @Test
        void claimOfUnwatchedSiteIsForbidden() {
            f.site("w1");
            Client op = f.client(f.operator("ann"));
            op.send("claim", "site", "w1");
            assertThat(op.error().get("code").asText()).isEqualTo("forbidden");
            assertThat(op.error().get("ref").asText()).isEqualTo("claim");
            assertThat(f.core.controls()).isEmpty();
        }

        @Test
        void releaseByPrimaryClearsReleaseByOthersChangesNothing() {
            Client site = f.client(f.site("w1"));
            Client ann = f.client(f.operator("ann"));
            Client bob = f.client(f.operator("bob"));
            ann.send("watch", "sites", List.of("w1"));
            bob.send("watch", "sites", List.of("w1"));
            ann.send("claim", "site", "w1");
            site.drain();
            bob.send("release", "site", "w1");
            assertThat(site.drain()).isEmpty();
            ann.send("release", "site", "w1");
            assertThat(site.drain("control").get(0).get("primary").isNull()).isTrue();
        }

        @Test
        void primaryLeavingByCloseOrExpiryOrUnwatchReleasesAndNoBackupIsPromoted() {
            Client site = f.client(f.site("w1"));
            Client backup = f.client(f.operator("bob"));
            backup.send("watch", "sites", List.of("w1"));
            for (String how : List.of("close", "expiry", "unwatch")) {
                Client ann = f.client(f.operator("ann"));
                ann.send("watch", "sites", List.of("w1"));
                ann.send("claim", "site", "w1");
                site.drain();
                switch (how) {
                    case "close" -> ann.close(1000);
                    case "expiry" -> {
                        ann.close(1006);
                        assertThat(site.drain("control")).isEmpty();
                        f.clock.advance(30_000);
                        f.core.tick();
                    }
                    default -> ann.send("unwatch", "sites", List.of("w1"));
                }
                assertThat(site.drain("control")).as(how).singleElement()
                        .satisfies(c -> assertThat(c.get("primary").isNull()).isTrue());
                assertThat(f.core.controls()).as(how).isEmpty();
            }
        }

        @Test
        void unknownSiteInWatchIsUnknownPeerAndTheRestApplies() {
            f.site("w1");
            Client op = f.client(f.operator("ann"));
            op.send("watch", "sites", List.of("w1", "ghost"));
            assertThat(op.error().get("code").asText()).isEqualTo("unknown-peer");
            assertThat(op.error().get("ref").asText()).isEqualTo("ghost");
            assertThat(f.core.sessions().get(0).watching()).containsExactly("w1");
        }

        @Test
        void sitesMayNotWatchOrClaim() {
            Client site = f.client(f.site("w1"));
            for (String type : List.of("watch", "unwatch")) {
                site.send(type, "sites", List.of("w1"));
                assertThat(site.error().get("code").asText()).isEqualTo("forbidden");
                assertThat(site.error().get("ref").asText()).isEqualTo(type);
            }
            site.send("claim", "site", "w1");
            assertThat(site.error().get("ref").asText()).isEqualTo("claim");
            site.send("join-room", "room", "x");
            assertThat(site.error().get("ref").asText()).isEqualTo("join-room");
            site.send("release", "site", "w1");
            assertThat(site.error().get("ref").asText()).isEqualTo("release");
            site.send("leave-room", "room", "x");
            assertThat(site.error().get("code").asText()).isEqualTo("forbidden");
            assertThat(site.error().get("ref").asText()).isEqualTo("leave-room");
        }

        @Test
        void oversizedWatchSetIsTooLarge() {
            Client op = f.client(f.operator("ann"));
            op.send("watch", "sites", java.util.stream.IntStream.range(0, 65).mapToObj(i -> "s" + i).toList());
            assertThat(op.error().get("code").asText()).isEqualTo("too-large");
        }
    }

    @Nested
    class VoiceRooms {

        @Test
        void joinListsMembersAndTellsOthers() {
            Client ann = f.client(f.operator("ann"));
            Client bob = f.client(f.operator("bob"));
            ann.send("join-room", "room", "ops");
            JsonNode room = ann.link.last("room");
            assertThat(room.get("room").asText()).isEqualTo("ops");
            assertThat(room.get("members")).isEmpty();
            bob.send("join-room", "room", "ops");
            assertThat(ids(bob.link.last("room").get("members"), "sessionId")).containsExactly(ann.sessionId);
            JsonNode event = ann.link.last("room-event");
            assertThat(event.get("event").asText()).isEqualTo("joined");
            assertThat(event.get("peer").get("sessionId").asText()).isEqualTo(bob.sessionId);
            ann.drain();
            bob.send("leave-room", "room", "ops");
            JsonNode left = ann.drain("room-event").get(0);
            assertThat(left.get("event").asText()).isEqualTo("left");
            assertThat(f.core.rooms()).singleElement().satisfies(r -> assertThat(r.members()).containsExactly(ann.sessionId));
        }

        @Test
        void fullRoomIsRefusedWithRoomFull() {
            for (int i = 0; i < 6; i++) {
                f.client(f.operator("op" + i)).send("join-room", "room", "ops");
            }
            Client seventh = f.client(f.operator("op6"));
            seventh.send("join-room", "room", "ops");
            assertThat(seventh.error().get("code").asText()).isEqualTo("room-full");
            assertThat(seventh.error().get("ref").asText()).isEqualTo("ops");
            assertThat(f.core.rooms().get(0).members()).hasSize(6);
        }

        @Test
        void endingSessionLeavesItsRooms() {
            Client ann = f.client(f.operator("ann"));
            Client bob = f.client(f.operator("bob"));
            ann.send("join-room", "room", "ops");
            bob.send("join-room", "room", "ops");
            ann.drain();
            bob.close(1000);
            assertThat(ann.drain("room-event")).extracting(e -> e.get("event").asText()).containsExactly("left");
        }
    }

    @Nested
    class StatusAndPresence {

        @Test
        void statusIsKeptPerPairAndShownInPresenceOnStateChange() {
            Client site = f.client(f.site("w1"));
            Client op = f.client(f.operator("ann"));
            Client other = f.client(f.operator("bob"));
            op.send("watch", "sites", List.of("w1"));
            other.drain();
            op.send("status", "peer", site.sessionId, "state", "connected", "stats",
                    Map.of("rttMs", 12, "kbpsIn", 900, "fps", 30, "route", "host", "junk", "x".repeat(100)));
            JsonNode update = other.drain("presence").get(0);
            assertThat(update.get("event").asText()).isEqualTo("update");
            JsonNode state = update.get("peer").get("state");
            assertThat(state.get("state").asText()).isEqualTo("connected");
            assertThat(state.get("stats").get("rttMs").asInt()).isEqualTo(12);
            assertThat(state.get("stats").has("junk")).isFalse();
            assertThat(f.core.links()).singleElement().satisfies(l -> {
                assertThat(l.fromId()).isEqualTo("ann");
                assertThat(l.toId()).isEqualTo("w1");
                assertThat(l.state()).isEqualTo("connected");
            });
            op.send("status", "peer", site.sessionId, "state", "connected", "stats", Map.of("rttMs", 13));
            assertThat(other.drain("presence")).isEmpty();
            assertThat(f.events).extracting(SignalObserver.Event::kind).containsOnlyOnce("link-state");
        }

        @Test
        void eventsCarryTheirFactsAndUnchangedStatesAreLiveOnly() {
            Client site = f.client(f.site("w1"));
            Client op = f.client(f.operator("ann"));
            op.send("watch", "sites", List.of("w1"));
            op.send("watch", "sites", List.of("w1"));
            op.send("claim", "site", "w1");
            op.send("status", "peer", site.sessionId, "state", "connected", "stats", Map.of("kbpsIn", 900));
            op.send("status", "peer", site.sessionId, "state", "connected", "stats", Map.of("kbpsIn", 800));
            op.send("unwatch", "sites", List.of("w1"));

            assertThat(f.events).extracting(SignalObserver.Event::kind).containsExactly("session-open",
                    "session-open", "watch", "control", "link-state", "control", "watch");
            assertThat(f.events.get(0).data()).containsEntry("role", "site").containsEntry("id", "w1");
            assertThat(f.events.get(2).data()).containsEntry("operator", "ann").containsEntry("sites", List.of("w1"));
            assertThat(f.events.get(3).data()).containsEntry("site", "w1").containsEntry("primary", op.sessionId)
                    .containsEntry("operator", "ann");
            assertThat(f.events.get(4).data()).containsEntry("from", "ann").containsEntry("to", "w1")
                    .containsEntry("state", "connected");
            assertThat(f.events.get(5).data()).containsEntry("primary", null);
            assertThat(f.events.get(6).data()).containsEntry("sites", List.of());
            assertThat(f.live).singleElement().satisfies(e -> {
                assertThat(e.kind()).isEqualTo("link-stats");
                assertThat(((JsonNode) e.data().get("stats")).get("kbpsIn").asInt()).isEqualTo(800);
            });
        }

        @Test
        void reportsAboutASessionEndWithEitherSide() {
            Client site = f.client(f.site("w1"));
            Client ann = f.client(f.operator("ann"));
            Client bob = f.client(f.operator("bob"));
            ann.send("watch", "sites", List.of("w1"));
            bob.send("watch", "sites", List.of("w1"));
            ann.send("status", "peer", site.sessionId, "state", "connected");
            bob.send("status", "peer", site.sessionId, "state", "connected");
            site.send("status", "peer", ann.sessionId, "state", "connected");
            assertThat(f.core.links()).hasSize(3);
            ann.close(1000);
            assertThat(f.core.links()).singleElement().satisfies(l -> assertThat(l.fromId()).isEqualTo("bob"));
            site.close(1000);
            assertThat(f.core.links()).isEmpty();
        }

        @Test
        void nonFiniteStatsAreNotKept() {
            Client site = f.client(f.site("w1"));
            Client op = f.client(f.operator("ann"));
            Client other = f.client(f.operator("bob"));
            op.send("watch", "sites", List.of("w1"));
            other.drain();
            op.sendRaw("{\"type\":\"status\",\"peer\":\"" + site.sessionId + "\",\"state\":\"connected\","
                    + "\"stats\":{\"rttMs\":1e400,\"kbpsOut\":-1e400,\"kbpsIn\":12.5,\"fps\":1e308}}");
            JsonNode stats = other.drain("presence").get(0).get("peer").get("state").get("stats");
            assertThat(stats.has("rttMs")).isFalse();
            assertThat(stats.has("kbpsOut")).isFalse();
            assertThat(stats.get("kbpsIn").asDouble()).isEqualTo(12.5);
            assertThat(stats.get("fps").asDouble()).isEqualTo(1e308);
            assertThat(f.core.links()).singleElement()
                    .satisfies(l -> assertThat(l.stats().toString()).doesNotContain("Infinity"));
        }

        @Test
        void badStatusIsBadMessageAndStatusAboutUnreachablePeerIsRefused() {
            Client site = f.client(f.site("w1"));
            Client op = f.client(f.operator("ann"));
            op.send("status", "peer", site.sessionId, "state", "excellent");
            assertThat(op.error().get("code").asText()).isEqualTo("bad-message");
            op.send("status", "peer", site.sessionId, "state", "connected");
            assertThat(op.error().get("code").asText()).isEqualTo("forbidden");
            op.send("status", "peer", "ghost", "state", "connected");
            assertThat(op.error().get("code").asText()).isEqualTo("unknown-peer");
        }

        @Test
        void presenceOnlineAndOfflineGoToOperators() {
            Client op = f.client(f.operator("ann"));
            Client site = f.client(f.site("w1"));
            JsonNode online = op.link.last("presence");
            assertThat(online.get("event").asText()).isEqualTo("online");
            assertThat(online.get("peer").get("id").asText()).isEqualTo("w1");
            site.close(1000);
            JsonNode offline = op.link.last("presence");
            assertThat(offline.get("event").asText()).isEqualTo("offline");
            assertThat(offline.get("peer").get("sessionId").asText()).isEqualTo(site.sessionId);
        }
    }

    @Nested
    class Reconnect {

        @Test
        void pingGetsPong() {
            Client op = f.client(f.operator("ann"));
            op.drain();
            op.send("ping");
            assertThat(types(op.drain())).containsExactly("pong");
        }

        @Test
        void serverPingsEveryHeartbeatAndDropsSilentSessions() {
            Client op = f.client(f.operator("ann"));
            f.clock.advance(15_000);
            f.core.tick();
            assertThat(op.link.pings).isEqualTo(1);
            f.clock.advance(15_000);
            f.core.tick();
            assertThat(op.link.pings).isEqualTo(2);
            f.clock.advance(14_999);
            f.core.tick();
            assertThat(op.link.aborted).isFalse();
            f.clock.advance(1);
            f.core.tick();
            assertThat(op.link.aborted).isTrue();
            assertThat(f.core.sessions()).singleElement().satisfies(s -> assertThat(s.connected()).isFalse());
        }

        @Test
        void activityKeepsASessionAlive() {
            Client op = f.client(f.operator("ann"));
            for (int i = 0; i < 10; i++) {
                f.clock.advance(15_000);
                op.link.activity(); // e.g. a pong frame
                f.core.tick();
            }
            assertThat(op.link.aborted).isFalse();
        }

        @Test
        void resumeWithinWindowKeepsSessionIdDeliversBacklogAndPeersSeeNoOffline() {
            Client site = f.client(f.site("w1"));
            Client op = f.client(f.operator("ann"));
            op.send("watch", "sites", List.of("w1"));
            op.drain();
            site.close(1006);
            Client watcher = f.client(f.operator("bob"));
            watcher.send("watch", "sites", List.of("w1"));
            op.send("offer", "to", site.sessionId, "sdp", "while away");
            f.clock.advance(29_000);
            f.core.tick();
            Client back = f.new Client().connect().hello("site-token:w1", site.resumeToken);
            assertThat(back.sessionId).isEqualTo(site.sessionId);
            assertThat(back.resumeToken).isNotEqualTo(site.resumeToken);
            assertThat(types(back.drain())).containsExactly("welcome", "watcher", "offer", "control");
            assertThat(op.drain("presence")).extracting(p -> p.get("event").asText()).doesNotContain("offline");
        }

        @Test
        void operatorResumingGetsTheCurrentControlOfEveryWatchedSiteAfterItsBacklog() {
            f.client(f.site("w1"));
            f.client(f.site("w2"));
            Client ann = f.client(f.operator("ann"));
            Client bob = f.client(f.operator("bob"));
            ann.send("watch", "sites", List.of("w1", "w2"));
            bob.send("watch", "sites", List.of("w1", "w2"));
            ann.send("claim", "site", "w1");
            bob.send("claim", "site", "w1"); // this control may be lost in ann's breaking connection
            ann.close(1006);
            bob.send("claim", "site", "w2"); // releases w1; both queued for ann while she is away
            Client back = f.new Client().connect().hello("op-token:ann", ann.resumeToken);
            assertThat(back.sessionId).isEqualTo(ann.sessionId);
            List<JsonNode> controls = back.drain("control");
            assertThat(controls).extracting(c -> c.get("site").asText() + "=" + c.get("primary").asText(null))
                    .containsExactly("w1=null", "w2=" + bob.sessionId, "w1=null", "w2=" + bob.sessionId);
        }

        @Test
        void siteResumingHearsTheCurrentControlAfterOlderOnesQueuedForIt() {
            Client site = f.client(f.site("w1"));
            Client ann = f.client(f.operator("ann"));
            Client bob = f.client(f.operator("bob"));
            ann.send("watch", "sites", List.of("w1"));
            bob.send("watch", "sites", List.of("w1"));
            site.close(1006);
            ann.send("claim", "site", "w1");
            bob.send("claim", "site", "w1");
            Client back = f.new Client().connect().hello("site-token:w1", site.resumeToken);
            assertThat(back.drain("control")).extracting(c -> c.get("primary").asText())
                    .containsExactly(ann.sessionId, bob.sessionId, bob.sessionId);
        }

        @Test
        void resumeAfterWindowGivesNewSession() {
            Client site = f.client(f.site("w1"));
            Client op = f.client(f.operator("ann"));
            site.close(1006);
            f.clock.advance(30_000);
            f.core.tick();
            assertThat(op.link.last("presence").get("event").asText()).isEqualTo("offline");
            Client back = f.new Client().connect().hello("site-token:w1", site.resumeToken);
            assertThat(back.sessionId).isNotEqualTo(site.sessionId);
        }

        @Test
        void resumeTokenWorksOnlyWithItsCredential() {
            Client ann = f.client(f.operator("ann"));
            ann.close(1006);
            Client thief = f.new Client().connect().hello(f.operator("eve"), ann.resumeToken);
            assertThat(thief.sessionId).isNotEqualTo(ann.sessionId);
            Client back = f.new Client().connect().hello("op-token:ann", ann.resumeToken);
            assertThat(back.sessionId).isEqualTo(ann.sessionId);
        }

        @Test
        void resumeWhileOldSocketStillOpenClosesTheOldOneAndItsLateCloseIsIgnored() {
            Client op = f.client(f.operator("ann"));
            Client again = f.new Client().connect().hello("op-token:ann", op.resumeToken);
            assertThat(again.sessionId).isEqualTo(op.sessionId);
            assertThat(op.link.closeCode).isEqualTo(4002);
            op.close(1000);
            assertThat(f.core.sessions()).singleElement().satisfies(s -> assertThat(s.connected()).isTrue());
        }

        @Test
        void normalCloseEndsAtOnce() {
            Client site = f.client(f.site("w1"));
            Client op = f.client(f.operator("ann"));
            site.close(1000);
            assertThat(op.link.last("presence").get("event").asText()).isEqualTo("offline");
            assertThat(f.core.sessions()).hasSize(1);
        }

        @Test
        void sessionsWatchSetsAndControlSurviveARestart() {
            Client site = f.client(f.site("w1"));
            Client op = f.client(f.operator("ann"));
            op.send("watch", "sites", List.of("w1"));
            op.send("claim", "site", "w1");
            op.send("join-room", "room", "ops");
            f.core.shutdown();
            assertThat(site.link.closeCode).isEqualTo(1001);
            assertThat(op.link.closeCode).isEqualTo(1001);

            f.core = f.newCore(SignalSettings.defaults());
            f.core.restore();
            Client opBack = f.new Client().connect().hello("op-token:ann", op.resumeToken);
            Client siteBack = f.new Client().connect().hello("site-token:w1", site.resumeToken);
            assertThat(opBack.sessionId).isEqualTo(op.sessionId);
            assertThat(siteBack.sessionId).isEqualTo(site.sessionId);
            assertThat(siteBack.link.last("control").get("primary").asText()).isEqualTo(op.sessionId);
            assertThat(ids(siteBack.welcome.get("peers"), "sessionId")).containsExactly(op.sessionId);
            assertThat(f.core.rooms()).singleElement().satisfies(r -> assertThat(r.members()).hasSize(1));
            assertThat(types(siteBack.drain())).doesNotContain("watcher");
        }

        @Test
        void restoredSessionsThatDoNotResumeExpire() {
            f.client(f.site("w1"));
            f.core.shutdown();
            f.core = f.newCore(SignalSettings.defaults());
            f.core.restore();
            f.clock.advance(30_000);
            f.core.tick();
            assertThat(f.core.sessions()).isEmpty();
            assertThat(f.journal.sessions).isEmpty();
        }
    }

    @Nested
    class Errors {

        Client op;

        void connected() {
            op = f.client(f.operator("ann"));
            op.drain();
        }

        @Test
        void malformedFramesGetBadMessageWithoutRef() {
            connected();
            for (String frame : List.of("not json", "[1,2]", "{\"no\":\"type\"}", "{\"type\":7}", "\"x\"",
                    "{\"type\":\"ping\",\"type\":\"ping\"}")) {
                op.sendRaw(frame);
                JsonNode error = op.error();
                assertThat(error.get("code").asText()).as(frame).isEqualTo("bad-message");
                assertThat(error.has("ref")).as(frame).isFalse();
                assertThat(error.get("message").asText()).isNotBlank();
            }
            assertThat(op.link.open()).isTrue();
        }

        @Test
        void unknownTypeIsUnknownTypeWithTheType() {
            connected();
            for (String type : List.of("teleport", "welcome", "pong", "presence")) {
                op.send(type);
                assertThat(op.error().get("code").asText()).isEqualTo("unknown-type");
                assertThat(op.error().get("ref").asText()).isEqualTo(type);
            }
        }

        @Test
        void missingOrMistypedFieldsAreBadMessageWithTheType() throws Exception {
            connected();
            for (String frame : List.of("{\"type\":\"offer\",\"sdp\":\"x\"}", "{\"type\":\"offer\",\"to\":5,\"sdp\":\"x\"}",
                    "{\"type\":\"candidate\",\"to\":\"x\"}", "{\"type\":\"watch\",\"sites\":\"w1\"}",
                    "{\"type\":\"watch\",\"sites\":[1]}", "{\"type\":\"watch\",\"sites\":[null]}",
                    "{\"type\":\"claim\"}", "{\"type\":\"join-room\",\"room\":\"\"}",
                    "{\"type\":\"status\",\"peer\":\"x\"}", "{\"type\":\"offer\",\"to\":null,\"sdp\":\"x\"}")) {
                op.sendRaw(frame);
                JsonNode error = op.error();
                assertThat(error.get("code").asText()).as(frame).isEqualTo("bad-message");
                assertThat(error.get("ref").asText()).as(frame)
                        .isEqualTo(CoreFixture.JSON.readTree(frame).get("type").asText());
            }
        }

        @Test
        void normalIceExchangeIsNeverLimited() throws Exception {
            Client site = f.client(f.site("w1"));
            connected();
            op.send("watch", "sites", List.of("w1"));
            for (int round = 0; round < 3; round++) {
                site.send("offer", "to", op.sessionId, "sdp", "x");
                for (int i = 0; i < 50; i++) {
                    site.send("candidate", "to", op.sessionId, "candidate", "c" + i);
                }
                f.clock.advance(2_000);
            }
            assertThat(site.link.all("error")).isEmpty();
            assertThat(op.link.all("candidate")).hasSize(150);
        }

        @Test
        void floodIsRateLimitedThenClosed4008AndOthersNeverNotice() {
            Client bystander = f.client(f.operator("bob"));
            connected();
            bystander.drain();
            int sent = 0;
            while (op.link.open() && sent < 5_000) {
                op.send("ping");
                sent++;
            }
            assertThat(op.link.all("pong")).hasSize(400);
            assertThat(op.link.all("error")).extracting(e -> e.get("code").asText()).contains("rate-limited")
                    .containsOnly("rate-limited");
            assertThat(op.link.closeCode).isEqualTo(4008);
            assertThat(types(bystander.drain())).containsOnly("presence");
            bystander.send("ping");
            assertThat(types(bystander.drain())).containsExactly("pong");
        }

        @Test
        void framesOverTheLimitAreDroppedBeforeTheyAreParsed() {
            connected();
            for (int i = 0; i < 400; i++) {
                op.send("ping");
            }
            // Not JSON at all: parsed first, each would be a bad-message; limited first, none is parsed.
            for (int i = 0; i < 300; i++) {
                op.sendRaw("{\"type\":\"ping\",\"pad\":[" + "1,".repeat(5_000));
            }
            assertThat(op.link.all("error")).hasSize(300)
                    .allSatisfy(e -> assertThat(e.get("code").asText()).isEqualTo("rate-limited"));
            assertThat(op.link.open()).isTrue();
        }

        @Test
        void moderateBurstIsLimitedButNotClosed() {
            connected();
            for (int i = 0; i < 500; i++) {
                op.send("ping");
            }
            assertThat(op.link.all("error")).hasSize(100);
            assertThat(op.link.open()).isTrue();
            f.clock.advance(5_000);
            op.send("ping");
            assertThat(op.link.last("pong")).isNotNull();
            assertThat(op.link.received.get(op.link.received.size() - 1).get("type").asText()).isEqualTo("pong");
        }

        @Test
        void slowConsumerIsDroppedWithoutSlowingOthers() {
            Client site = f.client(f.site("w1"));
            connected();
            op.send("watch", "sites", List.of("w1"));
            op.link.outboxCapacity = 10;
            for (int i = 0; i < 20; i++) {
                site.send("candidate", "to", op.sessionId, "candidate", "c" + i);
            }
            assertThat(op.link.closeCode).isEqualTo(1013);
            assertThat(site.link.all("error")).isEmpty();
            assertThat(f.core.sessions()).filteredOn(s -> s.role().equals("operator")).singleElement()
                    .satisfies(s -> assertThat(s.connected()).isFalse());
        }
    }

    @Nested
    class Groups {

        Client op;
        Client siteB;

        void isolated() {
            f.site("a1", "alpha");
            f.client("site-token:a1");
            siteB = f.client(f.site("b1", "beta"));
            op = f.client(f.operator("ann", Set.of("alpha")));
        }

        @Test
        void otherGroupsSitesAreNeverListed() {
            isolated();
            assertThat(ids(op.welcome.get("peers"), "id")).containsExactly("a1");
            op.drain();
            Client b2 = f.client(f.site("b2", "beta"));
            b2.close(1000);
            assertThat(op.drain("presence")).isEmpty();
        }

        @Test
        void otherGroupsSitesGetTheAnswersOfNonexistentIds() {
            isolated();
            op.send("watch", "sites", List.of("b1"));
            JsonNode forB = op.error();
            op.send("watch", "sites", List.of("zz"));
            JsonNode forNothing = op.error();
            assertThat(forB.get("code")).isEqualTo(forNothing.get("code"));
            op.send("claim", "site", "b1");
            String claimB = op.error().get("code").asText();
            op.send("claim", "site", "zz");
            assertThat(op.error().get("code").asText()).isEqualTo(claimB);
            op.send("offer", "to", siteB.sessionId, "sdp", "x");
            assertThat(op.error().get("code").asText()).isEqualTo("unknown-peer");
            op.send("status", "peer", siteB.sessionId, "state", "connected");
            assertThat(op.error().get("code").asText()).isEqualTo("unknown-peer");
        }
    }

    @Nested
    class GroupChanges {

        @Test
        void voiceRoomsArePerGroupUnlessShared() {
            Client ann = f.client(f.operator("ann", Set.of("alpha")));
            Client bob = f.client(f.operator("bob", Set.of("beta")));
            Client cid = f.client(f.operator("cid", Set.of("alpha")));
            ann.send("join-room", "room", "control-room");
            bob.send("join-room", "room", "control-room");
            assertThat(bob.link.last("room").get("members")).as("another team's room of that name").isEmpty();
            cid.send("join-room", "room", "control-room");
            assertThat(ids(cid.link.last("room").get("members"), "sessionId")).containsExactly(ann.sessionId);
            bob.send("offer", "to", ann.sessionId, "sdp", "x");
            assertThat(bob.error().get("code").asText()).isEqualTo("forbidden");

            f.core.defineRoom("all-hands", 10, true);
            ann.send("join-room", "room", "all-hands");
            bob.send("join-room", "room", "all-hands");
            assertThat(ids(bob.link.last("room").get("members"), "sessionId")).containsExactly(ann.sessionId);
            bob.drain();
            bob.send("offer", "to", ann.sessionId, "sdp", "x");
            assertThat(ann.link.last("offer").get("from").asText()).isEqualTo(bob.sessionId);
            assertThat(f.core.rooms()).extracting(r -> r.room() + "@" + r.scope())
                    .containsExactlyInAnyOrder("all-hands@*", "control-room@alpha", "control-room@beta");
        }

        @Test
        void movingASiteHidesItFromOperatorsOutsideItsNewGroupAtOnce() {
            Client site = f.client(f.site("s1", "alpha"));
            Client ann = f.client(f.operator("ann", Set.of("alpha")));
            Client bob = f.client(f.operator("bob", Set.of("beta")));
            ann.send("watch", "sites", List.of("s1"));
            ann.send("claim", "site", "s1");
            ann.drain();
            bob.drain();
            site.drain();
            f.sites.put("s1", new SiteDirectory.SiteInfo("s1", "Site s1", "beta", true));
            f.core.siteChanged("s1", "Site s1", "beta");
            List<JsonNode> toAnn = ann.drain();
            assertThat(toAnn).extracting(m -> m.get("type").asText() + ":" + m.path("event").asText()
                    + m.path("primary").asText()).contains("control:null", "presence:offline");
            assertThat(bob.drain("presence")).extracting(m -> m.get("event").asText()).containsExactly("online");
            assertThat(site.drain()).extracting(m -> m.get("type").asText() + ":" + m.path("event").asText()
                    + m.path("primary").asText()).contains("watcher:left", "control:null");
            assertThat(f.core.sessions()).filteredOn(v -> v.id().equals("ann")).singleElement()
                    .satisfies(v -> assertThat(v.watching()).isEmpty());
            ann.send("offer", "to", site.sessionId, "sdp", "x");
            assertThat(ann.error().get("code").asText()).isEqualTo("unknown-peer");
        }

        @Test
        void narrowingAnOperatorsGroupsTakesAwayWhatItMayNoLongerSee() {
            Client s1 = f.client(f.site("s1", "alpha"));
            Client s2 = f.client(f.site("s2", "beta"));
            Client op = f.client(f.operator("ann"));
            op.send("watch", "sites", List.of("s1", "s2"));
            op.send("join-room", "room", "control-room");
            op.drain();
            s2.drain();
            f.tokens.put("op-token:ann", Identity.operator("ann", "cred-ann", Set.of("alpha")));
            f.core.operatorChanged("ann", Set.of("alpha"));
            assertThat(op.drain("presence")).extracting(m -> m.get("event").asText() + ":" + m.get("peer").get("id")
                    .asText()).containsExactly("offline:s2");
            assertThat(s2.drain("watcher")).extracting(m -> m.get("event").asText()).containsExactly("left");
            assertThat(f.core.sessions()).filteredOn(v -> v.id().equals("ann")).singleElement().satisfies(v -> {
                assertThat(v.watching()).containsExactly("s1");
                assertThat(v.rooms()).isEmpty();
            });
            op.send("offer", "to", s2.sessionId, "sdp", "x");
            assertThat(op.error().get("code").asText()).isEqualTo("unknown-peer");
            assertThat(s1.link.open()).isTrue();
        }
    }

    @Test
    void adminKickAndReleaseAndRevocation() {
        Client site = f.client(f.site("w1"));
        Client op = f.client(f.operator("ann"));
        op.send("watch", "sites", List.of("w1"));
        op.send("claim", "site", "w1");
        assertThat(f.core.release("w1")).isTrue();
        assertThat(site.link.last("control").get("primary").isNull()).isTrue();
        assertThat(f.core.release("w1")).isFalse();
        f.core.siteRevoked("w1");
        assertThat(site.link.closeCode).isEqualTo(4001);
        assertThat(site.error().get("code").asText()).isEqualTo("unauthorized");
        assertThat(f.core.kick(op.sessionId)).isTrue();
        assertThat(op.link.closeCode).isEqualTo(4001);
        assertThat(f.core.sessions()).isEmpty();
    }
}
