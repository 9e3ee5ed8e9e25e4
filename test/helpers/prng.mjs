// mulberry32: a small seeded PRNG, so that randomized tests are deterministic and a failing
// sequence can be replayed. Plain JavaScript, so that the bench's scripts (test/bench/probe.mjs)
// use it too; its type is in prng.d.mts.
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
