// Level meters on canvas. Many rows may be on the page (200 singers), so levels are only stored
// when messages arrive, and drawn once per animation frame, for the meters on screen, and only
// when what is painted would change: a level that moved less than a pixel (a steady voice moves
// its peak by tenths of a dB every message) costs no paint at all.

const FLOOR_DB = -60;
const BACKGROUND = '#262b33';

export class MeterBoard {
  constructor() {
    this.meters = new Map(); // canvas -> { db, drawn }; drawn: the bar's key as last painted
    this.visible = new Set();
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const meter = this.meters.get(entry.target);
        if (entry.isIntersecting && meter) {
          this.visible.add(entry.target);
          meter.drawn = undefined;
        } else {
          this.visible.delete(entry.target);
        }
      }
    });
    const frame = () => {
      this.draw();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  add(canvas) {
    this.meters.set(canvas, { db: null, drawn: undefined });
    this.observer.observe(canvas);
  }

  remove(canvas) {
    this.observer.unobserve(canvas);
    this.meters.delete(canvas);
    this.visible.delete(canvas);
  }

  set(canvas, db) {
    const meter = this.meters.get(canvas);
    if (meter) {
      meter.db = db;
    }
  }

  draw() {
    for (const canvas of this.visible) {
      const meter = this.meters.get(canvas);
      const bar = barOf(canvas.width, meter.db);
      if (bar.key !== meter.drawn) {
        meter.drawn = bar.key;
        paint(canvas, bar);
      }
    }
  }
}

/** What a level paints on a meter {@code width} pixels wide: a lit width and its colour. */
function barOf(width, db) {
  if (db === null || db === undefined || db <= FLOOR_DB) {
    return { width: 0, colour: BACKGROUND, key: 0 };
  }
  const lit = Math.round(width * Math.min(1, (db - FLOOR_DB) / -FLOOR_DB));
  const colour = db > -3 ? '#ff5c5c' : db > -12 ? '#f2c14e' : '#4cd08a';
  return { width: lit, colour, key: lit + colour };
}

function paint(canvas, bar) {
  const context = canvas.getContext('2d');
  context.fillStyle = BACKGROUND;
  context.fillRect(0, 0, canvas.width, canvas.height);
  if (bar.width > 0) {
    context.fillStyle = bar.colour;
    context.fillRect(0, 0, bar.width, canvas.height);
  }
}
