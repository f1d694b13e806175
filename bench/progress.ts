import { SingleBar } from 'cli-progress';

/**
 * Progress on stderr: a cli-progress bar on a terminal; otherwise (CI, a pipe, a log file) one plain
 * line every few seconds, so that the output stays readable.
 */
export type Progress = Readonly<{
  update(value: number, detail?: string): void;
  done(detail?: string): void;
}>;

const PLAIN_EVERY_MS = 5_000;

export function progress(label: string, total: number, unit = ''): Progress {
  const name = label.padEnd(44);
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      format: `${name} [{bar}] {value}/{total}${unit ? ` ${unit}` : ''} {detail}`,
      stream: process.stderr,
      hideCursor: true,
      barsize: 24,
    });
    bar.start(total, 0, { detail: '' });
    return {
      update: (value, detail = '') => bar.update(Math.min(value, total), { detail }),
      done: (detail = '') => {
        bar.update(total, { detail });
        bar.stop();
      },
    };
  }
  const started = Date.now();
  let last = started;
  process.stderr.write(`${name} started\n`);
  return {
    update(value, detail = '') {
      const now = Date.now();
      if (now - last < PLAIN_EVERY_MS) return;
      last = now;
      process.stderr.write(`${name} ${value}/${total}${unit ? ` ${unit}` : ''} ${detail}\n`);
    },
    done(detail = '') {
      process.stderr.write(`${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s ${detail}\n`);
    },
  };
}

/** A one-line note on stderr (what the bench is doing next). */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}
