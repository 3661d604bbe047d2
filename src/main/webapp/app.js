// Parley's browser chat: plain DOM, no build step. Every text from the server goes into the page
// through textContent, never innerHTML, so names and messages are shown, not run.
'use strict';

(function () {
  const CHAT_URL = new URL('chat', window.location.href);
  CHAT_URL.protocol = CHAT_URL.protocol === 'https:' ? 'wss:' : 'ws:';
  const FIRST_RETRY_MS = 250;
  const MAX_RETRY_MS = 10000;

  const $ = (id) => document.getElementById(id);
  const joinForm = $('join-form');
  const sendForm = $('send-form');

  let socket = null;
  let me = null;        // the name we are, or want to be, registered as
  let leaving = false;  // closed on purpose: do not reconnect
  let retryMs = FIRST_RETRY_MS;

  function setStatus(text) {
    $('status').textContent = text;
  }

  function addLine(kind, text) {
    const line = document.createElement('div');
    line.className = 'line ' + kind;
    const time = document.createElement('time');
    time.textContent = new Date().toLocaleTimeString();
    line.append(time, document.createTextNode(text));
    const log = $('log');
    log.append(line);
    log.scrollTop = log.scrollHeight;
  }

  function showUsers(users) {
    const list = $('users');
    const to = $('to');
    const chosen = to.value;
    list.replaceChildren(...users.map((name) => {
      const item = document.createElement('li');
      item.textContent = name;
      if (name === me) item.className = 'me';
      return item;
    }));
    const everyone = document.createElement('option');
    everyone.value = '';
    everyone.textContent = 'everyone';
    to.replaceChildren(everyone, ...users.filter((name) => name !== me).map((name) => {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      return option;
    }));
    to.value = users.includes(chosen) ? chosen : '';
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(message));
      return true;
    }
    addLine('error', 'not connected: the message was not sent');
    return false;
  }

  const handlers = {
    handshake() {
      send({ type: 'register', uuid: me, content: 'joined from the browser' });
    },
    login(event) {
      showUsers(event.user_list);
      if (event.uuid === me) {
        retryMs = FIRST_RETRY_MS;
        setStatus('connected as ' + me);
        joinForm.hidden = true;
        $('chat').hidden = false;
        $('text').focus();
      }
      addLine('system', event.uuid + ' joined' + (event.content ? ': ' + event.content : ''));
    },
    logout(event) {
      showUsers(event.user_list);
      addLine('system', event.uuid + ' left' + (event.content ? ': ' + event.content : ''));
    },
    user(event) {
      if (event.to) {
        addLine('private', event.from + ' \u2192 ' + event.to + ' (private): ' + event.content);
      } else {
        addLine('message', event.from + ': ' + event.content);
      }
    },
    error(event) {
      addLine('error', 'error ' + event.code + ': ' + event.reason);
      if (event.code === 'uuid_taken') {
        if ($('chat').hidden) {
          // someone else has the name: let the user pick another
          leaving = true;
          socket.close(1000, 'name taken');
        } else {
          // after a reconnect the server may not yet have let our old connection go: retry shortly
          socket.close(1000, 'retry');
        }
      }
    },
  };

  function connect() {
    setStatus('connecting\u2026');
    socket = new WebSocket(CHAT_URL);
    socket.addEventListener('message', (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch (e) {
        addLine('error', 'unreadable message from the server');
        return;
      }
      const handle = handlers[event.type];
      if (handle) handle(event);
    });
    socket.addEventListener('close', (close) => {
      if (leaving) {
        setStatus('not connected');
        return;
      }
      addLine('system', 'connection lost (' + close.code + (close.reason ? ' ' + close.reason : '')
        + '); reconnecting in ' + Math.round(retryMs / 100) / 10 + ' s');
      setStatus('reconnecting\u2026');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    });
  }

  function leave() {
    leaving = true;
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: 'unregister', uuid: me, content: 'left' }));
      socket.close(1000, 'bye');
    }
  }

  joinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    me = $('name').value.trim();
    if (!me) return;
    leaving = false;
    connect();
  });

  sendForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = $('text');
    const to = $('to').value;
    const message = { type: 'send', content: text.value };
    if (to) message.to = to;
    if (send(message)) text.value = '';
  });

  $('leave').addEventListener('click', () => {
    leave();
    addLine('system', 'you left the chat');
    $('chat').hidden = true;
    joinForm.hidden = false;
  });
}());
