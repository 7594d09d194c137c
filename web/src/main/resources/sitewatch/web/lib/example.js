// The runnable example of /lib/: two tabs exchange data messages peer to peer.
import { connect } from './sitewatch.js';

const $ = (id) => document.getElementById(id);
const ROOM = 'library-example';
let sw = null;

$('connect').addEventListener('submit', (e) => {
  e.preventDefault();
  sw?.close();
  sw = connect({ token: $('token').value.trim(), client: 'library example' });
  sw.addEventListener('welcome', (w) => {
    $('me').textContent = w.detail.sessionId;
    sw.joinRoom(ROOM);
  });
  sw.addEventListener('peer-joined', peers);
  sw.addEventListener('peer-left', peers);
  sw.addEventListener('peer-dead', (d) => log(`peer ${d.detail.peer} stopped answering`));
  sw.addEventListener('error', (err) => log(`appliance: ${err.detail.code} ${err.detail.message}`));
  sw.addEventListener('topology', (t) => log(`route to ${t.detail.peer}: ${t.detail.topology.kind}`));
  sw.on('chat', (text, from) => log(`${from}: ${text}`));
  sw.on('ping', (sentAt) => sentAt);
});

$('send').addEventListener('submit', (e) => {
  e.preventDefault();
  if (!sw || !$('peer').value) return;
  sw.send('chat', $('text').value, { to: $('peer').value });
  log(`me: ${$('text').value}`);
  $('text').value = '';
});

$('ping').addEventListener('click', async () => {
  if (!sw || !$('peer').value) return;
  try {
    const sentAt = await sw.request('ping', performance.now(), { to: $('peer').value });
    log(`ping round trip ${Math.round(performance.now() - sentAt)} ms`);
  } catch (err) {
    log(`ping failed: ${err.message}`);
  }
});

function peers() {
  const select = $('peer');
  const members = [...sw.peers.values()].filter((p) => p.role === 'operator');
  select.replaceChildren(...members.map((p) => Object.assign(document.createElement('option'),
    { value: p.sessionId, textContent: `${p.name} (${p.sessionId.slice(0, 6)})` })));
}

function log(text) {
  const item = document.createElement('li');
  item.textContent = text;
  $('log').append(item);
}
