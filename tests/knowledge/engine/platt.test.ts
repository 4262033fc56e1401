import { describe, expect, it } from 'vitest';
import { fitPlatt, plattProbability, sigmoid } from '../../../src/knowledge/engine/platt.js';
import { seededRandom } from '../../../src/knowledge/engine/random.js';

/** Outcomes drawn from σ(intercept + slope · x) at evenly spread x. */
function draws(intercept: number, slope: number, count: number) {
  const random = seededRandom(11);
  const x = Float64Array.from({ length: count }, (_, i) => -4 + (8 * i) / count);
  const right = Uint8Array.from(x, (value) => (random() < sigmoid(intercept + slope * value) ? 1 : 0));
  return { x, right, weight: new Float64Array(count).fill(1) };
}

describe('Platt scaling', () => {
  it('recovers the intercept and slope the outcomes were drawn with', () => {
    const { x, right, weight } = draws(-0.7, 1.6, 4000);
    const model = fitPlatt(x, right, weight);
    expect(model.intercept).toBeCloseTo(-0.7, 0);
    expect(model.slope).toBeCloseTo(1.6, 0);
    expect(plattProbability(model, 0)).toBeCloseTo(sigmoid(-0.7), 1);
  });

  it('counts a case of weight 2 like the same case twice', () => {
    const x = Float64Array.from([-2, -1, -0.5, 0, 0.5, 1, 2]);
    const right = Uint8Array.from([0, 0, 1, 0, 1, 1, 1]);
    const doubled = fitPlatt(
      Float64Array.from([...x, 0.5]),
      Uint8Array.from([...right, 1]),
      new Float64Array(8).fill(1),
    );
    const weighted = fitPlatt(x, right, Float64Array.from([1, 1, 1, 1, 2, 1, 1]));
    expect(weighted.intercept).toBeCloseTo(doubled.intercept, 6);
    expect(weighted.slope).toBeCloseTo(doubled.slope, 6);
  });

  it('stays finite and increasing when right and wrong are perfectly separated', () => {
    const x = Float64Array.from([-3, -2, -1, 1, 2, 3]);
    const model = fitPlatt(x, Uint8Array.from([0, 0, 0, 1, 1, 1]), new Float64Array(6).fill(1));
    expect(Number.isFinite(model.intercept) && Number.isFinite(model.slope)).toBe(true);
    expect(model.slope).toBeGreaterThan(0);
    expect(plattProbability(model, 3)).toBeGreaterThan(0.9);
    expect(plattProbability(model, -3)).toBeLessThan(0.1);
  });

  it('sigmoid is stable far from 0', () => {
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(0)).toBe(0.5);
  });
});
