import type { AnyEvent, Decider } from './event';

/** given these events, when this command: the events decided (or the error thrown). For decider specs. */
export function given<C, S, E extends AnyEvent>(decider: Decider<C, S, E>, history: E[]) {
  const state = history.reduce(decider.evolve, decider.initialState());
  return {
    when: (command: C) => ({
      then: (expected: E[]) => expect(decider.decide(command, state)).toEqual(expected),
      thenFails: (code: string) =>
        expect(() => decider.decide(command, state)).toThrow(expect.objectContaining({ code })),
    }),
  };
}
