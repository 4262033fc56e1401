/**
 * Alerts and the daily report through a real server to the agents' channel: Slack (Web API faked
 * on nock) and Teams (a local Bot Connector recorder). A rejected knowledge edit is announced once
 * as a top-level post, its recovery once, and the daily report goes out at its time.
 */
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_CHANNEL, FakeSlackApi, SLACK_ENV } from '../adapters/slack/slack-kit.js';
import { ConnectorRecorder } from '../adapters/teams/connector-recorder.js';
import { fixture } from '../adapters/teams/fixtures.js';
import { type RunningSwitchboard, startSwitchboard, tempDir, testConfig } from '../helpers/switchboard.js';

const WAIT = { timeout: 10_000, interval: 20 };

let server: RunningSwitchboard;
let knowledgeDir: string;
let now = 0;

/** A server whose knowledge folder the test can break, on a clock the test moves. */
async function start(env: Record<string, string>): Promise<void> {
  now = Date.parse('2026-03-10T08:00:00Z');
  knowledgeDir = tempDir('switchboard-kb-');
  cpSync('config/knowledge', knowledgeDir, { recursive: true });
  const config = testConfig({ ...env, KNOWLEDGE_DIR: knowledgeDir });
  server = await startSwitchboard(
    { ...config, knowledge: { ...config.knowledge, watch: false } },
    { clock: { now: () => now } },
  );
}

async function breakKnowledge(): Promise<void> {
  writeFileSync(join(knowledgeDir, 'broken.yaml'), 'entries:\n  - id: broken\n    questions: [oops]\n');
  await server.knowledge.reload();
}

async function mendKnowledge(): Promise<void> {
  rmSync(join(knowledgeDir, 'broken.yaml'));
  await server.knowledge.reload();
}

afterEach(async () => {
  await server.close();
});

describe("alerts in the agents' Slack channel", () => {
  let slack: FakeSlackApi;

  beforeEach(async () => {
    slack = new FakeSlackApi();
    await start(SLACK_ENV);
  });

  afterEach(() => {
    nock.cleanAll();
  });

  /** Top-level posts: not in a conversation's thread, and not a card. */
  const announcements = () => slack.deskPosts().filter((post) => !post.thread_ts && !post.blocks);

  it('a rejected knowledge edit: one alert with the error, one recovery', async () => {
    await breakKnowledge();
    await server.monitoring.alerts.tick();
    await server.monitoring.alerts.tick();
    await expect.poll(() => announcements().length, WAIT).toBe(1);
    expect(announcements()[0]).toMatchObject({ channel: AGENT_CHANNEL });
    expect(announcements()[0]?.text).toContain('broken.yaml');

    await mendKnowledge();
    now += 5 * 60_000;
    await server.monitoring.alerts.tick();
    await expect.poll(() => announcements().length, WAIT).toBe(2);
    expect(announcements()[1]?.text).toContain('knowledge base reloaded cleanly (after 5 min)');
  });

  it("posts yesterday's daily report once, at 09:00", async () => {
    await server.monitoring.dailyReport.tick();
    now = Date.parse('2026-03-10T09:00:00Z');
    await server.monitoring.dailyReport.tick();
    await server.monitoring.dailyReport.tick();
    await expect.poll(() => announcements().length, WAIT).toBe(1);
    expect(announcements()[0]?.text).toContain('Daily report for 2026-03-09');
    expect(announcements()[0]?.text).toContain('0 conversations');
  });
});

describe("alerts in the agents' Teams channel", () => {
  let recorder: ConnectorRecorder;

  beforeEach(async () => {
    recorder = await new ConnectorRecorder().start();
    const agents = fixture('activity_channel_mention_root').channelData.teamsChannelId as string;
    await start({ TEAMS_EMULATOR: 'true', TEAMS_AGENT_CHANNEL: agents });
    // An admin @mentions the bot in the agents' channel once, so it can post there (docs/channels/teams.md).
    await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...fixture('activity_channel_mention_root'), serviceUrl: recorder.url }),
    });
  });

  afterEach(async () => {
    await recorder.stop();
  });

  it('posts an alert and its recovery as new posts in the channel', async () => {
    await breakKnowledge();
    await server.monitoring.alerts.tick();
    await expect.poll(() => recorder.threads.length, WAIT).toBe(1);
    expect(String(recorder.threads[0]?.activity.text)).toContain('broken.yaml');
    await mendKnowledge();
    await server.monitoring.alerts.tick();
    await expect.poll(() => recorder.threads.length, WAIT).toBe(2);
    expect(String(recorder.threads[1]?.activity.text)).toContain('reloaded cleanly');
  });
});
