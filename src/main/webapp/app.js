// Parley's browser chat on parley.v2: plain DOM, no build step. Every text from the server goes into the
// page through textContent, never innerHTML, so names and messages are shown, not run.
//
// Nothing is lost across a reconnect: the page keeps each room's epoch and last seq and the inbox's, says
// hello with the inbox's position and rejoins every room with `since`; what was typed meanwhile, or sent
// and not yet acknowledged, is sent again with its cid, which the server stores once.
'use strict';

(function () {
  const CHAT_URL = new URL('chat', window.location.href);
  CHAT_URL.protocol = CHAT_URL.protocol === 'https:' ? 'wss:' : 'ws:';
  const PROTOCOL = 'parley.v2';
  const LOBBY = 'lobby';
  const FIRST_RETRY_MS = 250;
  const MAX_RETRY_MS = 10000;
  const NAME_HELD_RETRY_MS = 1500; // the server is up and only holds our name for the connection it lost

  const $ = (id) => document.getElementById(id);

  let socket = null;
  let me = null;             // the name we say hello as, and then the one the server welcomed
  let token = null;          // on servers that take signed tokens: who we are, instead of a name
  let welcomed = false;      // on the current connection
  let everWelcomed = false;
  let leaving = false;       // closed on purpose: do not reconnect
  let retryMs = FIRST_RETRY_MS;
  let retryTimer = null;
  let nameHeld = false;      // the last hello was refused as uuid_taken after we had been welcomed
  let inbox = null;          // {epoch, seq}: where the inbox stands
  let current = null;        // the key of the conversation shown: '#room' or '@user'
  let cids = 0;
  let refs = 0;
  const joins = new Map();   // ref -> room name: joins not answered yet, so that a refusal says its room
  const rooms = new Map();   // name -> {epoch, seq, rejoining, members, count}
  const unacked = new Map(); // cid -> {request, line}: sent or typed, not yet acknowledged
  const conversations = new Map(); // key -> {log, unread, button}

  // ---- the page

  function setStatus(text) {
    $('status').textContent = text;
  }

  function stamp(time) {
    const element = document.createElement('time');
    const at = time ? new Date(time) : new Date();
    element.dateTime = at.toISOString();
    element.textContent = at.toLocaleTimeString();
    return element;
  }

  function conversation(key) {
    let entry = conversations.get(key);
    if (entry) return entry;
    const log = document.createElement('div');
    log.className = 'log';
    log.dataset.conversation = key;
    log.hidden = true;
    $('logs').append(log);
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.conversation = key;
    const name = document.createElement('span');
    name.textContent = key.startsWith('#') ? key : key.substring(1);
    const unread = document.createElement('span');
    unread.className = 'unread';
    button.append(name, unread);
    button.addEventListener('click', () => show(key));
    item.append(button);
    $(key.startsWith('#') ? 'rooms' : 'privates').append(item);
    entry = { log, unread: 0, button, badge: unread };
    conversations.set(key, entry);
    return entry;
  }

  function forget(key) {
    const entry = conversations.get(key);
    if (!entry) return;
    entry.log.remove();
    entry.button.parentElement.remove();
    conversations.delete(key);
  }

  function show(key) {
    current = key;
    for (const [k, entry] of conversations) {
      const shown = k === key;
      entry.log.hidden = !shown;
      entry.button.setAttribute('aria-current', shown ? 'true' : 'false');
      if (shown) {
        entry.unread = 0;
        entry.badge.textContent = '';
        entry.log.scrollTop = entry.log.scrollHeight;
      }
    }
    $('title').textContent = key.startsWith('#') ? key : key.substring(1) + ' (private)';
    $('leave-room').hidden = !key.startsWith('#');
    showMembers();
    $('text').focus();
  }

  function addLine(key, kind, parts, time) {
    const entry = conversation(key);
    const line = document.createElement('div');
    line.className = 'line ' + kind;
    line.append(stamp(time), ...parts.map((part) => document.createTextNode(part)));
    entry.log.append(line);
    if (key === current) {
      entry.log.scrollTop = entry.log.scrollHeight;
    } else if (kind === 'message') {
      entry.unread += 1;
      entry.badge.textContent = String(entry.unread);
    }
    return line;
  }

  function note(kind, text) {
    addLine(current || '#' + LOBBY, kind, [text]);
  }

  function showMembers() {
    const room = current && current.startsWith('#') ? rooms.get(current.substring(1)) : null;
    const list = $('members');
    if (!room) {
      list.replaceChildren();
      $('member-count').textContent = '';
      return;
    }
    $('member-count').textContent = '(' + room.count + ')';
    list.replaceChildren(...room.members.map((name) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = name;
      if (name === me) {
        item.className = 'me';
        button.disabled = true;
      } else {
        button.title = 'Message ' + name + ' privately';
        button.addEventListener('click', () => {
          conversation('@' + name);
          show('@' + name);
        });
      }
      item.append(button);
      return item;
    }));
  }

  // ---- sending

  function write(request) {
    if (socket && welcomed && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(request));
      return true;
    }
    return false;
  }

  /** A message is pending until its ack; it goes now, or once the page is back. */
  function sendMessage(key, text) {
    const cid = 'p' + Date.now().toString(36) + '-' + (cids += 1);
    const request = key.startsWith('#')
      ? { type: 'send', room: key.substring(1), text, cid }
      : { type: 'send', to: key.substring(1), text, cid };
    const line = addLine(key, 'message pending', [me + ': ' + text]);
    line.dataset.cid = cid;
    unacked.set(cid, { request, line });
    write(request);
  }

  function join(name, since) {
    const ref = 'j' + (refs += 1);
    joins.set(ref, name);
    const request = { type: 'join', room: name, ref };
    if (since) request.since = since;
    write(request);
  }

  // ---- what the server says

  function roomOf(event) {
    return rooms.get(event.room);
  }

  const handlers = {
    welcome(event) {
      welcomed = true;
      me = event.user;
      inbox = { epoch: event.inbox.epoch, seq: event.inbox.seq - event.inbox.missed };
      retryMs = FIRST_RETRY_MS;
      setStatus('connected as ' + me);
      $('banner').hidden = true;
      if (!everWelcomed) {
        everWelcomed = true;
        $('join-form').hidden = true;
        $('chat').hidden = false;
        rooms.set(LOBBY, { epoch: null, seq: 0, rejoining: true, members: [], count: 0 });
        conversation('#' + LOBBY);
        show('#' + LOBBY);
        join(LOBBY);
        return;
      }
      for (const [name, room] of rooms) {
        room.rejoining = true;
        join(name, room.epoch ? { epoch: room.epoch, seq: room.seq } : null);
      }
      for (const send of unacked.values()) write(send.request);
    },
    joined(event) {
      joins.delete(event.ref);
      const room = roomOf(event);
      if (!room) return;
      const rejoin = room.epoch !== null;
      if (rejoin && !event.recovered) {
        addLine('#' + event.room, 'gap', ['\u2014 history truncated: some messages may be missing here \u2014']);
      }
      room.rejoining = false;
      room.epoch = event.epoch;
      room.seq = event.seq - event.missed;
      if (event.members) room.members = event.members;
      room.count = event.count;
      if (current === '#' + event.room) showMembers();
    },
    left(event) {
      // the answer to a leave, which the page has acted on already; a join sent after it is on its way when
      // the room is back in the list, and must not lose its conversation to this late answer
      const room = roomOf(event);
      if (room && room.epoch === null) return;
      rooms.delete(event.room);
      forget('#' + event.room);
      if (current === '#' + event.room) {
        const next = conversations.keys().next();
        current = null;
        if (!next.done) show(next.value);
      }
    },
    message(event) {
      if (event.room !== undefined) {
        const room = roomOf(event);
        if (!room || room.rejoining) return;
        if (event.epoch !== room.epoch || event.seq > room.seq + 1) {
          room.rejoining = true; // a hole in the numbering: the room's replay repairs it
          join(event.room, { epoch: room.epoch, seq: room.seq });
          return;
        }
        if (event.seq <= room.seq) return; // had it
        room.seq = event.seq;
        deliver('#' + event.room, event);
        return;
      }
      if (inbox && event.epoch === inbox.epoch && event.seq <= inbox.seq) return;
      inbox = { epoch: event.epoch, seq: event.seq };
      deliver('@' + (event.from === me ? event.to : event.from), event);
    },
    ack(event) {
      const send = unacked.get(event.cid);
      if (!send) return;
      unacked.delete(event.cid);
      send.line.classList.remove('pending');
    },
    presence(event) {
      const room = roomOf(event);
      if (!room) return;
      if (event.count !== undefined && !event.joined) {
        room.count = event.count;
      } else {
        const left = new Set([...(event.left || []), ...(event.joined || [])]);
        room.members = room.members.filter((name) => !left.has(name)).concat(event.joined || []);
        room.count = room.members.length;
        (event.joined || []).forEach((name) => addLine('#' + event.room, 'system', [name + ' joined']));
        (event.left || []).forEach((name) => addLine('#' + event.room, 'system', [name + ' left']));
      }
      if (current === '#' + event.room) showMembers();
    },
    error(event) {
      const send = event.cid ? unacked.get(event.cid) : null;
      if (send && (event.code === 'unavailable' || event.code === 'rate_limited')) {
        setTimeout(() => write(send.request), 1000); // not stored: the same cid again, a moment later
        return;
      }
      if (send) {
        unacked.delete(event.cid);
        send.line.classList.replace('pending', 'error');
      }
      const refused = event.ref ? joins.get(event.ref) : undefined;
      joins.delete(event.ref);
      const room = refused !== undefined ? rooms.get(refused) : null;
      if (room && (event.code === 'unavailable' || event.code === 'rate_limited')) { // asked again a moment later
        setTimeout(() => {
          if (rooms.get(refused) === room) join(refused, room.epoch ? { epoch: room.epoch, seq: room.seq } : null);
        }, 1000);
        return;
      }
      if (room) { // not in the room (the server holds as many rooms as it may, say): said in its conversation
        rooms.delete(refused);
        addLine('#' + refused, 'gap', ['\u2014 you are not in this room: ' + event.reason + ' \u2014']);
        if (current === '#' + refused) showMembers();
        return;
      }
      if (event.code === 'uuid_taken' && !welcomed) {
        if (!everWelcomed) {
          leaving = true; // someone else has the name: let the user pick another
          $('join-form').hidden = false;
        }
        // else the server has not let our old connection go yet (its node died, and the cluster evicts it
        // within its TTL): the close below asks again soon, without growing the backoff
        nameHeld = everWelcomed;
        socket.close(1000, 'name taken');
      }
      note('error', 'error ' + event.code + ': ' + event.reason);
    },
  };

  /** Shows a message of a room or a private conversation; one this page sent fills its pending line. */
  function deliver(key, event) {
    const pending = event.from === me && event.cid
      ? conversation(key).log.querySelector('.line[data-cid="' + CSS.escape(event.cid) + '"]') : null;
    if (pending) {
      pending.firstChild.replaceWith(stamp(event.time));
      return;
    }
    addLine(key, 'message', [event.from + ': ' + event.text], event.time);
  }

  // ---- connecting

  function connect() {
    setStatus('connecting\u2026');
    welcomed = false;
    socket = new WebSocket(CHAT_URL, PROTOCOL);
    socket.addEventListener('open', () => {
      const hello = token ? { type: 'hello', token } : { type: 'hello', user: me };
      if (inbox) hello.inbox = inbox;
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener('message', (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch (e) {
        note('error', 'unreadable message from the server');
        return;
      }
      const handle = handlers[event.type];
      if (handle) handle(event);
    });
    socket.addEventListener('close', (close) => {
      welcomed = false;
      joins.clear(); // not to be answered: the next welcome joins again
      if (leaving) {
        setStatus('not connected');
        return;
      }
      // not as it is: unauthorized, token expired (4000-4099); nor what resending would repeat: a message
      // too big (1009), a flood (1008 but for a slow consumer, which comes back and resumes)
      if ((close.code >= 4000 && close.code < 4100) || close.code === 1009
          || (close.code === 1008 && close.reason !== 'slow consumer')) {
        setStatus('disconnected: ' + close.code + ' ' + close.reason);
        note('error', 'disconnected (' + close.code + ' ' + close.reason + '); reload the page to start again');
        return;
      }
      if (everWelcomed) $('banner').hidden = false;
      setStatus('reconnecting\u2026');
      if (nameHeld) {
        nameHeld = false;
        retryTimer = setTimeout(connect, NAME_HELD_RETRY_MS / 2 + Math.random() * NAME_HELD_RETRY_MS / 2);
        return;
      }
      // capped backoff, each delay drawn between half and all of it, so that pages cut off together come back apart
      retryTimer = setTimeout(connect, retryMs / 2 + Math.random() * retryMs / 2);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    });
  }

  // ---- what the person does

  $('join-form').addEventListener('submit', (e) => {
    e.preventDefault();
    me = $('name').value.trim();
    token = $('token').value.trim() || null;
    if (!me && !token) return;
    leaving = false;
    connect();
  });

  $('send-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('text');
    if (!current || !text.value) return;
    sendMessage(current, text.value);
    text.value = '';
  });

  $('room-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const name = $('room-name').value.trim();
    if (!name) return;
    if (!rooms.has(name)) {
      rooms.set(name, { epoch: null, seq: 0, rejoining: true, members: [], count: 0 });
      conversation('#' + name);
      join(name);
    }
    $('room-name').value = '';
    show('#' + name);
  });

  $('leave-room').addEventListener('click', () => {
    if (!current || !current.startsWith('#')) return;
    const name = current.substring(1);
    rooms.delete(name);
    write({ type: 'leave', room: name });
    forget(current);
    const next = conversations.keys().next();
    if (!next.done) show(next.value);
  });

  /** Logs out: the next join starts afresh, with no rooms, inbox position or pending sends of this one. */
  $('leave').addEventListener('click', () => {
    leaving = true;
    clearTimeout(retryTimer);
    if (socket && socket.readyState !== WebSocket.CLOSED) socket.close(1000, 'bye');
    for (const key of [...conversations.keys()]) forget(key);
    rooms.clear();
    joins.clear();
    unacked.clear();
    inbox = null;
    current = null;
    everWelcomed = false;
    retryMs = FIRST_RETRY_MS;
    $('banner').hidden = true;
    $('chat').hidden = true;
    $('join-form').hidden = false;
    setStatus('not connected');
  });
}());
