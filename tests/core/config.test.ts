import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/load-config.js';
import { ConfigError } from '../../src/core/errors.js';

/** A temp YAML settings file; returns its path for SWITCHBOARD_CONFIG. */
function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'switchboard-config-')), 'switchboard.yaml');
  writeFileSync(file, text);
  return file;
}

/** The problems of the ConfigError loadConfig throws. */
function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty file and no environment', () => {
    const config = loadConfig({ SWITCHBOARD_CONFIG: configFile('') });
    expect(config).toEqual({
      port: 3000,
      host: '0.0.0.0',
      storeUrl: 'sqlite://data/switchboard.sqlite',
      logLevel: 'info',
      defaultLocale: 'zh-CN',
      knowledge: { dir: 'config/knowledge', watch: true, answerThreshold: 0.45, suggestThreshold: 0.3 },
      dedupe: { ttlSeconds: 86400 },
      webchat: { maxTextLength: 4000, embedOrigins: [] },
      shutdownTimeoutSeconds: 10,
      files: { dir: 'data/files', maxMegabytes: 20, ttlDays: 30 },
      routing: { missesBeforeHandoff: 2, angerThreshold: 0.6, urgencyThreshold: 0.4, handoffOnRepeat: true },
      desk: {
        remindAfterSeconds: 120,
        escalateAfterSeconds: 600,
        slaCheckSeconds: 15,
        notePrefixes: ['note:', 'note：', '备注:', '备注：', '//'],
      },
      telegram: { apiRoot: 'https://api.telegram.org' },
      slack: { apiUrl: 'https://slack.com/api/' },
      teams: { appType: 'MultiTenant', emulator: false },
      wechat: {},
      csat: {
        enabled: true,
        closeIdleMinutes: 30,
        abandonAfterMinutes: 1440,
        checkSeconds: 60,
        answerWithinMinutes: 1440,
        lowScore: 2,
        nps: false,
      },
      alerts: {
        enabled: true,
        checkSeconds: 60,
        handoffRate: { factor: 2, baselineDays: 7, minConversations: 10, minHandoffs: 5 },
        slaBreaches: 3,
        csat: { drop: 0.5, baselineDays: 7, minRatings: 5 },
        channelDownSeconds: 120,
      },
      reports: { enabled: true, dailyAt: '09:00' },
      storeEncryption: { oldKeys: [] },
      retention: { checkMinutes: 60 },
      privacy: { extraPatterns: [] },
      backends: {
        orders: {
          urlEnv: 'ORDERS_API_URL',
          timeoutMs: 3000,
          retries: 1,
          cacheSeconds: 30,
          maxResponseKilobytes: 256,
        },
      },
    });
  });

  it('reads a backend URL and secret from the variables the backend names', () => {
    const file = configFile(
      'backends:\n  crm:\n    urlEnv: CRM_URL\n    auth: { env: CRM_TOKEN, prefix: "Bearer " }\n',
    );
    const config = loadConfig({
      SWITCHBOARD_CONFIG: file,
      CRM_URL: 'https://crm.example/api',
      CRM_TOKEN: 't0k',
    });
    expect(config.backends.crm).toMatchObject({
      url: 'https://crm.example/api',
      auth: { header: 'Authorization', prefix: 'Bearer ', value: 't0k' },
    });
    expect(problemsOf({ SWITCHBOARD_CONFIG: file, CRM_URL: 'https://crm.example/api' })).toEqual([
      expect.stringContaining('CRM_TOKEN must be set: this backend sends it as Authorization'),
    ]);
    expect(problemsOf({ SWITCHBOARD_CONFIG: file, CRM_URL: 'crm.example', CRM_TOKEN: 't0k' })).toEqual([
      'CRM_URL (environment): must be an http(s) URL',
    ]);
  });

  it('wires the sample orders backend to ORDERS_API_URL without a backends key', () => {
    expect(
      loadConfig({ SWITCHBOARD_CONFIG: configFile(''), ORDERS_API_URL: 'http://127.0.0.1:9000' }).backends
        .orders?.url,
    ).toBe('http://127.0.0.1:9000');
  });

  it('names the missing partner of a half-configured channel', () => {
    expect(problemsOf({ SWITCHBOARD_CONFIG: configFile(''), SLACK_BOT_TOKEN: 'xoxb-1-2-abc' })).toEqual([
      expect.stringContaining('SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set'),
    ]);
    expect(
      problemsOf({
        SWITCHBOARD_CONFIG: configFile(''),
        TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
        PUBLIC_URL: 'https://bot.example',
      }),
    ).toEqual([expect.stringContaining('TELEGRAM_WEBHOOK_SECRET is required')]);
    expect(problemsOf({ SWITCHBOARD_CONFIG: configFile(''), MICROSOFT_APP_ID: 'abc' })).toEqual([
      expect.stringContaining('MICROSOFT_APP_PASSWORD is required'),
    ]);
    expect(problemsOf({ SWITCHBOARD_CONFIG: configFile(''), TELEGRAM_BOT_TOKEN: 'nope' })).toEqual([
      'TELEGRAM_BOT_TOKEN (environment): must look like 123456:ABC-DEF… (from BotFather)',
    ]);
    expect(problemsOf({ SWITCHBOARD_CONFIG: configFile(''), TEAMS_EMULATOR: 'maybe' })).toEqual([
      'TEAMS_EMULATOR (environment): must be true or false',
    ]);
  });

  it('reads the shipped config/switchboard.yaml, which holds the defaults', () => {
    expect(loadConfig({})).toEqual(loadConfig({ SWITCHBOARD_CONFIG: configFile('') }));
  });

  it('takes settings from the file', () => {
    const file = configFile(
      'port: 8080\nknowledge:\n  dir: kb\n  answerThreshold: 0.7\nwebchat:\n  maxTextLength: 500\n',
    );
    const config = loadConfig({ SWITCHBOARD_CONFIG: file });
    expect(config.port).toBe(8080);
    expect(config.knowledge).toEqual({
      dir: 'kb',
      watch: true,
      answerThreshold: 0.7,
      suggestThreshold: 0.3,
    });
    expect(config.webchat.maxTextLength).toBe(500);
  });

  it('lets the environment win over the file', () => {
    const file = configFile(
      'port: 8080\nlogLevel: warn\nknowledge:\n  dir: from-file\n  answerThreshold: 0.7\n',
    );
    const config = loadConfig({
      SWITCHBOARD_CONFIG: file,
      PORT: '9090',
      KNOWLEDGE_DIR: 'from-env',
      LOG_LEVEL: 'debug',
    });
    expect(config.port).toBe(9090);
    expect(config.logLevel).toBe('debug');
    // The variable replaces one setting, not its whole section.
    expect(config.knowledge).toEqual({
      dir: 'from-env',
      watch: true,
      answerThreshold: 0.7,
      suggestThreshold: 0.3,
    });
  });

  it('treats an empty variable as unset', () => {
    const file = configFile('port: 8080\n');
    const config = loadConfig({ SWITCHBOARD_CONFIG: file, PORT: '', ADMIN_TOKEN: '', KNOWLEDGE_DIR: '' });
    expect(config.port).toBe(8080);
    expect(config.adminToken).toBeUndefined();
    expect(config.knowledge.dir).toBe('config/knowledge');
    expect(loadConfig({ SWITCHBOARD_CONFIG: configFile(''), PORT: '' }).port).toBe(3000);
  });

  it.each(['abc', '0', '70000', '80.5', ' '])('names PORT (environment) for PORT=%j', (port) => {
    const problems = problemsOf({ SWITCHBOARD_CONFIG: configFile('port: 8080\n'), PORT: port });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PORT \(environment\): /);
  });

  it('names the key path and the file for a bad value in the file', () => {
    const file = configFile('knowledge:\n  answerThreshold: 1.5\nlogLevel: loud\n');
    const problems = problemsOf({ SWITCHBOARD_CONFIG: file });
    expect(problems).toHaveLength(2);
    expect(problems).toContainEqual(
      expect.stringMatching(new RegExp(`^knowledge\\.answerThreshold in ${file}: `)),
    );
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^logLevel in ${file}: `)));
  });

  it.each([
    ['knowledge:\n  answerThreshold:\n', 'knowledge.answerThreshold'], // a key left empty is not 0
    ['knowledge:\n  suggestThreshold: ""\n', 'knowledge.suggestThreshold'],
    ['webchat:\n  maxTextLength: true\n', 'webchat.maxTextLength'],
    ['port: "80abc"\n', 'port'],
  ])('refuses a value that is not a number: %j', (text, key) => {
    const file = configFile(text);
    expect(problemsOf({ SWITCHBOARD_CONFIG: file })).toEqual([
      expect.stringMatching(new RegExp(`^${key} in ${file}: `)),
    ]);
  });

  it('accepts numbers written as strings in the file', () => {
    expect(loadConfig({ SWITCHBOARD_CONFIG: configFile('port: "8081"\n') }).port).toBe(8081);
  });

  it('refuses a suggestThreshold above answerThreshold, naming it', () => {
    const file = configFile('knowledge:\n  answerThreshold: 0.4\n  suggestThreshold: 0.6\n');
    expect(problemsOf({ SWITCHBOARD_CONFIG: file })).toEqual([
      `knowledge.suggestThreshold in ${file}: suggestThreshold must not be above answerThreshold`,
    ]);
  });

  it('refuses an unknown key in the file, at the top level and in a section', () => {
    const file = configFile('colour: red\nknowledge:\n  treshold: 0.5\n');
    const problems = problemsOf({ SWITCHBOARD_CONFIG: file });
    expect(problems).toHaveLength(2);
    expect(problems).toContainEqual(expect.stringMatching(/in .*: .*"colour"/));
    expect(problems).toContainEqual(expect.stringMatching(/^knowledge in .*: .*"treshold"/));
  });

  it('reports every bad setting at once, each with its source', () => {
    const file = configFile('logLevel: loud\n');
    const problems = problemsOf({ SWITCHBOARD_CONFIG: file, PORT: 'x', STORE_URL: 'mysql://db' });
    expect(problems).toHaveLength(3);
    expect(problems).toContainEqual(expect.stringMatching(/^PORT \(environment\): /));
    expect(problems).toContainEqual(
      expect.stringMatching(/^STORE_URL \(environment\): must start with sqlite/),
    );
    expect(problems).toContainEqual(expect.stringMatching(/^logLevel in /));
  });

  it('fails clearly when SWITCHBOARD_CONFIG names a missing file', () => {
    const problems = problemsOf({ SWITCHBOARD_CONFIG: join(tmpdir(), 'no-such-switchboard.yaml') });
    expect(problems).toEqual([
      expect.stringMatching(/^SWITCHBOARD_CONFIG: cannot read .*no-such-switchboard\.yaml/),
    ]);
  });

  it('fails clearly on a file that is not YAML or not a mapping', () => {
    const broken = configFile('port: [1\n');
    expect(problemsOf({ SWITCHBOARD_CONFIG: broken })).toEqual([expect.stringMatching(/not valid YAML/)]);
    const list = configFile('- port\n');
    expect(problemsOf({ SWITCHBOARD_CONFIG: list })).toEqual([
      `${list}: the top level must be a mapping of settings`,
    ]);
  });

  it('refuses an admin token that is too short and a public URL that is not http(s)', () => {
    const problems = problemsOf({
      SWITCHBOARD_CONFIG: configFile(''),
      ADMIN_TOKEN: 'short',
      PUBLIC_URL: 'ftp://example.com',
    });
    expect(problems).toContainEqual(expect.stringMatching(/^ADMIN_TOKEN \(environment\): /));
    expect(problems).toContainEqual(expect.stringMatching(/^PUBLIC_URL \(environment\): /));
  });
});
