// Level meters on canvas. Many rows may be on the page (200 singers), so levels are only stored
// when messages arrive, and drawn once per animation frame, for the meters on screen.

const FLOOR_DB = -60;

export class MeterBoard {
  constructor() {
    this.meters = new Map(); // canvas -> { db, drawn }
    this.visible = new Set();
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          this.visible.add(entry.target);
          this.meters.get(entry.target).drawn = undefined;
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
      if (!meter || meter.drawn === meter.db) {
        continue;
      }
      meter.drawn = meter.db;
      drawMeter(canvas, meter.db);
    }
  }
}

export function drawMeter(canvas, db) {
  const context = canvas.getContext('2d');
  const { width, height } = canvas;
  context.fillStyle = '#262b33';
  context.fillRect(0, 0, width, height);
  if (db === null || db === undefined || db <= FLOOR_DB) {
    canvas.dataset.level = 'floor';
    return;
  }
  const share = Math.min(1, (db - FLOOR_DB) / -FLOOR_DB);
  context.fillStyle = db > -3 ? '#ff5c5c' : db > -12 ? '#f2c14e' : '#4cd08a';
  context.fillRect(0, 0, Math.round(width * share), height);
  canvas.dataset.level = db.toFixed(1);
}
