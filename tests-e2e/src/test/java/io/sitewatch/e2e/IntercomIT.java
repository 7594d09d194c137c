package io.sitewatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operators' voice intercom: a P2P audio mesh per room, with Chromium's fake microphone. */
class IntercomIT extends BrowserTest {

    /** True when this page has links to all other members and receives audio on each. */
    static final String MESH_FLOWING = """
            async (expected) => {
              const members = [...window.sitewatch.intercom.members.values()];
              if (members.length !== expected) return false;
              for (const member of members) {
                if (!member.link) return false;
                let packets = 0;
                (await member.link.pc.getStats()).forEach((s) => {
                  if (s.type === 'inbound-rtp' && s.kind === 'audio') packets = s.packetsReceived ?? 0;
                });
                if (packets === 0) return false;
              }
              return true;
            }""";

    /** One operator page on the intercom. */
    record Member(String name, Page page) {
        String sessionId() {
            return (String) page.evaluate("() => window.sitewatch.console.sessionId");
        }

        /** Received audio from another member: packets and total energy (0 while that member is muted). */
        double[] audioFrom(String sessionId) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) page.evaluate("""
                    async (id) => {
                      const link = window.sitewatch.intercom.members.get(id)?.link;
                      if (!link) return null;
                      let audio = null;
                      (await link.pc.getStats()).forEach((s) => {
                        if (s.type === 'inbound-rtp' && s.kind === 'audio') audio = s;
                      });
                      return audio && { packets: audio.packetsReceived ?? 0, energy: audio.totalAudioEnergy ?? 0 };
                    }""", sessionId);
            return m == null ? null : new double[] {((Number) m.get("packets")).doubleValue(),
                    ((Number) m.get("energy")).doubleValue()};
        }

        boolean hasMember(String sessionId) {
            return (Boolean) page.evaluate("id => window.sitewatch.intercom.members.has(id)", sessionId);
        }
    }

    Member join(String name, String room) throws Exception {
        return open(name, provision(name), room);
    }

    String provision(String name) throws Exception {
        app.operator(name, "password-" + name);
        return app.operatorToken(name);
    }

    /** A wall page with {@code &room=}: it joins the room with no clicks. */
    Member open(String name, String token, String room) {
        Page page = context.newPage();
        page.navigate(app.base() + "/operator/?token=" + token + "&sites=&room=" + room);
        page.waitForFunction("r => window.sitewatch?.intercom?.room === r", room);
        return new Member(name, page);
    }

    /** Polls until every member receives audio packets from every other member; returns the elapsed ms. */
    static long awaitMesh(List<Member> members, long start) throws Exception {
        long deadline = System.nanoTime() + JarProcess.WAIT.toNanos();
        while (true) {
            boolean all = true;
            for (Member m : members) {
                all &= (Boolean) m.page.evaluate(MESH_FLOWING, members.size() - 1);
            }
            if (all) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the mesh never carried audio on every pair");
            }
            Thread.sleep(100);
        }
    }

    static double energyOver(Member listener, String speaker) throws InterruptedException {
        double before = listener.audioFrom(speaker)[1];
        Thread.sleep(1500); // energy is a total: it takes an interval to see whether it grows
        return listener.audioFrom(speaker)[1] - before;
    }

    @Test
    void threeOperatorsHearEachOtherMuteStopsAVoiceAndLeavingTearsDownLinks() throws Exception {
        Member ann = join("ann", "ops");
        Member bob = join("bob", "ops");
        String cidToken = provision("cid");
        long start = System.nanoTime();
        Member cid = open("cid", cidToken, "ops");
        long millis = awaitMesh(List.of(ann, bob, cid), start);
        System.out.printf("[e2e] intercom: join to audio flowing among 3 members: %d ms%n", millis);

        String annId = ann.sessionId();
        double speaking = energyOver(bob, annId);
        assertThat(speaking).as("bob hears ann").isPositive();
        ann.page.click("#mute");
        ann.page.waitForFunction("() => window.sitewatch.intercom.muted && !window.sitewatch.intercom.live");
        energyOver(bob, annId); // packets already in flight when muting
        // A muted track sends digital silence; the decoder's noise floor stays orders of magnitude below a voice.
        assertThat(energyOver(bob, annId)).as("a muted member sends silence").isLessThan(speaking / 1000);
        assertThat(energyOver(cid, annId)).isLessThan(speaking / 1000);
        assertThat(energyOver(ann, bob.sessionId())).as("ann still hears bob").isGreaterThan(speaking / 10);

        String cidId = cid.sessionId();
        cid.page.click("#rooms li[data-room=\"ops\"] button.leave");
        cid.page.waitForFunction("() => window.sitewatch.intercom.room === null");
        for (Member other : List.of(ann, bob)) {
            other.page.waitForFunction("id => !window.sitewatch.intercom.members.has(id)", cidId);
        }
        assertThat(ann.hasMember(bob.sessionId())).isTrue();
        assertThat(cid.page.evaluate("() => window.sitewatch.intercom.members.size")).isEqualTo(0);
    }

    @Test
    void sixMembersMeshAndTheSeventhJoinerIsRefused() throws Exception {
        List<Member> members = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            members.add(join("op" + i, "ops"));
        }
        String token = provision("op6");
        long start = System.nanoTime();
        members.add(open("op6", token, "ops"));
        long millis = awaitMesh(members, start);
        System.out.printf("[e2e] intercom: join to audio flowing among 6 members: %d ms%n", millis);

        app.operator("op7", "password-op7");
        Page seventh = context.newPage();
        seventh.navigate(app.base() + "/operator/?token=" + app.operatorToken("op7") + "&sites=&room=ops");
        seventh.waitForFunction("() => /is full/.test(document.getElementById('intercom-error').textContent)");
        assertThat(seventh.evaluate("() => window.sitewatch.intercom.room")).isNull();
        for (Member m : members) {
            assertThat(m.page.evaluate("() => window.sitewatch.intercom.members.size")).isEqualTo(5);
        }
    }
}
