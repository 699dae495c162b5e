// The package ships no types; test/support/prometheus-exposition.ts gives its output a type.
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): unknown;
}
