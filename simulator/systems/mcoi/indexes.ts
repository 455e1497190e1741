/**
 * MCOI's lookup indexes, so no operation scans or copies every order or document of the world: orders by owner and
 * by service provider, documents by owner and by the agent that registered them, and per owner the orders that may
 * still be active (§1.4's limit of 100). Runtime only: rebuilt from the state at start-up, reset and after a
 * rolled-back write; kept current by the OrderRegistered and ReportRegistered events (as the code index is).
 *
 * @example
 * index.visibleOrders(user, orgTin);     // the orders a user may see, oldest first
 * index.activeCount(orgId, isActiveNow); // §1.4 limit check without a scan of every order
 */
import { pmap } from '../../core/pmap.js';
import type { DomainEvent, Index } from '../../core/system.js';
import type { DocMeta, McoiState, Order } from './state.js';

const push = <K>(map: Map<K, string[]>, key: K, id: string) => {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
};

export class McoiIndexes implements Index {
  private readonly ordersByOrg = new Map<number, string[]>();
  private readonly ordersByContractor = new Map<string, string[]>();
  private readonly docsByOrg = new Map<number, string[]>();
  /** Orders that may still be active: once found inactive an order never becomes active again, so it is dropped. */
  private readonly open = new Map<number, Set<string>>();

  constructor(private readonly state: () => McoiState) {}

  rebuild(): void {
    this.ordersByOrg.clear();
    this.ordersByContractor.clear();
    this.docsByOrg.clear();
    this.open.clear();
    const s = this.state();
    const byTime = <T extends { createdAt: number }>(xs: T[], id: (x: T) => string) => xs.sort((a, b) => a.createdAt - b.createdAt || (id(a) < id(b) ? -1 : 1));
    for (const o of byTime([...pmap.values(s.orders)], (o) => o.orderId)) this.addOrder(o);
    for (const d of byTime([...pmap.values(s.documents)], (d) => d.documentId)) this.addDocument(d);
  }

  apply(events: readonly DomainEvent[]): void {
    const s = this.state();
    for (const e of events) {
      const found = e.type === 'OrderRegistered' ? pmap.get(s.orders, String(e.orderId)) : undefined;
      if (found) this.addOrder(found);
      const doc = e.type === 'ReportRegistered' ? pmap.get(s.documents, String(e.documentId)) : undefined;
      if (doc) this.addDocument(doc);
    }
  }

  private addOrder(o: Order): void {
    push(this.ordersByOrg, o.orgId, o.orderId);
    if (o.contractor) push(this.ordersByContractor, o.contractor.tin, o.orderId);
    let open = this.open.get(o.orgId);
    if (!open) this.open.set(o.orgId, (open = new Set()));
    open.add(o.orderId);
  }

  private addDocument(d: DocMeta): void {
    push(this.docsByOrg, d.orgId, d.documentId);
    if (d.agentOrgId !== undefined && d.agentOrgId !== d.orgId) push(this.docsByOrg, d.agentOrgId, d.documentId);
  }

  /** How many of an organization's orders are active now; drops the ones that no longer are. */
  activeCount(orgId: number, isActive: (o: Order) => boolean): number {
    const open = this.open.get(orgId);
    if (!open) return 0;
    const orders = this.state().orders;
    let n = 0;
    for (const id of open) {
      const o = pmap.get(orders, id);
      if (o && isActive(o)) n++;
      else open.delete(id);
    }
    return n;
  }

  /** An owner's orders and those transferred to it as a service provider (its TIN); callers sort. */
  visibleOrders(s: McoiState, orgId: number, tin: string | undefined): Order[] {
    const ids = [...(this.ordersByOrg.get(orgId) ?? []), ...(tin ? (this.ordersByContractor.get(tin) ?? []) : [])];
    return [...new Set(ids)].flatMap((id) => pmap.get(s.orders, id) ?? []);
  }

  /** Orders of `ownerId` transferred to the service provider with this TIN. */
  outsourcedTo(s: McoiState, tin: string, ownerId: number): Order[] {
    return (this.ordersByContractor.get(tin) ?? []).flatMap((id) => pmap.get(s.orders, id) ?? []).filter((o) => o.orgId === ownerId);
  }

  /** Documents an organization owns or registered as an agent. */
  visibleDocuments(s: McoiState, orgId: number): DocMeta[] {
    return [...new Set(this.docsByOrg.get(orgId) ?? [])].flatMap((id) => pmap.get(s.documents, id) ?? []);
  }
}
