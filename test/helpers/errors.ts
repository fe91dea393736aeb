// The error a promise rejects with (or a call throws), checked for its class, so a test can then compare message and hint.
import { expect } from 'vitest';

/** What `promise` rejects with, an instance of `kind` (the test fails when it resolves or rejects with anything else). */
export async function rejection<E extends Error>(promise: Promise<unknown>, kind: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(() => expect.unreachable('expected a rejection'), (e: unknown) => e);
  expect(error).toBeInstanceOf(kind);
  return error as E;
}

/** What `run` throws, an instance of `kind` (the test fails when it returns or throws anything else). */
export function thrown<E extends Error>(run: () => unknown, kind: new (...args: never[]) => E): E {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a throw').toBeInstanceOf(kind);
  return error as E;
}
