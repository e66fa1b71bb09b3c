// A small seeded share of `npm run fuzz`'s child → parent message fuzzing, in the regular suite.
import { test } from 'node:test';
import { fuzzChildMessages } from './fuzzMessages.mjs';

test('fuzzed child → parent messages: the check never throws, accepted messages are bounded, runs survive', async () => {
  await fuzzChildMessages({ count: 1500, seed: 7, liveRuns: 2 });
});
