/**
 * Preloaded into a server process (`NODE_OPTIONS=--import …/clock-step.mjs`):
 * each SIGUSR2 steps the process's wall clock (`Date.now()`, `new Date()`)
 * back one hour, as an NTP correction or a VM resuming would; the monotonic
 * clock (`performance.now()`) does not move. Writes `clock stepped` to stderr.
 */
const STEP_MS = -3_600_000;
const RealDate = Date;
const realNow = RealDate.now.bind(RealDate);
let offsetMs = 0;

class SteppedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(realNow() + offsetMs);
    else super(...args);
  }
  static now() {
    return realNow() + offsetMs;
  }
}
globalThis.Date = SteppedDate;

process.on('SIGUSR2', () => {
  offsetMs += STEP_MS;
  process.stderr.write(`clock stepped ${offsetMs} ms\n`);
});
