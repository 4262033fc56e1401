/**
 * Reads `config/switchboard.yaml` (or SWITCHBOARD_CONFIG), overlays the environment, validates the
 * result and names every bad setting — with where its value came from — in one ConfigError.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from '../errors.js';
import { DEFAULT_BACKENDS } from './channel-settings.js';
import { type Config, configSchema, ENVIRONMENT } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'config/switchboard.yaml';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const file = env.SWITCHBOARD_CONFIG || DEFAULT_CONFIG_FILE;
  const fromFile = readConfigFile(file, Boolean(env.SWITCHBOARD_CONFIG));
  const fromEnv = new Map<string, string>(); // setting path -> variable name
  const raw = structuredClone(fromFile);
  for (const [variable, path] of Object.entries(ENVIRONMENT)) {
    const value = env[variable];
    if (value === undefined || value === '') continue; // an empty variable means "not set"
    setPath(raw, path, value);
    fromEnv.set(path.join('.'), variable);
  }
  // The default backends name their variables too: ORDERS_API_URL works without a `backends:` key.
  raw.backends ??= structuredClone(DEFAULT_BACKENDS);
  for (const [path, variable] of backendVariables(raw)) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    setPath(raw, path, value);
    fromEnv.set(path.join('.'), variable);
  }
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      const variable = fromEnv.get(path);
      const where = variable ? `${variable} (environment)` : `${path || '(top level)'} in ${file}`;
      return `${where}: ${issue.message}`;
    }),
  );
}

function readConfigFile(file: string, required: boolean): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError([`SWITCHBOARD_CONFIG: cannot read ${file}: ${(error as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new ConfigError([`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError([`${file}: the top level must be a mapping of settings`]);
  }
  return parsed as Record<string, unknown>;
}

/**
 * The variables a `backends:` entry names for its URL and secret (urlEnv, auth.env), with the
 * setting each fills. Read from the raw file so a bad value is reported under the variable's name.
 */
function backendVariables(raw: Record<string, unknown>): Array<[string[], string]> {
  const backends = raw.backends;
  if (typeof backends !== 'object' || backends === null) return [];
  const found: Array<[string[], string]> = [];
  for (const [name, backend] of Object.entries(backends as Record<string, unknown>)) {
    if (typeof backend !== 'object' || backend === null) continue;
    const { urlEnv, auth } = backend as { urlEnv?: unknown; auth?: { env?: unknown } };
    if (typeof urlEnv === 'string') found.push([['backends', name, 'url'], urlEnv]);
    if (typeof auth?.env === 'string') found.push([['backends', name, 'auth', 'value'], auth.env]);
  }
  return found;
}

function setPath(target: Record<string, unknown>, path: string[], value: string): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1);
  if (last) node[last] = value;
}
