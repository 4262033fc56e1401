/**
 * Platt scaling: a one-feature logistic regression P(right) = σ(intercept + slope · x), fitted by
 * Newton's method on weighted 0/1 outcomes. A weak L2 pull towards 0 keeps both parameters finite
 * when the outcomes are perfectly separated (a tiny knowledge base can give such data).
 */
export interface PlattModel {
  intercept: number;
  slope: number;
}

export interface PlattOptions {
  /** L2 strength per unit of total weight, on both parameters. */
  l2: number;
  /** Newton steps at most; the fit usually settles in under ten. */
  iterations: number;
}

export const defaultPlattOptions: PlattOptions = { l2: 1e-3, iterations: 100 };

/** Fits σ(intercept + slope · x) to outcomes `right` (0 or 1), each case counting `weight[i]`. */
export function fitPlatt(
  x: Float64Array,
  right: Uint8Array,
  weight: Float64Array,
  options: PlattOptions = defaultPlattOptions,
): PlattModel {
  let total = 0;
  for (let i = 0; i < x.length; i++) total += weight[i] as number;
  const l2 = options.l2 * total;
  let intercept = 0;
  let slope = 0;
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    // Gradient g and Hessian H of the penalised negative log-likelihood.
    let g0 = l2 * intercept;
    let g1 = l2 * slope;
    let h00 = l2;
    let h01 = 0;
    let h11 = l2;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i] as number;
      const w = weight[i] as number;
      const p = sigmoid(intercept + slope * xi);
      const residual = w * (p - (right[i] as number));
      const curvature = w * p * (1 - p);
      g0 += residual;
      g1 += residual * xi;
      h00 += curvature;
      h01 += curvature * xi;
      h11 += curvature * xi * xi;
    }
    const determinant = h00 * h11 - h01 * h01;
    if (!(determinant > 0)) break;
    const step0 = (h11 * g0 - h01 * g1) / determinant;
    const step1 = (h00 * g1 - h01 * g0) / determinant;
    intercept -= step0;
    slope -= step1;
    if (Math.abs(step0) + Math.abs(step1) < 1e-10) break;
  }
  return { intercept, slope };
}

export function plattProbability(model: PlattModel, x: number): number {
  return sigmoid(model.intercept + model.slope * x);
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
