// docs/cli.md's flag reference is the command definitions rendered (src/cli/docs.ts): docs and --help cannot
// drift. UPDATE_DOCS=1 npx vitest run test/cli/docs.test.ts rewrites the generated part.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.ts';
import { currentGenerated, renderCliReference, replaceGenerated } from '../../src/cli/docs.ts';

const DOC = join(import.meta.dirname, '../../docs/cli.md');

describe('docs/cli.md', () => {
  it('holds the reference generated from the command definitions', () => {
    let text = readFileSync(DOC, 'utf8');
    const expected = renderCliReference();
    if (process.env.UPDATE_DOCS === '1') {
      const updated = replaceGenerated(text, expected);
      if (updated === null) throw new Error('docs/cli.md lacks the <!-- generated:begin --> / <!-- generated:end --> markers');
      writeFileSync(DOC, updated);
      text = updated;
    }
    const current = currentGenerated(text);
    expect(current, 'docs/cli.md lacks the generated markers').not.toBeNull();
    expect(current, 'docs/cli.md is out of date: run UPDATE_DOCS=1 npx vitest run test/cli/docs.test.ts').toBe(expected);
  });

  it('documents every command and every flag with its default', () => {
    const ref = renderCliReference();
    for (const c of COMMANDS) {
      expect(ref).toContain(`### ${c.path.join(' ')}`);
      for (const f of c.flags) expect(ref).toMatch(new RegExp(`\\| \`--${f.name}[ \`.]`));
    }
    expect(ref).toContain('| `--cash <n>` | starting cash | &gt; 0 and &lt;= 1e15 | 100000 |');
  });
});
