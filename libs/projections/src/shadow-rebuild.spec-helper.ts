import type { ReadStore } from '@onehazel/read-store';

/**
 * Runs `during` inside a rebuild, once, right after its first hold of a live checkpoint and before it
 * catches the shadow up: the live projector's writes then fall in the window a swap could lose them in.
 */
export function afterFirstHold(read: ReadStore, during: () => Promise<void>): void {
  const hold = read.holdCheckpoint.bind(read);
  let ran = false;
  read.holdCheckpoint = async (...args) => {
    const held = await hold(...args);
    if (!ran) {
      ran = true;
      await during();
    }
    return held;
  };
}
