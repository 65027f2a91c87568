// The metric names a PromQL expression reads, for checking alert rules and dashboards against what the
// server exports. Not a full parser: it removes what is not a metric name (strings, label matchers, range
// and subquery brackets, grouping clauses, Grafana's $variables, numbers and durations, keywords) and keeps
// the identifiers that are not function calls. Grafana's label_values(metric, label) reads `metric`.

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'inf', 'nan', 'atan2']);

export function metricNames(expr: string): string[] {
  let e = expr;
  // Grafana's template query: label_values(metric, label) or label_values(label).
  e = e.replace(/\blabel_values\s*\(\s*([^,()]+?)\s*,\s*[a-zA-Z_]\w*\s*\)/g, ' $1 ').replace(/\blabel_values\s*\(\s*[a-zA-Z_]\w*\s*\)/g, ' ');
  e = e.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ');
  e = e.replace(/\$\{[^}]*\}|\$\w+/g, ' ');
  e = e.replace(/\{[^}]*\}/g, ' ');
  e = e.replace(/\[[^\]]*\]/g, ' ');
  e = e.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  e = e.replace(/#[^\n]*/g, ' ');
  const names = new Set<string>();
  for (const m of e.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = m[0];
    const before = e.slice(0, m.index);
    const after = e.slice(m.index + word.length);
    // Part of a number (1e-3, 0x1f) or a duration after offset (offset 1h).
    if (/[0-9.]$/.test(before)) continue;
    if (/^\s*\(/.test(after)) continue; // a function call
    if (KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names].sort();
}
