// Migration 6: the venue's own id of each order (Alpaca's order id, Binance's orderId, IB's permId, the
// simulator's SIM-n), as the venue last gave it (a cancel-replace gives a new one): for the trade blotter and
// for matching a broker's statement. Null until the venue has acknowledged the order.

export const version = 6;
export const name = 'venue_order_ids';

export const sql = `
ALTER TABLE orders ADD COLUMN venue_order_id text;
CREATE INDEX orders_venue_id ON orders (venue_order_id) WHERE venue_order_id IS NOT NULL;
`;
