/** mulberry32: a small seeded PRNG, so that randomized tests are deterministic and a failing sequence can be replayed. */
export function prng(seed: number): () => number;
