// The operator's view of the room: every participant's health, sorted by trouble, the hub's own
// health, and the actions (links, rename, section, kick, preset, mix master). Like every page,
// it only calls the documented API and listens to the live feed.
import { signIn, forgetToken, apiClient, connectLive, seg, say, ApiError, OPERATOR } from './session.js';
import { HealthTracker, percent, GRADE_TEXT } from './health.js';
import { element } from './faders.js';

const $ = (id) => document.getElementById(id);
const health = new HealthTracker();
let api;
let sampleRate = 48000;
let participants = [];
let editing = null;

async function act(method, path, body, done) {
  try {
    const result = await api(method, path, body);
    if (done) {
      say(done);
    }
    return result;
  } catch (error) {
    say(error.message, true);
    return null;
  }
}

function format(view) {
  const f = view.format;
  return f ? `${f.bits} bit ${f.sampleRate / 1000}k /${f.framesPerPacket} ${f.channelsSent}→${f.channelsReceived}` : '–';
}

// One row per participant, kept while they stay and updated in place: rebuilding the table on every
// health message (once a second) lost clicks that fell between a button's press and release, and
// moved a screen reader's place.
const rows = new Map();

function renderPeople() {
  const judged = participants.map((view) => ({ view, health: health.judge(view.name, view.stats, sampleRate) }));
  judged.sort((a, b) => b.health.score - a.health.score || a.view.name.localeCompare(b.view.name));
  const present = new Set(judged.map(({ view }) => view.name));
  for (const [name, row] of rows) {
    if (!present.has(name)) {
      row.element.remove();
      rows.delete(name);
    }
  }
  const body = $('rows');
  judged.forEach(({ view, health: h }) => {
    let row = rows.get(view.name);
    if (!row) {
      row = personRow(view.name);
      rows.set(view.name, row);
    }
    updateRow(row, view, h);
  });
  const order = judged.map(({ view }) => rows.get(view.name).element);
  if (order.some((element, index) => body.children[index] !== element) || body.children.length !== order.length) {
    // Moving a row takes the focus out of it: put it back.
    const keep = document.activeElement && body.contains(document.activeElement)
      ? document.activeElement.dataset.key : null;
    body.append(...order);
    if (keep) {
      const again = body.querySelector(`[data-key="${CSS.escape(keep)}"]`);
      if (again) {
        again.focus();
      }
    }
  }
  $('h-count').textContent = String(participants.length);
}

function personRow(name) {
  const row = { view: null };
  const button = (text, label, handler) => {
    const b = element('button', { type: 'button', text, 'aria-label': label + ' ' + name,
      'data-key': text + ':' + name });
    b.addEventListener('click', handler);
    return b;
  };
  const badge = element('span', { class: 'badge' });
  row.cells = {
    badge,
    section: element('td'),
    loss: element('td'),
    conceal: element('td'),
    jitter: element('td'),
    buffer: element('td'),
    latency: element('td'),
    level: element('td'),
    format: element('td'),
  };
  const c = row.cells;
  row.element = element('tr', { 'data-name': name },
    element('th', { scope: 'row', text: name }),
    element('td', {}, badge), c.section, c.loss, c.conceal, c.jitter, c.buffer, c.latency, c.level, c.format,
    element('td', { class: 'actions' },
      button('Link', 'Personal link for', () => showLink(name)),
      button('Edit', 'Rename or change the section of', () => edit(row.view)),
      button('Kick', 'Disconnect', () => kick(name))));
  return row;
}

function setText(node, text) {
  if (node.textContent !== text) {
    node.textContent = text;
  }
}

function updateRow(row, view, h) {
  row.view = view;
  const stats = view.stats || {};
  const c = row.cells;
  row.element.className = h.grade;
  c.badge.className = 'badge ' + h.grade;
  setText(c.badge, GRADE_TEXT[h.grade]);
  setText(c.section, view.section || '–');
  setText(c.loss, h.loss === undefined ? '–' : percent(h.loss));
  setText(c.conceal, h.conceal === undefined ? '–' : percent(h.conceal));
  setText(c.jitter, stats.jitterMs === undefined ? '–' : stats.jitterMs.toFixed(1) + ' ms');
  setText(c.buffer, stats.bufferMs === undefined ? '–' : stats.bufferMs.toFixed(1) + ' ms');
  setText(c.latency, stats.bufferMs === undefined ? '–'
    : (stats.bufferMs + (view.format ? view.format.framesPerPacket * 1000 / sampleRate : 0)).toFixed(1) + ' ms');
  setText(c.level, stats.levelDbfs === null || stats.levelDbfs === undefined ? 'silent'
    : stats.levelDbfs.toFixed(1) + ' dBFS');
  setText(c.format, format(view));
}

async function showLink(name) {
  const link = await act('POST', '/api/participants/' + seg(name) + '/link', { base: location.origin });
  if (!link) {
    return;
  }
  $('link-name').textContent = name;
  $('link-url').value = link.url;
  const qr = $('link-qr');
  qr.replaceChildren();
  const image = new DOMParser().parseFromString(link.qrSvg, 'image/svg+xml').documentElement;
  qr.append(document.importNode(image, true));
  $('link-dialog').showModal();
}

async function kick(name) {
  if (confirm('Disconnect ' + name + '? Their client stops; they can join again.')) {
    await act('POST', '/api/participants/' + seg(name) + '/kick', undefined, name + ' was disconnected.');
  }
}

function edit(view) {
  editing = view;
  $('edit-title').textContent = 'Edit ' + view.name;
  $('edit-name').value = view.name;
  $('edit-section').value = view.assignedSection || '';
  $('edit-dialog').showModal();
}

async function saveEdit() {
  const view = editing;
  const name = $('edit-name').value.trim();
  const section = $('edit-section').value.trim();
  let current = view.name;
  if (name && name !== view.name) {
    const renamed = await act('POST', '/api/participants/' + seg(view.name) + '/rename', { name },
      view.name + ' is now ' + name + '.');
    if (!renamed) {
      return;
    }
    current = name;
  }
  if ((section || null) !== (view.assignedSection || null)) {
    await act('PUT', '/api/participants/' + seg(current) + '/section', { section: section || null },
      current + ' is in section ' + (section || 'from their name') + '.');
  }
}

let sections = { assigned: {} };
let roster = [];

function onState(message) {
  roster = message.roster;
  sections = message.sections;
  const preset = $('preset');
  if (document.activeElement !== preset) {
    preset.value = message.preset;
  }
  const master = $('mix-master');
  const options = [['off', 'Off: everyone hears their own mix'], ['operator', 'The operator’s master mix']]
    .concat(roster.map((p) => ['participant:' + p.name, p.name + '’s mix']));
  if (document.activeElement !== master) {
    master.replaceChildren(...options.map(([value, text]) => element('option', { value, text })));
    const mm = message.mixMaster;
    master.value = !mm.enabled ? 'off' : mm.participant ? 'participant:' + mm.participant : 'operator';
  }
}

function onHealth(message) {
  if (!message.participants) {
    return;
  }
  const assigned = sections.assigned || {};
  const bySection = new Map(roster.map((p) => [p.name, p.section]));
  participants = message.participants.map((view) => Object.assign(view, {
    section: bySection.get(view.name), assignedSection: assigned[view.name],
  }));
  renderPeople();
  const hub = message.hub || {};
  if (hub.periodCostMicros !== undefined) {
    $('h-cost').textContent = `${hub.periodCostMicros} µs of ${hub.periodMicros} µs (${percent(hub.periodCostShare)})`;
    $('h-late').textContent = `${hub.latePeriodsLastInterval} / ${hub.latePeriods}`;
    $('h-drops').textContent = `${hub.kernelDropsLastInterval} / ${hub.kernelDrops}`;
  }
  showRecording(message.recording && message.recording.status);
  if (hub.stateSaved !== undefined) {
    // Unsaved changes are lost if the hub restarts now: say so where the operator looks.
    const since = hub.stateSaved ? '' : new Date(hub.stateUnsavedSince).toLocaleTimeString();
    $('h-state').textContent = hub.stateSaved ? 'Yes'
      : `NO: not since ${since}, ${hub.stateWriteFailures} failed writes, retrying (${hub.stateError})`;
    $('h-state').classList.toggle('alarm', !hub.stateSaved);
  }
}

let recording = null; // the take's status, from the live feed or the last answer

function showRecording(status) {
  if (!status) {
    return;
  }
  recording = status;
  const button = $('record');
  button.disabled = status.state === 'stopping';
  button.textContent = status.state === 'recording' ? 'Stop recording'
    : status.state === 'stopping' ? 'Finishing the take…' : 'Start recording';
  button.classList.toggle('alarm', status.state === 'recording');
  const length = `${Math.floor(status.seconds / 60)}:${String(Math.floor(status.seconds % 60)).padStart(2, '0')}`;
  const size = `${(status.bytes / 1e6).toFixed(1)} MB`;
  const dropped = status.droppedFrames > 0 ? `, ${status.droppedFrames} frames dropped` : '';
  $('record-status').textContent = {
    off: 'Not recording',
    recording: `Recording take ${status.take}: ${length}, ${status.tracks} tracks, ${size}${dropped}`,
    stopping: `Finishing take ${status.take}…`,
    stopped: `Last take ${status.take}: ${length}, ${status.tracks} tracks, ${size}${dropped}, in ${status.folder}`,
    failed: `Take ${status.take} stopped: ${status.error}`,
  }[status.state] || status.state;
}

$('record').addEventListener('click', async () => {
  const starting = !recording || recording.state !== 'recording';
  const result = await act('POST', starting ? '/api/recording/start' : '/api/recording/stop', undefined,
    starting ? 'Recording' : 'Recording stopped');
  showRecording(result);
});

async function start(token) {
  api = apiClient(token);
  let me;
  try {
    me = await api('GET', '/api/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetToken(OPERATOR);
      showLogin('That token is not valid.');
    } else {
      say('Cannot reach the hub: ' + error.message, true);
    }
    return;
  }
  if (me.role !== 'operator') {
    showLogin('This is a participant’s link; the operator page needs the operator token.');
    return;
  }
  $('login').hidden = true;
  $('hub').hidden = false;
  $('people').hidden = false;
  $('master-link').hidden = false;
  const presets = await act('GET', '/api/presets');
  $('preset').replaceChildren(...(presets || []).map((p) => element('option', { value: p.id, text: p.description })));
  connectLive(token, (message) => {
    if (message.type === 'hello') {
      sampleRate = message.sampleRate;
    } else if (message.type === 'state') {
      onState(message);
    } else if (message.type === 'health') {
      onHealth(message);
    }
  }, (status, reason) => {
    if (status === 'open') {
      say('');
    } else {
      say(status === 'refused' ? 'Refused: ' + reason : 'Connection to the hub lost; reconnecting…', true);
    }
  });
}

function showLogin(message) {
  $('login').hidden = false;
  if (message) {
    say(message, true);
  }
}

$('preset').addEventListener('change', () => act('PUT', '/api/preset', { preset: $('preset').value },
  'Everyone now hears: ' + $('preset').selectedOptions[0].textContent));
$('mix-master').addEventListener('change', () => {
  const value = $('mix-master').value;
  const body = value === 'off' ? { enabled: false } : value === 'operator' ? { enabled: true }
    : { enabled: true, participant: value.slice('participant:'.length) };
  act('PUT', '/api/mix-master', body, 'Mix master: ' + $('mix-master').selectedOptions[0].textContent);
});
$('link-copy').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText($('link-url').value);
    say('Link copied.');
  } catch (error) {
    $('link-url').select();
    say('Select and copy the link (the browser refused to copy it).', true);
  }
});
$('link-close').addEventListener('click', () => $('link-dialog').close());
$('edit-dialog').addEventListener('close', () => {
  if ($('edit-dialog').returnValue === 'save') {
    saveEdit();
  }
});
signIn(OPERATOR, start, showLogin);
