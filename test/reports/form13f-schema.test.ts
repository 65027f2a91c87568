// The information table XML against the 13F information table schema (informationtable.xsd beside this file,
// written from the SEC's technical specification), validated by libxml2's xmllint compiled to WebAssembly: the
// report's output is valid, and each kind of broken document is refused (so the check is not vacuous).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { buildForm13f, informationTableXml } from '../../src/app/reports/form13f.ts';
import { parseReferenceCsv } from '../../src/app/reports/reference.ts';
import { series } from '../helpers/bars.ts';
import { at, fills, paperRun, records } from './records.ts';

const XSD = readFileSync(join(import.meta.dirname, 'informationtable.xsd'), 'utf8');

/** The schema's complaints about each document (empty when valid), in one run of xmllint (each run costs ~0.2 s). */
export async function schemaErrors(docs: readonly string[]): Promise<string[][]> {
  const r = await validateXML({ xml: docs.map((contents, i) => ({ fileName: `doc${i}.xml`, contents })), schema: [{ fileName: 'informationtable.xsd', contents: XSD }] });
  return docs.map((_, i) => r.errors.filter((e) => e.loc?.fileName === `doc${i}.xml`).map((e) => e.message));
}

const REF = parseReferenceCsv([
  'symbol,nameOfIssuer,titleOfClass,cusip,figi,putCall,underlying,sshPrnamtType,votingAuthority',
  'AAA,"AAA <&> ""SONS"" INC",COM,68389X105,BBG000BQLTW7,,,,',
  'AAA-P,"AAA <&> ""SONS"" INC",COM,68389X105,,Put,AAA,,None',
  'BND,BBB CORP,NOTE 5% 2030,984332106,,,,PRN,Shared',
].join('\n'), 'ref.csv');
const DAY0 = at('2024-12-31T00:00:00Z');
const REPORT = buildForm13f({
  runs: [records(paperRun(), [], fills([
    ['a', 'AAA', 'buy', 1234, 10.5, 0, DAY0], ['p', 'AAA-P', 'buy', 3, 1.2, 0, DAY0], ['b', 'BND', 'buy', 25_000, 0.98, 0, DAY0],
  ]), { 'AAA-P': 100 })],
  reference: REF, periodOfReport: '2024-12-31',
  series: [series([[10, 11, 10, 10.75]], { symbol: 'AAA', startMs: DAY0 }), series([[1, 1, 1, 0.985]], { symbol: 'BND', startMs: DAY0 })],
});
const XML = informationTableXml(REPORT);

/** The example information table of docs/compliance.md (the first xml block of the reports section). */
function docsExample(): string {
  const doc = readFileSync(join(import.meta.dirname, '../../docs/compliance.md'), 'utf8');
  const section = doc.slice(doc.indexOf('\n## Reports\n'));
  const m = /```xml\n([\s\S]*?)```/.exec(section);
  expect(m, 'an xml example in the reports section of docs/compliance.md').not.toBeNull();
  return m![1]!;
}

describe('13F information table XML against the schema', () => {
  it('the report is valid (figi, putCall, PRN, Shared and None voting, escaped names), and so is the example in the docs', async () => {
    expect(REPORT.entries.map((e) => [e.titleOfClass, e.value, e.sshPrnamt, e.sshPrnamtType, e.putCall])).toEqual([
      ['COM', 13_266, 1234, 'SH', null], ['COM', 3225, 300, 'SH', 'Put'], ['NOTE 5% 2030', 24_625, 25_000, 'PRN', null],
    ]);
    expect(XML).toContain('<nameOfIssuer>AAA &lt;&amp;&gt; &quot;SONS&quot; INC</nameOfIssuer>');
    const example = docsExample();
    expect(example).toContain('<cusip>68389X105</cusip>');
    expect(await schemaErrors([XML, example])).toEqual([[], []]);
  });

  const swap = (from: string, to: string): string => {
    expect(XML).toContain(from);
    return XML.replace(from, to);
  };
  const BROKEN: [string, () => string, string][] = [
    ['elements out of order (value before cusip)', () => swap('    <cusip>68389X105</cusip>\n    <figi>BBG000BQLTW7</figi>\n    <value>13266</value>', '    <value>13266</value>\n    <cusip>68389X105</cusip>\n    <figi>BBG000BQLTW7</figi>'), "This element is not expected"],
    ['a required element missing (titleOfClass)', () => swap('    <titleOfClass>NOTE 5% 2030</titleOfClass>\n', ''), "Element '{http://www.sec.gov/edgar/document/thirteenf/informationtable}cusip': This element is not expected. Expected is ( {http://www.sec.gov/edgar/document/thirteenf/informationtable}titleOfClass )."],
    ['a negative value', () => swap('<value>13266</value>', '<value>-13266</value>'), 'is not a valid value of the atomic type'],
    ['a fractional value', () => swap('<value>13266</value>', '<value>13266.5</value>'), 'is not a valid value of the atomic type'],
    ['an 8-character CUSIP', () => swap('<cusip>984332106</cusip>', '<cusip>98433210</cusip>'), 'is not accepted by the pattern'],
    ['an issuer name over 200 characters', () => swap('<nameOfIssuer>BBB CORP</nameOfIssuer>', `<nameOfIssuer>${'B'.repeat(201)}</nameOfIssuer>`), 'has a length of \'201\'; this exceeds the allowed maximum length of \'200\''],
    ['an unknown share type', () => swap('<sshPrnamtType>PRN</sshPrnamtType>', '<sshPrnamtType>BND</sshPrnamtType>'), 'is not an element of the set'],
    ['put/call in capitals', () => swap('<putCall>Put</putCall>', '<putCall>PUT</putCall>'), 'is not an element of the set'],
    ['a voting column missing', () => swap('      <Shared>0</Shared>\n', ''), 'This element is not expected'],
    ['the wrong namespace', () => XML.replace('thirteenf/informationtable"', 'thirteenf/infotable"'), 'No matching global declaration available for the validation root'],
  ];
  it('refuses each kind of broken document, each for its own reason', async () => {
    const errors = await schemaErrors(BROKEN.map(([, broken]) => broken()));
    BROKEN.forEach(([what, , message], i) => {
      expect(errors[i]!.length, what).toBeGreaterThan(0);
      expect(errors[i]!.join('\n'), what).toContain(message);
    });
  });
});
