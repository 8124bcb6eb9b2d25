import * as fc from 'fast-check';

// Every property-based test starts from the same seed, so that a run is
// reproducible; set FC_SEED to explore other samples.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261121) });
