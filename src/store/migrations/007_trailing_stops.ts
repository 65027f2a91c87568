// Migration 7: a trailing stop's offset (by an amount or a percent of the best price) and its current trigger
// level, on the order row: a restarted node sends a trailing stop again as it was, from the level it had
// reached (not from the price at the restart). Null for every other order type.

export const version = 7;
export const name = 'trailing_stops';

export const sql = `
ALTER TABLE orders ADD COLUMN trail_kind text CHECK (trail_kind IN ('amount', 'percent'));
ALTER TABLE orders ADD COLUMN trail_value float8 CHECK (trail_value > 0);
ALTER TABLE orders ADD COLUMN trail_stop float8;
ALTER TABLE orders ADD CONSTRAINT orders_trail_pair CHECK ((trail_kind IS NULL) = (trail_value IS NULL));
`;
