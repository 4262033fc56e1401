/** Stopping and starting the server loses nothing: the SQLite file holds every conversation. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSwitchboard, tempDir, testConfig } from '../helpers/switchboard.js';
import { WebchatClient } from '../helpers/webchat-client.js';

describe('restart with the embedded store', () => {
  it('keeps sessions, conversations, statuses and messages across a restart', async () => {
    const config = testConfig({ STORE_URL: `sqlite://${join(tempDir(), 'restart.sqlite')}` });
    const first = await startSwitchboard(config);
    const answered = await WebchatClient.create(first.url);
    await answered.ask('where is my parcel?');
    const handedOff = await WebchatClient.create(first.url);
    await handedOff.ask('Tell me a joke about penguins');
    const before = [await answered.session(), await handedOff.session()];
    await first.close();

    const second = await startSwitchboard(config);
    try {
      const after = [
        await new WebchatClient(second.url, answered.sessionId).session(),
        await new WebchatClient(second.url, handedOff.sessionId).session(),
      ];
      expect(after).toEqual(before.map((view) => ({ ...view })));
      expect(after[1]?.conversation?.status).toBe('waiting');
      // The conversation carries on where it was: same id, next message appended after the old ones.
      const again = new WebchatClient(second.url, answered.sessionId);
      await again.ask('我的快递到哪了');
      const view = await again.session();
      expect(view.conversation?.id).toBe(before[0]?.conversation?.id);
      expect(view.messages.map((m) => m.role)).toEqual(['customer', 'bot', 'customer', 'bot']);
    } finally {
      await second.close();
    }
  });
});
