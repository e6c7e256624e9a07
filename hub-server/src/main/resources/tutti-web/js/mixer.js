// A participant's own mix (a singer's phone), the conductor's mix when the operator made them mix
// master, and, opened with the operator's token, the operator's master mix. Every change is one
// call of the documented control API; the page learns the result, and others' changes, from the
// live feed.
import { signIn, forgetToken, storeToken, apiClient, connectLive, seg, say, throttle, ApiError, PARTICIPANT,
  OPERATOR } from './session.js';
import { MeterBoard } from './meters.js';
import { HealthTracker, percent, GRADE_TEXT } from './health.js';
import { faderToDb, dbToFader, dbText, guard, pressed, isPressed, element } from './faders.js';

const meters = new MeterBoard();
const health = new HealthTracker();
const rows = new Map();      // source name -> row controls
const sectionGroups = new Map(); // section name (or '') -> group controls
let api;
let me = null;               // { role, name }
let sampleRate = 48000;
let roster = [];
let mix = null;              // the latest "mix" message
let mixMaster = { enabled: false };
let silentSince = new Map();

const $ = (id) => document.getElementById(id);
const meCanvas = $('me-row').querySelector('canvas');
const masterCanvas = $('master-row').querySelector('canvas');
meters.add(meCanvas);
meters.add(masterCanvas);
const tokenKey = location.hash === '#operator' ? OPERATOR : PARTICIPANT;

function mixPath() {
  return me.role === 'operator' ? '/api/master-mix' : '/api/mixes/' + seg(me.name);
}

function readOnlySources() {
  // In mix-master mode only the master's own page (or the operator's) sets the sources.
  if (!mixMaster.enabled) {
    return false;
  }
  if (me.role === 'operator') {
    return Boolean(mixMaster.participant);
  }
  return mixMaster.participant !== me.name;
}

async function change(method, path, body) {
  try {
    await api(method, path, body);
  } catch (error) {
    say(error.message, true);
  }
}

// Own voice and master level: a participant patches their mix; the operator's master mix is
// replaced whole (its API has no PATCH), from the settings last pushed.
function setMine(fields) {
  if (me.role === 'operator') {
    const settings = Object.assign({}, mix ? mix.settings : {}, fields);
    return change('PUT', '/api/master-mix', settings);
  }
  return change('PATCH', mixPath(), fields);
}

const sendSource = new Map();
function sourceSender(name) {
  if (!sendSource.has(name)) {
    sendSource.set(name, throttle((body) => change('PUT', mixPath() + '/sources/' + seg(name), body), 80));
  }
  return sendSource.get(name);
}

const sendSection = new Map();
function sectionSender(section) {
  if (!sendSection.has(section)) {
    sendSection.set(section, throttle((body) => change('PUT', mixPath() + '/sections/' + seg(section), body), 80));
  }
  return sendSection.get(section);
}

function makeRow(person) {
  const name = person.name;
  const label = person.label || name;
  const fader = element('input', { type: 'range', min: -60, max: 12, step: 0.5, value: 0,
    'aria-label': 'Level of ' + label });
  const output = element('output', { class: 'db', text: '0 dB' });
  const meter = element('canvas', { class: 'meter', width: 160, height: 10, 'aria-hidden': 'true' });
  const mute = element('button', { type: 'button', class: 'toggle mute', 'aria-pressed': 'false',
    'aria-label': 'Mute ' + label, text: 'Mute' });
  const solo = element('button', { type: 'button', class: 'toggle solo', 'aria-pressed': 'false',
    'aria-label': 'Solo ' + label, text: 'Solo' });
  const pan = element('input', { type: 'range', min: -1, max: 1, step: 0.05, value: 0,
    'aria-label': 'Pan of ' + label });
  const panRow = element('label', { class: 'pan' }, element('span', { text: 'L' }), pan, element('span', { text: 'R' }));
  const flag = element('span', { class: 'flag' });
  const node = element('div', { class: 'row', 'data-name': name },
    element('div', { class: 'row-head' }, element('span', { class: 'name' }, label, flag), meter, output),
    element('div', { class: 'row-controls' }, fader, mute, solo),
    panRow);
  const row = { node, fader, output, meter, mute, solo, pan, panRow, flag, fading: guard(fader), panning: guard(pan) };
  fader.addEventListener('input', () => {
    output.textContent = dbText(fader.value);
    sourceSender(name)({ gainDb: faderToDb(fader.value) });
  });
  pan.addEventListener('input', () => sourceSender(name)({ pan: Number(pan.value) }));
  mute.addEventListener('click', () => {
    pressed(mute, !isPressed(mute));
    change('PUT', mixPath() + '/sources/' + seg(name), { mute: isPressed(mute) });
  });
  solo.addEventListener('click', () => {
    pressed(solo, !isPressed(solo));
    change('PUT', mixPath() + '/sources/' + seg(name), { solo: isPressed(solo) });
  });
  meters.add(meter);
  return row;
}

function makeGroup(section) {
  const title = section || 'Others';
  const rowsBox = element('div', { class: 'rows', id: 'rows-' + (section || 'others') });
  const expander = element('button', { type: 'button', class: 'expander', 'aria-expanded': 'true',
    'aria-controls': rowsBox.id }, element('span', { text: title }), element('span', { class: 'count' }));
  const head = element('div', { class: 'group-head' }, element('h2', {}, expander));
  const group = { node: null, rowsBox, expander, section };
  if (section) {
    const fader = element('input', { type: 'range', min: -60, max: 12, step: 0.5, value: 0,
      'aria-label': 'Level of section ' + section });
    const output = element('output', { class: 'db', text: '0 dB' });
    const mute = element('button', { type: 'button', class: 'toggle mute', 'aria-pressed': 'false',
      'aria-label': 'Mute section ' + section, text: 'Mute' });
    head.append(element('div', { class: 'row-controls section-fader' }, fader, output, mute));
    fader.addEventListener('input', () => {
      output.textContent = dbText(fader.value);
      sectionSender(section)({ gainDb: faderToDb(fader.value) });
    });
    mute.addEventListener('click', () => {
      pressed(mute, !isPressed(mute));
      change('PUT', mixPath() + '/sections/' + seg(section), { mute: isPressed(mute) });
    });
    Object.assign(group, { fader, output, mute, fading: guard(fader) });
  }
  expander.addEventListener('click', () => {
    const open = expander.getAttribute('aria-expanded') !== 'true';
    expander.setAttribute('aria-expanded', String(open));
    rowsBox.hidden = !open;
  });
  group.node = element('section', { class: 'group card', 'data-section': section || '' }, head, rowsBox);
  return group;
}

// The sources in this mix: everyone else streaming (and the hub's input when it is heard), by section.
function renderRoster() {
  const sources = roster.filter((p) => me.role === 'operator' || p.name !== me.name)
    .filter((p) => p.channels > 0);
  // The hub's own input (a piano on the hub machine, say) is listed when this mix hears it or set it.
  const hubHeard = mix && mix.effective && mix.effective.hub && mix.effective.hub.gainDb > -100;
  const hubSet = mix && mix.settings && mix.settings.sources && mix.settings.sources.hub;
  if (hubHeard || hubSet) {
    sources.push({ name: 'hub', label: 'Hub input', section: null, channels: 2 });
  }
  const wanted = new Set(sources.map((p) => p.name));
  for (const [name, row] of rows) {
    if (!wanted.has(name)) {
      meters.remove(row.meter);
      row.node.remove();
      rows.delete(name);
    }
  }
  const bySection = new Map();
  for (const person of sources) {
    const key = person.section || '';
    if (!bySection.has(key)) {
      bySection.set(key, []);
    }
    bySection.get(key).push(person);
  }
  const order = [...bySection.keys()].sort((a, b) => (a === '') - (b === '') || a.localeCompare(b));
  const container = $('sections');
  for (const [key, group] of sectionGroups) {
    if (!bySection.has(key)) {
      group.node.remove();
      sectionGroups.delete(key);
    }
  }
  const groupNodes = [];
  for (const key of order) {
    if (!sectionGroups.has(key)) {
      sectionGroups.set(key, makeGroup(key));
    }
    const group = sectionGroups.get(key);
    groupNodes.push(group.node);
    const people = bySection.get(key);
    group.expander.querySelector('.count').textContent = ' ' + people.length;
    const rowNodes = [];
    for (const person of people) {
      let row = rows.get(person.name);
      if (!row) {
        row = makeRow(person);
        rows.set(person.name, row);
      }
      row.mono = person.channels === 1;
      rowNodes.push(row.node);
    }
    place(group.rowsBox, rowNodes);
  }
  place(container, groupNodes);
  applyMix();
  applySearch();
}

// Puts `nodes` in this order under `parent`, moving only those out of place: a moved node loses
// focus and any drag on it, so a fader in use must stay where it is when someone else joins.
function place(parent, nodes) {
  nodes.forEach((node, index) => {
    if (parent.children[index] !== node) {
      parent.insertBefore(node, parent.children[index] || null);
    }
  });
}

function applyMix() {
  if (!mix) {
    return;
  }
  const settings = mix.settings || {};
  const sources = settings.sources || {};
  const sections = settings.sections || {};
  const locked = readOnlySources();
  for (const [name, row] of rows) {
    const source = sources[name] || { gainDb: 0, mute: false, solo: false };
    if (!row.fading()) {
      row.fader.value = dbToFader(source.gainDb);
      row.output.textContent = dbText(row.fader.value);
    }
    pressed(row.mute, source.mute);
    pressed(row.solo, source.solo);
    if (!row.panning()) {
      row.pan.value = source.pan === undefined || source.pan === null ? 0 : source.pan;
    }
    row.panRow.hidden = !row.mono;
    for (const control of [row.fader, row.mute, row.solo, row.pan]) {
      control.disabled = locked;
    }
  }
  for (const group of sectionGroups.values()) {
    if (!group.section) {
      continue;
    }
    const fader = sections[group.section] || { gainDb: 0, mute: false };
    if (!group.fading()) {
      group.fader.value = dbToFader(fader.gainDb);
      group.output.textContent = dbText(group.fader.value);
    }
    pressed(group.mute, fader.mute);
    group.fader.disabled = locked;
    group.mute.disabled = locked;
  }
  const meFader = $('me-fader');
  if (!meFader.guarded) {
    meFader.guarded = guard(meFader);
    $('master-fader').guarded = guard($('master-fader'));
  }
  if (!meFader.guarded()) {
    const self = settings.selfDb !== undefined && settings.selfDb !== null ? settings.selfDb
      : mix.effective && me.name && mix.effective[me.name] ? mix.effective[me.name].gainDb : 0;
    meFader.value = dbToFader(self);
    $('me-row').querySelector('output').textContent = dbText(meFader.value);
  }
  if (!$('master-fader').guarded()) {
    $('master-fader').value = dbToFader(settings.masterDb || 0);
    $('master-row').querySelector('output').textContent = dbText($('master-fader').value);
  }
  showBanner();
}

function showBanner() {
  const banner = $('banner');
  let text = '';
  if (mixMaster.enabled) {
    const who = mixMaster.participant || 'the operator';
    if (me.role === 'participant' && mixMaster.participant === me.name) {
      text = 'You are the mix master: everyone hears your balance.';
    } else if (me.role === 'operator' && !mixMaster.participant) {
      text = 'Everyone hears this master mix.';
    } else {
      text = 'Everyone hears ' + who + '’s mix now. You can still set your own voice and your master level.';
    }
  } else if (me.role === 'operator') {
    text = 'This is the operator’s master mix. Everyone hears it when the mix-master mode is on (operator page).';
  }
  banner.textContent = text;
  banner.hidden = !text;
}

function applySearch() {
  const query = $('search').value.trim().toLowerCase();
  for (const [name, row] of rows) {
    row.node.hidden = Boolean(query) && !name.toLowerCase().includes(query);
  }
  for (const group of sectionGroups.values()) {
    const any = [...group.rowsBox.children].some((node) => !node.hidden);
    group.node.hidden = Boolean(query) && !any && !(group.section || '').includes(query);
  }
}

function onMeters(message) {
  const now = performance.now();
  roster.forEach((person, index) => {
    const row = rows.get(person.name);
    const level = message.levels[index];
    if (row) {
      meters.set(row.meter, level);
      if (level === null) {
        if (!silentSince.has(person.name)) {
          silentSince.set(person.name, now);
        }
      } else {
        silentSince.delete(person.name);
      }
      const flag = level !== null && level > -1 ? 'clipping'
        : now - (silentSince.get(person.name) || now) > 5000 ? 'silent' : '';
      if (row.flag.textContent !== flag) {
        row.flag.textContent = flag;
        row.flag.className = 'flag ' + flag;
      }
    }
    if (person.name === me.name) {
      meters.set(meCanvas, level);
      meters.set(masterCanvas, message.mix[index]);
    }
  });
}

function onHealth(message) {
  // Everyone is told when a take records them, whatever else the page shows.
  $('recording').hidden = !(message.recording && message.recording.on);
  if (!message.me) {
    return;
  }
  const judged = health.judge(me.name, message.me.stats, sampleRate);
  const badge = $('connection');
  badge.hidden = false;
  badge.textContent = GRADE_TEXT[judged.grade] + ' connection';
  badge.className = 'badge ' + judged.grade;
  if (judged.grade !== 'poor' || judged.text !== 'no audio') {
    $('c-loss').textContent = percent(judged.loss || 0);
    $('c-conceal').textContent = percent(judged.conceal || 0);
    $('c-jitter').textContent = (judged.jitter || 0).toFixed(1) + ' ms';
    $('c-buffer').textContent = judged.buffer === undefined ? '–' : judged.buffer.toFixed(1) + ' ms';
  }
}

function onMessage(message) {
  switch (message.type) {
    case 'hello':
      sampleRate = message.sampleRate;
      break;
    case 'state':
      roster = message.roster;
      mixMaster = message.mixMaster;
      renderRoster();
      break;
    case 'mix':
      mix = message;
      mixMaster = message.mixMaster || mixMaster;
      renderRoster();
      break;
    case 'meters':
      onMeters(message);
      break;
    case 'health':
      onHealth(message);
      break;
    default:
      break;
  }
}

async function start(token) {
  api = apiClient(token);
  try {
    me = await api('GET', '/api/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      forgetToken(tokenKey);
      showLogin('That link or login is not valid (any more): log in again if this hub offers it,'
        + ' or ask the operator for a new link.');
      return;
    }
    say('Cannot reach the hub: ' + error.message, true);
    setTimeout(() => start(token), 3000);
    return;
  }
  $('login').hidden = true;
  $('jacktrip-login').hidden = true;
  $('who').textContent = me.role === 'operator' ? 'master mix' : me.name;
  document.title = 'Tutti · ' + $('who').textContent;
  $('mine').hidden = false;
  $('me-row').hidden = me.role === 'operator';
  $('finder').hidden = false;
  connectLive(token, onMessage, (status, reason) => {
    if (status === 'open') {
      say('');
    } else if (status === 'refused') {
      say('The hub refused this page: ' + reason, true);
    } else {
      say('Connection to the hub lost; reconnecting…', true);
    }
  });
}

function showLogin(message) {
  $('login').hidden = false;
  $('mine').hidden = true;
  offerJackTripLogin();
  if (message) {
    say(message, true);
  }
}

$('me-fader').addEventListener('input', throttle(() => {
  const value = $('me-fader').value;
  $('me-row').querySelector('output').textContent = dbText(value);
  setMine({ selfDb: faderToDb(value) });
}, 80));
$('master-fader').addEventListener('input', throttle(() => {
  const value = $('master-fader').value;
  $('master-row').querySelector('output').textContent = dbText(value);
  setMine({ masterDb: faderToDb(value) });
}, 80));
$('search').addEventListener('input', applySearch);
$('connection').addEventListener('click', () => {
  const details = $('connection-details');
  details.hidden = !details.hidden;
  $('connection').setAttribute('aria-expanded', String(!details.hidden));
});
signIn(tokenKey, start, showLogin);

// A hub run with -A lets a singer in with JackTrip's username and password: the same login for the
// stream and the page, no link to hand out.
async function offerJackTripLogin() {
  try {
    const health = await (await fetch('/api/health', { cache: 'no-store' })).json();
    $('jacktrip-login').hidden = !health.logins;
  } catch (error) {
    // no hub to ask: the token form stays the only way in
  }
}

$('jacktrip-login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const response = await fetch('/api/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: $('username-input').value.trim(), password: $('password-input').value }),
    cache: 'no-store',
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    say(answer.error || response.statusText, true);
    return;
  }
  $('password-input').value = '';
  storeToken(tokenKey, answer.token);
  start(answer.token);
});
