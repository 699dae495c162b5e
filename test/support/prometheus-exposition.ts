// Checks a Prometheus text exposition as a scraper would read it: parsed by a real parser of the text format
// (parse-prometheus-text-format, prom2json's output shape), then held to the conventions `promtool check metrics`
// enforces, plus ours (latencies are histograms); and by promtool itself when it is installed.
import { spawnSync } from 'node:child_process';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface MetricFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: Array<{ labels?: Record<string, string>; value?: string; buckets?: Record<string, string>; count?: string; sum?: string }>;
}

export function parseExposition(text: string): MetricFamily[] {
  return (parsePrometheusTextFormat as (text: string) => MetricFamily[])(text);
}

/** Convention breaches, one line each (none: the exposition is clean). */
export function conventionProblems(families: MetricFamily[]): string[] {
  const problems: string[] = [];
  for (const family of families) {
    if (family.name.endsWith('_total') && family.type !== 'COUNTER') problems.push(`${family.name}: *_total typed ${family.type}`);
    if (family.type === 'COUNTER' && !family.name.endsWith('_total')) problems.push(`${family.name}: counter without _total`);
    if (family.type !== 'SUMMARY' && family.metrics.some((metric) => metric.labels && 'quantile' in metric.labels))
      problems.push(`${family.name}: quantile label on a ${family.type}`);
    if (/(latency|duration)/.test(family.name) && family.type !== 'HISTOGRAM')
      problems.push(`${family.name}: a latency typed ${family.type}`);
    if (!family.help) problems.push(`${family.name}: no help`);
  }
  return problems;
}

/** promtool's verdict (exit status and output), or null when promtool is not installed. */
export function promtoolCheck(text: string): { status: number | null; output: string } | null {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return null;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
