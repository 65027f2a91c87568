// Client order ids as each exchange takes them. Sextant's ids (`O-12`, `run-O-12-tp`) carry '-' and other
// punctuation; Binance takes them as they are (`^[.A-Z:/a-z0-9_-]{1,36}$`), OKX only alphanumerics, at
// most 32 (`clOrdId`, www.okx.com/docs-v5 "Place order"). For OKX an id is written reversibly: letters and
// digits stay, 'Z' becomes 'ZZ' and any other character 'Z' + its two hex digits ('-' -> 'Z2d'), so what the
// venue reports back (REST, the orders channel) reads as the Sextant id again, after a restart too. An id
// that does not fit is refused before anything is sent.

export interface ClientIdCodec {
  /** The id the venue is sent, or null when this id cannot be written for it (the reason from `problem`). */
  toVenue(id: string): string | null;
  /** The Sextant id a venue's client id stands for. */
  fromVenue(venueId: string): string;
  /** Why `id` cannot be sent (null when it can). */
  problem(id: string): string | null;
}

const IDENTITY: ClientIdCodec = { toVenue: (id) => id, fromVenue: (id) => id, problem: () => null };

const OKX_MAX = 32;

function okxEncode(id: string): string | null {
  let out = '';
  for (const ch of id) {
    if (ch === 'Z') out += 'ZZ';
    else if (/^[A-Za-z0-9]$/.test(ch)) out += ch;
    else {
      const code = ch.charCodeAt(0);
      if (ch.length !== 1 || code > 0xff) return null;
      out += `Z${code.toString(16).padStart(2, '0')}`;
    }
  }
  return out.length >= 1 && out.length <= OKX_MAX ? out : null;
}

function okxDecode(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i]!;
    if (ch !== 'Z') {
      out += ch;
      continue;
    }
    if (v[i + 1] === 'Z') {
      out += 'Z';
      i += 1;
      continue;
    }
    const hex = v.slice(i + 1, i + 3);
    // Not one of ours (an order placed elsewhere): the venue's id as it is.
    if (!/^[0-9a-f]{2}$/.test(hex)) return v;
    out += String.fromCharCode(parseInt(hex, 16));
    i += 2;
  }
  return out;
}

const OKX: ClientIdCodec = {
  toVenue: okxEncode,
  fromVenue: okxDecode,
  problem: (id) => (okxEncode(id) === null ? `client order id ${id} cannot be an OKX clOrdId (at most ${OKX_MAX} letters and digits once written for OKX)` : null),
};

/** The codec of a ccxt exchange id (OKX's; the identity elsewhere). */
export function clientIdCodec(exchangeId: string): ClientIdCodec {
  return exchangeId === 'okx' || exchangeId === 'myokx' || exchangeId === 'okxus' ? OKX : IDENTITY;
}
