/**
 * Turns what the rules see on each check into what people are told: one alert when a problem
 * starts, one recovery message when it clears, nothing in between however many checks see it.
 * Pure: the state goes in and comes out, and the checker keeps it in the store, so a restart
 * neither repeats an alert nor forgets an open one.
 */

/** One thing a rule watches, as seen on this check. */
export interface Condition {
  /** Stable per incident kind and subject, e.g. `channel-down:wechat`. */
  key: string;
  /** `undefined`: too little data to tell (a quiet hour); the incident stays as it was. */
  firing: boolean | undefined;
  /** What the alert says while it fires. */
  message: string;
  /** What the recovery message says once it clears. */
  recovery: string;
  /** It must fire this long before anyone is told (a channel reconnecting is no incident). */
  forMs?: number;
}

export interface OpenIncident {
  since: string;
  message: string;
}

export interface IncidentState {
  open: Record<string, OpenIncident>;
  /** Conditions firing but not yet for their `forMs`: when they started. */
  pending: Record<string, string>;
}

export interface Notice {
  kind: 'alert' | 'recovery';
  key: string;
  text: string;
}

export const NO_INCIDENTS: IncidentState = { open: {}, pending: {} };

export function advance(
  state: IncidentState,
  conditions: readonly Condition[],
  now: number,
): { state: IncidentState; notices: Notice[] } {
  const open = { ...state.open };
  const pending = { ...state.pending };
  const notices: Notice[] = [];
  for (const condition of conditions) {
    const { key } = condition;
    if (condition.firing === undefined) continue;
    if (!condition.firing) {
      delete pending[key];
      const incident = open[key];
      if (incident) {
        delete open[key];
        notices.push({
          kind: 'recovery',
          key,
          text: `${condition.recovery} (after ${lasted(Date.parse(incident.since), now)})`,
        });
      }
      continue;
    }
    if (open[key]) continue;
    const since = pending[key] ?? new Date(now).toISOString();
    if (now - Date.parse(since) < (condition.forMs ?? 0)) {
      pending[key] = since;
      continue;
    }
    delete pending[key];
    open[key] = { since, message: condition.message };
    notices.push({ kind: 'alert', key, text: condition.message });
  }
  return { state: { open, pending }, notices };
}

/** "4 min", "2 h 5 min": how long an incident lasted, for the recovery message. */
export function lasted(from: number, to: number): string {
  const minutes = Math.max(0, Math.round((to - from) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
