// Faders shared by the mixer and operator pages. A fader's lowest position is "off" (silence,
// sent as -120 dB); the hub ramps every change over one period, so dragging never clicks.

export const FADER_MIN = -60;
export const OFF_DB = -120;

export function faderToDb(value) {
  const db = Number(value);
  return db <= FADER_MIN ? OFF_DB : db;
}

export function dbToFader(db) {
  return db === null || db === undefined ? 0 : Math.max(FADER_MIN, Math.min(12, db));
}

export function dbText(db) {
  if (db <= FADER_MIN) {
    return 'off';
  }
  return (db > 0 ? '+' : '') + Number(db).toFixed(1).replace(/\.0$/, '') + ' dB';
}

// Keeps a control from being moved by pushed updates while the user is on it (and just after).
export function guard(element) {
  let until = 0;
  const hold = () => { until = performance.now() + 800; };
  for (const type of ['pointerdown', 'input', 'keydown', 'change']) {
    element.addEventListener(type, hold);
  }
  return () => performance.now() < until;
}

export function pressed(button, on) {
  button.setAttribute('aria-pressed', on ? 'true' : 'false');
}

export function isPressed(button) {
  return button.getAttribute('aria-pressed') === 'true';
}

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'class') {
      node.className = value;
    } else if (key === 'text') {
      node.textContent = value;
    } else if (value !== undefined && value !== null && value !== false) {
      node.setAttribute(key, value === true ? '' : value);
    }
  }
  node.append(...children);
  return node;
}
