import type { EventStore } from '@onehazel/event-store';

/**
 * Holds every read of a matching stream until `parties` of them are waiting, then lets them all go on
 * (once): the requests or commands that made them decide on the same state, as if they had run at the
 * same instant, so a race test interleaves them for certain instead of hoping it does.
 */
export function barrierOnReads(events: EventStore, parties: number, matching: (stream: string) => boolean): { restore(): void } {
  const readStream = events.readStream.bind(events);
  const waiting: (() => void)[] = [];
  let armed = true;
  events.readStream = async (stream) => {
    const read = await readStream(stream);
    if (!armed || !matching(stream)) return read;
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length === parties) {
        armed = false;
        waiting.splice(0).forEach((release) => release());
      }
    });
    return read;
  };
  return { restore: () => void (events.readStream = readStream) };
}
