// The page's credentials and its two channels to the hub: the REST API (every change) and the
// live WebSocket (what changes, meters, health). A personal link carries the token in the URL
// fragment, which browsers never send to servers; it is kept in this browser and removed from
// the address bar so it does not end up in screenshots or shared links.

// A participant's token and the operator's are kept apart, so an operator who tries a singer's
// link in the same browser is still the operator on the operator page. The mixer page opened
// from the operator page ("/#operator") edits the master mix with the operator's token.
export const PARTICIPANT = 'tutti.token';
export const OPERATOR = 'tutti.operator-token';

export function takeToken(key) {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromLink = fragment.get('token');
  if (fromLink) {
    localStorage.setItem(key, fromLink);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return localStorage.getItem(key);
}

export function storeToken(key, token) {
  localStorage.setItem(key, token);
}

export function forgetToken(key) {
  localStorage.removeItem(key);
}

// Starts the page with the token from a link or from this browser, or shows the sign-in form
// (#login with #token-input), which stores what is typed under `key` and starts with it.
export function signIn(key, start, showLogin) {
  document.getElementById('login').addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = document.getElementById('token-input').value.trim();
    storeToken(key, typed);
    start(typed);
  });
  const token = takeToken(key);
  if (token) {
    start(token);
  } else {
    showLogin();
  }
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function apiClient(token) {
  return async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: { 'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) {
      throw new ApiError(response.status, (json && json.error) || response.statusText);
    }
    return json;
  };
}

// Path segment for a participant or section name.
export function seg(name) {
  return encodeURIComponent(name);
}

// Opens /api/live, sends the token first, hands every message to onMessage, and reconnects
// (1 s, 2 s, … up to 10 s) after the connection drops, telling onStatus about it.
export function connectLive(token, onMessage, onStatus) {
  let delay = 1000;
  let socket;
  function open() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(scheme + '//' + location.host + '/api/live');
    socket.onopen = () => {
      socket.send(JSON.stringify({ token }));
      delay = 1000;
      onStatus('open');
    };
    socket.onmessage = (event) => onMessage(JSON.parse(event.data));
    socket.onclose = (event) => {
      onStatus(event.code === 1008 ? 'refused' : 'closed', event.reason);
      if (event.code !== 1008) {
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 10000);
      }
    };
  }
  open();
  return { close: () => socket.close() };
}

// Calls fn at most every `millis` while values keep coming, always with the latest one last.
export function throttle(fn, millis) {
  let last = 0;
  let timer = null;
  let pending = null;
  return (...args) => {
    pending = args;
    const wait = last + millis - performance.now();
    if (wait <= 0) {
      last = performance.now();
      fn(...pending);
      pending = null;
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        last = performance.now();
        if (pending) {
          fn(...pending);
          pending = null;
        }
      }, wait);
    }
  };
}

// One status line for the page, read out by screen readers.
export function say(text, isError) {
  const status = document.getElementById('status');
  status.textContent = text;
  status.classList.toggle('error', Boolean(isError));
}
