/**
 * One confidence from the classifier's probability and the nearest question's similarity. The
 * probability alone says "this entry rather than the others", which is near 1 for any text when a
 * KB has few entries; the similarity says "something like this was asked before". A geometric
 * blend keeps both: confidence = p^(1-w) · sim^w.
 */
export interface CalibrationOptions {
  /** Softmax temperature applied to the classifier's logits (>1 softens overconfident probabilities). */
  temperature: number;
  /** Weight of the similarity in the blend, 0..1. */
  similarityWeight: number;
}

export const defaultCalibrationOptions: CalibrationOptions = { temperature: 0.5, similarityWeight: 0.3 };

export function blendConfidence(
  probability: number,
  similarity: number,
  options: CalibrationOptions,
): number {
  const w = options.similarityWeight;
  if (w <= 0) return probability;
  if (w >= 1) return similarity;
  const value = probability ** (1 - w) * similarity ** w;
  return Math.min(1, Math.max(0, value));
}
