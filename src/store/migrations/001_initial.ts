// Migration 1: the system-of-record tables. Never edit an applied migration: add a new one.
// Prices, quantities and money are double precision (float64, as in the engine: docs/architecture.md, "Numbers and time");
// times are epoch milliseconds in bigint columns named *_ms; created_at/updated_at are the
// database's own audit clock.

export const version = 1;
export const name = 'initial';

export const sql = `
CREATE TABLE instruments (
  symbol       text PRIMARY KEY,
  asset_class  text NOT NULL CHECK (asset_class IN ('equity', 'crypto', 'fx', 'future', 'option')),
  currency     text NOT NULL,
  tick_size    double precision NOT NULL CHECK (tick_size > 0),
  lot_size     double precision NOT NULL CHECK (lot_size > 0),
  min_qty      double precision NOT NULL CHECK (min_qty >= 0),
  multiplier   double precision NOT NULL CHECK (multiplier > 0),
  sector       text NOT NULL,
  calendar     jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE strategies (
  id           text PRIMARY KEY,
  name         text NOT NULL,
  config       jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE runs (
  id           text PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('backtest', 'paper', 'live')),
  config       jsonb NOT NULL DEFAULT '{}',
  status       text NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'stopped')),
  started_ms   bigint NOT NULL,
  ended_ms     bigint,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX runs_started ON runs (started_ms DESC);

-- client_order_id is the idempotency key: an order intent is written before it is sent.
CREATE TABLE orders (
  client_order_id  text PRIMARY KEY,
  run_id           text NOT NULL REFERENCES runs (id),
  strategy_id      text NOT NULL,
  symbol           text NOT NULL,
  side             text NOT NULL CHECK (side IN ('buy', 'sell')),
  type             text NOT NULL CHECK (type IN ('market', 'limit', 'stop', 'stop-limit', 'trailing-stop')),
  qty              double precision NOT NULL CHECK (qty > 0),
  limit_price      double precision,
  stop_price       double precision,
  tif              text NOT NULL CHECK (tif IN ('DAY', 'GTC', 'IOC', 'FOK', 'GTD')),
  expire_ms        bigint,
  parent_id        text,
  oco_group        text,
  tag              text,
  reduce_only      boolean NOT NULL DEFAULT false,
  status           text NOT NULL,
  filled_qty       double precision NOT NULL DEFAULT 0,
  avg_fill_price   double precision NOT NULL DEFAULT 0,
  reason           text NOT NULL DEFAULT '',
  last_seq         integer NOT NULL DEFAULT 0,
  created_ms       bigint NOT NULL,
  updated_ms       bigint NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- Lets fills reference (order, run) so a fill can never name another run's order.
  UNIQUE (client_order_id, run_id)
);
CREATE INDEX orders_run ON orders (run_id, created_ms);
CREATE INDEX orders_open ON orders (run_id)
  WHERE status NOT IN ('denied', 'rejected', 'filled', 'canceled', 'expired');

-- Every state change of an order; (order_id, seq) is the idempotency key.
CREATE TABLE order_events (
  order_id         text NOT NULL REFERENCES orders (client_order_id),
  seq              integer NOT NULL CHECK (seq >= 1),
  type             text NOT NULL,
  status           text NOT NULL,
  reason           text NOT NULL DEFAULT '',
  filled_qty       double precision,
  avg_fill_price   double precision,
  ts_ms            bigint NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, seq)
);
CREATE INDEX order_events_ts ON order_events (ts_ms);

-- fill_id (venue execution id, or "<order>#<seq>") and (order_id, seq) are both unique.
CREATE TABLE fills (
  fill_id          text PRIMARY KEY,
  order_id         text NOT NULL,
  seq              integer NOT NULL CHECK (seq >= 1),
  run_id           text NOT NULL,
  strategy_id      text NOT NULL,
  symbol           text NOT NULL,
  side             text NOT NULL CHECK (side IN ('buy', 'sell')),
  qty              double precision NOT NULL CHECK (qty > 0),
  price            double precision NOT NULL,
  commission       double precision NOT NULL,
  liquidity        text NOT NULL CHECK (liquidity IN ('maker', 'taker')),
  ts_ms            bigint NOT NULL,
  arrival          bigint GENERATED ALWAYS AS IDENTITY,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (order_id, seq),
  FOREIGN KEY (order_id, run_id) REFERENCES orders (client_order_id, run_id)
);
CREATE INDEX fills_run_ts ON fills (run_id, ts_ms, arrival);

CREATE TABLE positions (
  run_id           text NOT NULL REFERENCES runs (id),
  strategy_id      text NOT NULL,
  symbol           text NOT NULL,
  qty              double precision NOT NULL,
  avg_price        double precision NOT NULL,
  realized_pnl     double precision NOT NULL,
  commission       double precision NOT NULL DEFAULT 0,
  updated_ms       bigint NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, strategy_id, symbol)
);

CREATE TABLE equity_snapshots (
  run_id           text NOT NULL REFERENCES runs (id),
  ts_ms            bigint NOT NULL,
  equity           double precision NOT NULL,
  cash             double precision NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, ts_ms)
);
CREATE INDEX equity_ts ON equity_snapshots (ts_ms);

CREATE TABLE risk_events (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id           text NOT NULL REFERENCES runs (id),
  ts_ms            bigint NOT NULL,
  kind             text NOT NULL,
  reason           text NOT NULL DEFAULT '',
  created_at       timestamptz NOT NULL DEFAULT now()
);
-- A replayed risk event is the same (run, time, kind, reason); md5 keeps long reasons indexable.
CREATE UNIQUE INDEX risk_events_key ON risk_events (run_id, ts_ms, kind, md5(reason));

CREATE TABLE settings (
  key              text PRIMARY KEY,
  value            jsonb NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
`;
