/**
 * Turns text into sparse TF-IDF vectors over the vocabulary of the training questions. Terms no
 * training question uses still count towards the vector's length (as the rarest possible term), so
 * an off-topic sentence sharing one word with a question does not look like a close match.
 */
import {
  defaultTextFeatureOptions,
  TERM_KINDS,
  type TextFeatureOptions,
  textTerms,
} from './text-features.js';

/** A sparse vector: feature indexes and their values, unit length over all its terms. */
export interface SparseVector {
  indexes: Int32Array;
  values: Float32Array;
}

export interface VectorizerOptions {
  text: TextFeatureOptions;
  /** Weight of each term kind, indexed by TermKind (word, word bigram, char, han1–3, han word). */
  kindWeights: readonly number[];
}

export const defaultVectorizerOptions: VectorizerOptions = {
  text: defaultTextFeatureOptions,
  // Han words at 0.85: on SMP2017's dev split top1 rose with their weight, but above 0.85 the
  // out-of-scope recall (chat held out) fell. Han trigrams at 0.85: jieba's words already hold the
  // real three-character words; SMP2017 dev top1 rose by about 0.004 (three seeds). Lower went
  // further on SMP2017 but let short off-topic Chinese texts (今天天气怎么样) through on the shop KB.
  kindWeights: [1, 1, 0.5, 1, 1, 0.85, 0.85],
};

export interface Vectorizer {
  /** Number of features (the vocabulary size). */
  readonly size: number;
  vectorize(text: string): SparseVector;
}

/** One text's distinct terms with counts, and the kind of each. */
interface CountedTerms {
  hashes: number[];
  counts: number[];
  kinds: number[];
}

export function fitVectorizer(
  texts: readonly string[],
  options: VectorizerOptions = defaultVectorizerOptions,
): { vectorizer: Vectorizer; vectors: SparseVector[] } {
  const counted = texts.map((text) => countTerms(text, options.text));
  const vocabulary = new Map<number, number>();
  const documentFrequency: number[] = [];
  const featureKind: number[] = [];
  for (const terms of counted) {
    terms.hashes.forEach((hash, t) => {
      let index = vocabulary.get(hash);
      if (index === undefined) {
        index = vocabulary.size;
        vocabulary.set(hash, index);
        documentFrequency.push(0);
        featureKind.push(terms.kinds[t] as number);
      }
      documentFrequency[index] = (documentFrequency[index] as number) + 1;
    });
  }
  const count = texts.length;
  const kindWeight = Array.from({ length: TERM_KINDS }, (_, kind) => options.kindWeights[kind] ?? 1);
  const weights = new Float32Array(vocabulary.size);
  for (let index = 0; index < weights.length; index++) {
    const idf = Math.log((1 + count) / (1 + (documentFrequency[index] as number))) + 1;
    weights[index] = idf * (kindWeight[featureKind[index] as number] as number);
  }
  const unseenIdf = Math.log(1 + count) + 1;

  const toVector = (terms: CountedTerms): SparseVector => {
    const indexes: number[] = [];
    const values: number[] = [];
    let norm = 0;
    for (let t = 0; t < terms.hashes.length; t++) {
      const index = vocabulary.get(terms.hashes[t] as number);
      const tf = 1 + Math.log(terms.counts[t] as number);
      const weight =
        index === undefined
          ? tf * unseenIdf * (kindWeight[terms.kinds[t] as number] as number)
          : tf * (weights[index] as number);
      norm += weight * weight;
      if (index !== undefined) {
        indexes.push(index);
        values.push(weight);
      }
    }
    const length = Math.sqrt(norm) || 1;
    return {
      indexes: Int32Array.from(indexes),
      values: Float32Array.from(values, (value) => value / length),
    };
  };

  const vectorizer: Vectorizer = {
    size: vocabulary.size,
    vectorize: (text) => toVector(countTerms(text, options.text)),
  };
  return { vectorizer, vectors: counted.map(toVector) };
}

function countTerms(text: string, options: TextFeatureOptions): CountedTerms {
  const { hashes, kinds } = textTerms(text, options);
  const position = new Map<number, number>();
  const out: CountedTerms = { hashes: [], counts: [], kinds: [] };
  hashes.forEach((hash, t) => {
    const at = position.get(hash);
    if (at === undefined) {
      position.set(hash, out.hashes.length);
      out.hashes.push(hash);
      out.counts.push(1);
      out.kinds.push(kinds[t] as number);
    } else out.counts[at] = (out.counts[at] as number) + 1;
  });
  return out;
}
