// The instrument reference file: CSV and JSON read to the same entries; every bad field reported with its file,
// line and field; the shipped sample file is valid.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadReference, parseReferenceCsv } from '../../src/app/reports/reference.ts';
import { InputError } from '../../src/core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-ref-'));
const HEADER = 'symbol,securityName,nameOfIssuer,titleOfClass,cusip,putCall,underlying,sshPrnamtType,investmentDiscretion,votingAuthority';

function fails(csv: string): string {
  try {
    parseReferenceCsv(csv, 'ref.csv');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('instrument reference file', () => {
  it('reads CSV with quoted fields and defaults, and JSON to the same entries', () => {
    const csv = `${HEADER}\nORCL,"Oracle Corp, common",ORACLE CORP,COM,68389x105,,,,,\nOPT1,,ORACLE CORP,COM,68389X105,call,ORCL,,sole,none\n`;
    const fromCsv = parseReferenceCsv(csv, 'ref.csv');
    expect([...fromCsv.entries.values()]).toEqual([
      { symbol: 'ORCL', securityName: 'Oracle Corp, common', nameOfIssuer: 'ORACLE CORP', titleOfClass: 'COM', cusip: '68389X105', figi: null, putCall: null, underlying: null,
        sshPrnamtType: 'SH', investmentDiscretion: 'SOLE', votingAuthority: 'Sole' },
      { symbol: 'OPT1', securityName: 'ORACLE CORP COM', nameOfIssuer: 'ORACLE CORP', titleOfClass: 'COM', cusip: '68389X105', figi: null, putCall: 'Call', underlying: 'ORCL',
        sshPrnamtType: 'SH', investmentDiscretion: 'SOLE', votingAuthority: 'None' },
    ]);
    const file = join(dir, 'ref.json');
    writeFileSync(file, JSON.stringify({ instruments: [
      { symbol: 'ORCL', securityName: 'Oracle Corp, common', nameOfIssuer: 'ORACLE CORP', titleOfClass: 'COM', cusip: '68389x105' },
      { symbol: 'OPT1', nameOfIssuer: 'ORACLE CORP', titleOfClass: 'COM', cusip: '68389X105', putCall: 'call', underlying: 'ORCL', votingAuthority: 'none' },
    ] }, null, 2));
    expect([...loadReference(file).entries.values()]).toEqual([...fromCsv.entries.values()]);
  });

  it.each([
    [`${HEADER}\nORCL,,ORACLE CORP,COM,68389X104,,,,,`, 'ref.csv:2, field "cusip": bad check digit in CUSIP "68389X104": the first eight characters give 5, not 4'],
    [`${HEADER}\nORCL,,ORACLE CORP,COM,68389X105,,,,,\n\nYHOO,,YAHOO INC,COM,98433210,,,,,`, 'ref.csv:4, field "cusip": a CUSIP has 9 characters, "98433210" has 8'],
    [`${HEADER}\nORCL,,,COM,68389X105,,,,,`, 'ref.csv:2, field "nameOfIssuer": missing (required)'],
    [`${HEADER}\nORCL,,ORACLE CORP,COM,68389X105,,,XX,,`, 'ref.csv:2, field "sshPrnamtType": must be SH, PRN; got "XX"'],
    [`${HEADER}\nORCL,,ORACLE CORP,COM,68389X105,,,,SOLO,`, 'ref.csv:2, field "investmentDiscretion": must be SOLE, DFND, OTR; got "SOLO"'],
    [`${HEADER}\nORCL,,ORACLE CORP,COM,68389X105,,,,,All`, 'ref.csv:2, field "votingAuthority": must be Sole, Shared, None; got "All"'],
    [`${HEADER}\nO1,,ORACLE CORP,COM,68389X105,Call,,,,`, 'ref.csv:2, field "underlying": an option (putCall given) needs its underlying symbol: 13F reports the shares underlying the option, valued at its price'],
    [`${HEADER}\nO1,,ORACLE CORP,COM,68389X105,,ORCL,,,`, 'ref.csv:2, field "putCall": an entry with an underlying is an option: give putCall (Put or Call)'],
    [`${HEADER}\nO1,,ORACLE CORP,COM,68389X105,Put,ORCL,,,`, 'ref.csv:2, field "underlying": ORCL is not listed in the file'],
    [`${HEADER}\nORCL,,ORACLE CORP,COM,68389X105,,,,,\nORCL,,ORACLE CORP,COM,68389X105,,,,,`, 'ref.csv:3, field "symbol": ORCL is listed twice'],
    [`${HEADER}\nORCL,,ORACLE CORP,COM,68389X105,,,,`, 'ref.csv:2: 9 fields, the header has 10'],
    [`symbol,issuer,titleOfClass,cusip\nORCL,ORACLE CORP,COM,68389X105`, 'ref.csv:1, field "issuer": unknown column "issuer": the columns are symbol, securityName, nameOfIssuer, titleOfClass, cusip, figi, putCall, underlying, sshPrnamtType, investmentDiscretion, votingAuthority'],
    [`symbol,nameOfIssuer,titleOfClass\nORCL,ORACLE CORP,COM`, 'ref.csv:1, field "cusip": missing column "cusip"'],
    [`${HEADER}\nORCL,"Oracle,ORACLE CORP,COM,68389X105,,,,,\n`, 'ref.csv:2: a quoted field is not closed'],
    [`${HEADER}\nORCL,${'X'.repeat(201)},ORACLE CORP,COM,68389X105,,,,,`, 'ref.csv:2, field "securityName": at most 200 characters, got 201'],
    ['', 'ref.csv: empty file: expected a header row (symbol,nameOfIssuer,titleOfClass,cusip,...)'],
  ])('CSV error %#', (csv, message) => {
    expect(fails(csv)).toBe(message);
  });

  it('JSON errors name the line and the field path', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '[\n {"symbol": "ORCL", "nameOfIssuer": "ORACLE CORP", "titleOfClass": "COM", "cusip": "68389X105"},\n {"symbol": "YHOO", "nameOfIssuer": "YAHOO INC",\n  "titleOfClass": "COM", "cusip": "984332107"}\n]\n');
    expect(() => loadReference(file)).toThrow(`${file}:4, field "[1].cusip": bad check digit in CUSIP "984332107": the first eight characters give 6, not 7`);
    writeFileSync(file, '{"instruments": [{"symbol": "ORCL", "cusip": 68389105}]}');
    expect(() => loadReference(file)).toThrow(`${file}:1, field "instruments[0].cusip": expected a string`);
    writeFileSync(file, '{"instruments": [{"symbol": "ORCL", "issuer": "X"}]}');
    expect(() => loadReference(file)).toThrow('field "instruments[0].issuer": unknown field "issuer"');
  });

  it('the sample file examples/instruments.csv is valid', () => {
    const ref = loadReference(resolve(import.meta.dirname, '../../examples/instruments.csv'));
    expect([...ref.entries.keys()]).toEqual(['ORCL', 'YHOO', 'GOOG', 'AAPL', 'MSFT', 'ORCL141220C00040000']);
    expect(ref.entries.get('GOOG')).toMatchObject({ nameOfIssuer: 'GOOGLE INC', titleOfClass: 'CL A', cusip: '38259P508' });
  });
});
