/** Drift monitoring: reference profiles, streaming windows, SciPy-matching statistics, and the drift policy. */
export * from './profile';
export * from './window';
export * from './stats';
export * from './policy';
export { featureStats, type FeatureStats } from './compare';
export { chi2Sf, logGamma, regularizedGammaP, regularizedGammaQ } from './gamma';
export { kolmogorovSf, kstwoSf, smirnovSf } from './kolmogorov';
export { Reservoir } from './reservoir';
export { binIndex, quantileEdges, quantileSorted } from '../stats/quantile';
