/**
 * The published JSON Schema (config/knowledge.schema.json, which editors use for completion and
 * checking) is generated from the loader's own schema; this keeps the two from drifting apart.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { knowledgeJsonSchema } from '../../src/knowledge/schema.js';

describe('knowledge JSON Schema', () => {
  it('config/knowledge.schema.json is what the loader validates with (regenerate: npm run kb -- schema)', () => {
    const published = JSON.parse(readFileSync('config/knowledge.schema.json', 'utf8'));
    expect(published).toEqual(knowledgeJsonSchema());
  });

  it('is referenced by the sample knowledge file for editors', () => {
    const firstLine = readFileSync('config/knowledge/shop.yaml', 'utf8').split('\n')[0];
    expect(firstLine).toBe('# yaml-language-server: $schema=../knowledge.schema.json');
  });
});
