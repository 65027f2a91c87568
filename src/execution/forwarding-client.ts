// An ExecutionClient that passes everything to another: the base of decorators (the paper node's
// persist-then-send client, latency probes) that change one or two commands and forward the rest.
import type { Order } from '../model/order.ts';
import type { ConnectionState, ExecutionCapabilities, ExecutionClient, InstrumentRules, OrderModification } from './execution-client.ts';
import type { BalanceReport, FillReport, OrderStatusReport, PositionReport } from './reports.ts';

export class ForwardingExecutionClient implements ExecutionClient {
  constructor(protected readonly inner: ExecutionClient) {}

  get venue(): string {
    return this.inner.venue;
  }
  get capabilities(): ExecutionCapabilities {
    return this.inner.capabilities;
  }
  get connectionState(): ConnectionState {
    return this.inner.connectionState;
  }
  connect(): Promise<void> {
    return this.inner.connect();
  }
  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }
  submit(order: Order, nowMs: number): void {
    this.inner.submit(order, nowMs);
  }
  modify(clientOrderId: string, changes: OrderModification, nowMs: number): void {
    this.inner.modify(clientOrderId, changes, nowMs);
  }
  cancel(orderId: string, nowMs: number, reason?: string): void {
    this.inner.cancel(orderId, nowMs, reason);
  }
  cancelAll(nowMs: number, symbol?: string): void {
    this.inner.cancelAll(nowMs, symbol);
  }
  get instrumentRules(): ((symbol: string) => InstrumentRules | null) | undefined {
    const inner = this.inner;
    return inner.instrumentRules === undefined ? undefined : (symbol) => inner.instrumentRules!(symbol);
  }
  get adopt(): ((order: Order) => void) | undefined {
    const inner = this.inner;
    return inner.adopt === undefined ? undefined : (order) => inner.adopt!(order);
  }
  get takesNatively(): ((order: Order) => boolean) | undefined {
    const inner = this.inner;
    return inner.takesNatively === undefined ? undefined : (order) => inner.takesNatively!(order);
  }
  queryOrder(clientOrderId: string): Promise<OrderStatusReport | null> {
    return this.inner.queryOrder(clientOrderId);
  }
  openOrders(symbol?: string): Promise<OrderStatusReport[]> {
    return this.inner.openOrders(symbol);
  }
  fillsSince(sinceMs: number): Promise<FillReport[]> {
    return this.inner.fillsSince(sinceMs);
  }
  positions(): Promise<PositionReport[]> {
    return this.inner.positions();
  }
  balances(): Promise<BalanceReport[]> {
    return this.inner.balances();
  }
}
