// Migration 8: a fill's fee as the venue charged it, when that was not in the account currency: `commission_qty`
// units of `commission_asset` (Binance: the base asset of a buy, or BNB with "pay fees with BNB"). `commission`
// stays the fee in the account currency (what PnL and equity use); both new columns are null otherwise.

export const version = 8;
export const name = 'fill_fee_asset';

export const sql = `
ALTER TABLE fills ADD COLUMN commission_asset text;
ALTER TABLE fills ADD COLUMN commission_qty float8;
ALTER TABLE fills ADD CONSTRAINT fills_commission_asset_pair CHECK ((commission_asset IS NULL) = (commission_qty IS NULL));
`;
