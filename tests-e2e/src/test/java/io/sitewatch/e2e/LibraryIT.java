package io.sitewatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client library as a third party uses it: imported from the appliance, in two tabs. */
class LibraryIT extends BrowserTest {

    static final String CONNECT = """
            async ([token, room]) => {
              const { connect } = await import('/lib/sitewatch.js');
              window.received = [];
              window.events = [];
              window.sw = connect({ token, client: 'library test' });
              window.sw.on('chat', (text, from) => { window.received.push({ text, from }); });
              window.sw.on('echo', (payload) => ({ echoed: payload }));
              window.sw.on('fail', () => { throw new Error('refused on purpose'); });
              for (const type of ['peer-joined', 'peer-left', 'peer-dead', 'topology']) {
                window.sw.addEventListener(type, (e) => window.events.push({ type, detail: e.detail }));
              }
              await new Promise((resolve) => window.sw.addEventListener('welcome', resolve, { once: true }));
              window.sw.joinRoom(room);
              return window.sw.sessionId;
            }""";

    Page tab(String operator) throws Exception {
        app.operator(operator, "password-" + operator);
        Page page = context.newPage();
        page.navigate(app.base() + "/lib/");
        page.evaluate(CONNECT, List.of(app.operatorToken(operator), "library"));
        return page;
    }

    @Test
    void twoTabsExchangeMessagesRequestsAndSeeTheirTopology() throws Exception {
        Page ann = tab("ann");
        Page bob = tab("bob");
        String bobId = (String) bob.evaluate("() => window.sw.sessionId");
        String annId = (String) ann.evaluate("() => window.sw.sessionId");
        ann.waitForFunction("id => window.sw.peers.has(id)", bobId);

        ann.evaluate("id => window.sw.send('chat', 'hello bob', { to: id })", bobId);
        bob.waitForFunction("() => window.received.length === 1");
        assertThat(bob.evaluate("() => window.received[0].text")).isEqualTo("hello bob");
        assertThat(bob.evaluate("() => window.received[0].from")).isEqualTo(annId);

        assertThat(ann.evaluate("id => window.sw.request('echo', { n: 7 }, { to: id }).then((r) => r.echoed.n)", bobId))
                .isEqualTo(7);
        assertThat(ann.evaluate("id => window.sw.request('fail', 1, { to: id }).then(() => 'ok', (e) => e.message)",
                bobId)).isEqualTo("refused on purpose");
        assertThat(ann.evaluate("id => window.sw.request('nobody-handles', 1, { to: id }).then(() => 'ok', (e) => e.message)",
                bobId)).asString().contains("no handler");

        bob.evaluate("id => { for (let i = 0; i < 20; i++) window.sw.send('chat', 'fast ' + i, { to: id, reliable: false }); }",
                annId);
        ann.waitForFunction("() => window.received.filter((m) => m.text.startsWith('fast')).length > 0");

        assertThat(ann.evaluate("id => window.sw.topology(id).then((t) => t.kind)", bobId)).isEqualTo("local-p2p");
        ann.waitForFunction("() => window.events.some((e) => e.type === 'topology' && e.detail.topology.kind === 'local-p2p')");
    }

    @Test
    void aDeadPeerIsNoticedWithinAFewSeconds() throws Exception {
        Page ann = tab("ann");
        Page bob = tab("bob");
        String bobId = (String) bob.evaluate("() => window.sw.sessionId");
        ann.waitForFunction("id => window.sw.peers.has(id)", bobId);
        assertThat(ann.evaluate("id => window.sw.request('echo', 1, { to: id }).then((r) => r.echoed)", bobId))
                .isEqualTo(1);
        long closed = System.nanoTime();
        bob.close();
        ann.waitForFunction("() => window.events.some((e) => e.type === 'peer-dead')");
        long millis = (System.nanoTime() - closed) / 1_000_000;
        System.out.printf("[e2e] library: dead peer noticed %d ms after its tab closed%n", millis);
        assertThat(millis).as("three missed keepalives of 1 s").isLessThan(6_000);
    }
}
