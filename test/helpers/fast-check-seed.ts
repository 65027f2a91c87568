import fc from 'fast-check';

// Property tests draw from one fixed seed so that `npm test` (and CI) gives the same verdict on every run.
// To explore new inputs, run with FC_SEED=random (or a number); fast-check prints the seed of any failure.
const requested = process.env['FC_SEED'];
const seed = requested === 'random' ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(requested ?? 20_261_121);
if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", got "${requested ?? ''}"`);
fc.configureGlobal({ seed });
