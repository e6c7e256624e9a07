// How a participant's connection is doing, from the stats the hub sends once a second:
// 'good', 'fair' or 'poor', with the numbers behind it. Concealment and loss are rates over the
// last interval (the page keeps the previous sample), so an old bad minute does not stay red.

export class HealthTracker {
  constructor() {
    this.previous = new Map();
  }

  // stats: the participant's "stats" object from the API; returns { grade, loss, conceal, jitter, buffer, score }
  judge(name, stats, sampleRate) {
    if (!stats) {
      return { grade: 'poor', score: 1000, text: 'no audio' };
    }
    const now = performance.now();
    const previous = this.previous.get(name);
    this.previous.set(name, { at: now, stats });
    let lossShare = stats.lossRatio || 0;
    let concealShare = 0;
    if (previous) {
      const seconds = Math.max(0.2, (now - previous.at) / 1000);
      const due = (stats.packetsReceived - previous.stats.packetsReceived) + (stats.lost - previous.stats.lost);
      lossShare = due > 0 ? (stats.lost - previous.stats.lost) / due : 0;
      concealShare = (stats.concealedFrames - previous.stats.concealedFrames) / (sampleRate * seconds);
    }
    const jitter = stats.jitterMs || 0;
    const poor = lossShare > 0.03 || concealShare > 0.03 || jitter > 8;
    const fair = lossShare > 0.005 || concealShare > 0.005 || jitter > 3;
    const score = lossShare * 4000 + concealShare * 2000 + jitter * 2
      + (stats.levelDbfs === null || stats.levelDbfs === undefined ? 5 : 0)
      + (stats.levelDbfs > -1 ? 5 : 0);
    return {
      grade: poor ? 'poor' : fair ? 'fair' : 'good',
      loss: lossShare, conceal: concealShare, jitter, buffer: stats.bufferMs, score,
    };
  }

  forget(name) {
    this.previous.delete(name);
  }
}

export function percent(share) {
  return (share * 100).toFixed(share < 0.1 ? 1 : 0) + ' %';
}

export const GRADE_TEXT = { good: 'Good', fair: 'Fair', poor: 'Poor' };
