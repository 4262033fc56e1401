/** A web chat client speaking docs/webchat.md over real HTTP, for tests and the benchmark. */
export interface ChatMessage {
  id: string;
  conversationId: string;
  role: 'customer' | 'bot' | 'agent' | 'system';
  text: string;
  quickReplies: Array<{ label: string; payload: string }>;
  clientMessageId?: string;
  at: string;
}

export interface SessionView {
  sessionId: string;
  conversation: { id: string; status: string; openedAt: string } | null;
  messages: ChatMessage[];
}

let counter = 0;

export class WebchatClient {
  constructor(
    readonly baseUrl: string,
    readonly sessionId: string,
  ) {}

  static async create(baseUrl: string, body: Record<string, unknown> = {}): Promise<WebchatClient> {
    const response = await fetch(`${baseUrl}/webchat/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201) throw new Error(`session: ${response.status} ${await response.text()}`);
    const { sessionId } = (await response.json()) as { sessionId: string };
    return new WebchatClient(baseUrl, sessionId);
  }

  async post(
    text: string,
    extra: Record<string, unknown> = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.baseUrl}/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sessionId: this.sessionId,
        clientMessageId: `c-${++counter}-${Date.now()}`,
        text,
        ...extra,
      }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async session(): Promise<SessionView> {
    const response = await fetch(`${this.baseUrl}/webchat/sessions/${this.sessionId}`);
    if (response.status !== 200) throw new Error(`session view: ${response.status} ${await response.text()}`);
    return (await response.json()) as SessionView;
  }

  /** Polls the session until it holds `count` messages from the bot (answers arrive after the ack). */
  async waitForBotMessages(count: number, timeoutMs = 5_000): Promise<SessionView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.session();
      if (view.messages.filter((m) => m.role === 'bot').length >= count) return view;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${count} bot message(s): ${JSON.stringify(view.messages)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Asks a question and returns the bot's reply to it. */
  async ask(text: string): Promise<ChatMessage> {
    const before = (await this.session()).messages.filter((m) => m.role === 'bot').length;
    const sent = await this.post(text);
    if (sent.status !== 202) throw new Error(`post: ${sent.status} ${JSON.stringify(sent.body)}`);
    const view = await this.waitForBotMessages(before + 1);
    const answer = view.messages.filter((m) => m.role === 'bot').at(-1);
    if (!answer) throw new Error('no answer');
    return answer;
  }
}
