// Checks a source tree against the architecture: the "never" rules (rules.ts, run by dependency-cruiser) and the
// absence of import cycles between units (top-level folders of src/, feature slices). Answers one line per breach.
import { cruise, type ICruiseResult, type IModule } from 'dependency-cruiser';
import { FORBIDDEN_IMPORTS, unitOf } from './rules.ts';

function unitCycles(modules: IModule[]): string[] {
  const edges = new Map<string, Map<string, string>>();
  for (const module of modules) {
    const from = unitOf(module.source);
    if (!from) continue;
    for (const dependency of module.dependencies) {
      const to = unitOf(dependency.resolved);
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      edges.get(from)!.set(to, `${module.source} -> ${dependency.resolved}`);
    }
  }
  const breaches: string[] = [];
  const reaches = (start: string, goal: string): boolean => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length) {
      const unit = stack.pop()!;
      if (unit === goal) return true;
      if (seen.has(unit)) continue;
      seen.add(unit);
      stack.push(...(edges.get(unit)?.keys() ?? []));
    }
    return false;
  };
  for (const [from, targets] of edges) {
    for (const [to, example] of targets) {
      if (reaches(to, from)) breaches.push(`unit-cycle: ${from} -> ${to} is part of a cycle (${example})`);
    }
  }
  return breaches;
}

/** A breach without its example import, for the known list: `unit-cycle: A -> B`, or the rule's whole line. */
export function breachKey(line: string): string {
  return line.replace(/ is part of a cycle \(.*\)$/, '');
}

/** Breaches of the architecture in `root` (which holds src/), one line each; empty when the tree keeps every rule. */
export async function checkBoundaries(root: string): Promise<string[]> {
  const previous = process.cwd();
  process.chdir(root);
  try {
    const output = await cruise(['src'], {
      ruleSet: { forbidden: FORBIDDEN_IMPORTS as never },
      validate: true,
      tsPreCompilationDeps: true,
      exclude: { path: '\\.test\\.ts$' },
    });
    const result = output.output as ICruiseResult;
    const ruleBreaches = result.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`);
    return [...ruleBreaches, ...unitCycles(result.modules)];
  } finally {
    process.chdir(previous);
  }
}
