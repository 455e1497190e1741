/**
 * The ID issuer's lookup index, so a listing never scans every request of the world: requests by economic operator,
 * and the ones seen by their creator only (machine.ts canSee) by creator. Runtime only: rebuilt from the state at
 * start-up, reset and after a rolled-back write; kept current by the UnitRequestCreated events.
 *
 * @example
 * index.visible(state, user); // the requests the user may see
 */
import { pmap } from '../../core/pmap.js';
import type { DomainEvent, Index } from '../../core/system.js';
import type { IdIssuerState, UnitRequest, User } from './state.js';

export class RequestIndex implements Index {
  private readonly byOperator = new Map<string, number[]>();
  private readonly byCreator = new Map<string, number[]>();

  constructor(private readonly state: () => IdIssuerState) {}

  rebuild(): void {
    this.byOperator.clear();
    this.byCreator.clear();
    for (const r of [...pmap.values(this.state().requests)].sort((a, b) => a.requestId - b.requestId)) this.add(r);
  }

  apply(events: readonly DomainEvent[]): void {
    for (const e of events) {
      if (e.type !== 'UnitRequestCreated') continue;
      const r = pmap.get(this.state().requests, String(e.requestId));
      if (r) this.add(r);
    }
  }

  private add(r: UnitRequest): void {
    const [map, key] = r.creatorOnly ? [this.byCreator, r.createdBy] : [this.byOperator, r.economicOperatorId];
    const list = map.get(key);
    if (list) list.push(r.requestId);
    else map.set(key, [r.requestId]);
  }

  /** The requests a user may see, by the operators it acts for and those it alone sees. */
  visible(s: IdIssuerState, user: User): UnitRequest[] {
    const ids = [...user.economicOperators.flatMap((eo) => this.byOperator.get(eo) ?? []), ...(this.byCreator.get(user.email) ?? [])];
    return ids.flatMap((id) => pmap.get(s.requests, String(id)) ?? []);
  }
}
