import fs from 'node:fs';
import path from 'node:path';
import { textToHtml } from '../../src/web/site-pages.ts';

// The information governance documents an IG lead is pointed to: they exist, their diagrams are well formed and
// name every processor, and the hazard log's controls point at tests that exist.

const read = (f: string) => fs.readFileSync(f, 'utf8');
const mdFiles = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.md')).map((e) => path.join(e.parentPath, e.name));

/** Mermaid flowchart blocks, checked structurally: a diagram type, balanced subgraphs, brackets and quotes, edges between named nodes. */
function flowchartProblems(block: string): string[] {
  const problems: string[] = [];
  const lines = block.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('%%'));
  if (!/^(flowchart|graph) (LR|RL|TB|TD|BT)$/.test(lines[0] ?? '')) problems.push(`not a flowchart header: "${lines[0]}"`);
  let depth = 0;
  const nodes = new Set<string>();
  for (const line of lines.slice(1)) {
    const pairs: [string, string][] = [['[', ']'], ['(', ')'], ['{', '}']];
    const outside = line.replace(/"[^"]*"/g, '""');
    if ((line.match(/"/g) ?? []).length % 2) problems.push(`unbalanced quotes: ${line}`);
    for (const [o, c] of pairs) if (outside.split(o).length !== outside.split(c).length) problems.push(`unbalanced ${o}${c}: ${line}`);
    if (/^subgraph\b/.test(line)) { depth++; continue; }
    if (line === 'end') { depth--; if (depth < 0) problems.push('"end" without "subgraph"'); continue; }
    const edge = /^([A-Za-z][\w]*)\s*(?:--\s*"[^"]*"\s*-->|-->|-.->|==>)\s*([A-Za-z][\w]*)$/.exec(line);
    if (edge) {
      for (const id of [edge[1]!, edge[2]!]) if (!nodes.has(id)) problems.push(`edge to an undeclared node "${id}": ${line}`);
      continue;
    }
    const node = /^([A-Za-z][\w]*)\s*(\[|\(|\{|\[\/|\[\()/.exec(line);
    if (node) { nodes.add(node[1]!); continue; }
    problems.push(`not a node, edge, subgraph or end: ${line}`);
  }
  if (depth !== 0) problems.push('a subgraph is not closed');
  return problems;
}

describe('the information governance documents', () => {
  const index = read('docs/governance.md');
  const section = index.slice(index.indexOf('## Information governance'), index.indexOf('\n## ', index.indexOf('## Information governance') + 5));

  it('are indexed from docs/governance.md, and every document it links exists', () => {
    const links = [...section.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]!);
    expect(links).toEqual(expect.arrayContaining([
      'ig/dpia.md', 'ig/data-flows.md', 'ig/records-of-processing.md', 'ig/lawful-basis.md', 'ig/controllers-and-processors.md',
      'ig/clinical-safety-hazard-log.md', 'ig/privacy-notice-template.txt', 'referral-pack.md',
    ]));
    for (const l of links) expect(fs.existsSync(path.join('docs', l))).toBe(true);
  });

  it('every Mermaid diagram in docs/ is a well-formed flowchart', () => {
    const blocks = mdFiles('docs').flatMap((f) => [...read(f).matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => ({ f, block: m[1]! })));
    expect(blocks.length).toBeGreaterThan(0);
    for (const { f, block } of blocks) expect({ f, problems: flowchartProblems(block) }).toEqual({ f, problems: [] });
    // The checker itself refuses what Mermaid would.
    expect(flowchartProblems('flowchart LR\n  a["x"]\n  a --> b')).toEqual(['edge to an undeclared node "b": a --> b']);
    expect(flowchartProblems('graph sideways\n  subgraph S\n  a["x]')).toEqual([
      'not a flowchart header: "graph sideways"', 'unbalanced quotes: a["x]', 'a subgraph is not closed',
    ]);
  });

  it('the data-flow diagram names every processor and the register', () => {
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(read('docs/ig/data-flows.md'))![1]!;
    for (const name of ['Hosting', 'Slack', 'Microsoft Teams', 'SMTP relay', 'Sign-in provider', 'Register database', 'Backups', 'Stage 4 recipients']) {
      expect(diagram).toContain(name);
    }
    const processors = read('docs/ig/controllers-and-processors.md');
    for (const name of ['Hosting provider', 'Slack', 'Microsoft', 'SMTP relay']) expect(processors).toContain(`**${name}`);
  });

  it('the DPIA follows the seven steps of the ICO template', () => {
    const headings = [...read('docs/ig/dpia.md').matchAll(/^## (Step \d: .*)$/gm)].map((m) => m[1]);
    expect(headings).toEqual([
      'Step 1: Identify the need for a DPIA', 'Step 2: Describe the processing', 'Step 3: Consultation process',
      'Step 4: Assess necessity and proportionality', 'Step 5: Identify and assess risks', 'Step 6: Identify measures to reduce risk',
      'Step 7: Sign off and record outcomes',
    ]);
  });

  it('the hazard log\'s and the DPIA\'s controls point at tests that exist, by file and by name', () => {
    const tests = fs.readdirSync('tests', { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.test.ts')).map((e) => read(path.join(e.parentPath, e.name))).join('\n')
      .replace(/\\'/g, "'").replace(/\s+/g, ' ');
    for (const f of ['docs/ig/clinical-safety-hazard-log.md', 'docs/ig/dpia.md']) {
      const text = read(f).replace(/\s+/g, ' ');
      const files = [...text.matchAll(/`(tests\/[^`*]+\.test\.ts)`/g)].map((m) => m[1]!);
      expect(files.length).toBeGreaterThan(f.includes('hazard') ? 10 : 5);
      for (const t of files) expect({ t, exists: fs.existsSync(t) }).toEqual({ t, exists: true });
      const names = [...text.matchAll(/"(\[R[\d.]+\][^"]*)"/g)].map((m) => m[1]!.replace(/,? ?…$/, '').trim());
      if (f.includes('hazard')) expect(names.length).toBeGreaterThan(10);
      for (const n of names) expect({ n, found: tests.includes(n) }).toEqual({ n, found: true });
    }
  });

  it('the privacy notice template renders as the /privacy page does, and leaves nothing unsaid that the lawful bases rely on', () => {
    const text = read('docs/ig/privacy-notice-template.txt');
    const page = textToHtml(text).value;
    expect(page.match(/<h2>/g)!.length).toBeGreaterThanOrEqual(10);
    for (const must of ['Article 6(1)(e)', 'Article 9(2)(h)', 'Schedule 1, paragraph 2', 'ico.org.uk', 'does not hold your name']) expect(text).toContain(must);
  });
});
