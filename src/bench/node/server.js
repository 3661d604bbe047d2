// The Node ws peer of Parley's benchmark: /parley/echo and /parley/chat on Parley's wire protocol,
// written the way a ws user would, with nothing Parley-specific beyond the message shapes.
// usage: node server.js <port>
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 8765);
const echo = new WebSocketServer({ noServer: true });
const chat = new WebSocketServer({ noServer: true });
const users = new Map(); // uuid -> socket, in order of registration

echo.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(isBinary ? data : 'Echo: ' + data.toString()));
});

chat.on('connection', (ws) => {
  let uuid = null;
  ws.send(JSON.stringify({ type: 'handshake' }));
  const toAll = (text) => { for (const s of users.values()) s.send(text); };
  ws.on('message', (data) => {
    let m;
    try { m = JSON.parse(data.toString()); } catch { return ws.send('{"type":"error","code":"bad_json"}'); }
    if (m.type === 'register' && uuid === null && !users.has(m.uuid)) {
      uuid = m.uuid;
      users.set(uuid, ws);
      toAll(JSON.stringify({ type: 'login', uuid, content: m.content, user_list: [...users.keys()] }));
    } else if (m.type === 'send' && uuid !== null) {
      if (m.to === undefined) {
        toAll(JSON.stringify({ type: 'user', content: m.content, from: uuid }));
      } else if (users.has(m.to)) {
        const text = JSON.stringify({ type: 'user', content: m.content, from: uuid, to: m.to });
        users.get(m.to).send(text);
        if (m.to !== uuid) ws.send(text);
      }
    }
  });
  ws.on('close', () => {
    if (uuid !== null && users.get(uuid) === ws) {
      users.delete(uuid);
      toAll(JSON.stringify({ type: 'logout', uuid, content: '', user_list: [...users.keys()] }));
    }
  });
});

const server = http.createServer((req, res) => { res.writeHead(404); res.end(); });
server.on('upgrade', (req, socket, head) => {
  const wss = req.url === '/parley/echo' ? echo : req.url === '/parley/chat' ? chat : null;
  if (wss === null) return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
server.listen(port, '127.0.0.1', () => console.log('node ws peer listening on ' + port));
