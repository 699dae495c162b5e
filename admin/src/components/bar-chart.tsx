// A small bar chart in SVG: one or two series over the same labels (days, buckets). The drawing is decoration for
// sighted users (role="img" with a one-sentence summary); the same numbers are in a table under it for screen
// readers and for anyone who wants exact values. Fixed viewBox, so the page does not shift when data arrives.
export interface ChartSeries {
  name: string;
  /** A colour at 3:1 or better against white (WCAG AA for graphics). */
  colour: string;
  values: number[];
}

const WIDTH = 560;
const HEIGHT = 160;
const AXIS = 28;

export function BarChart({
  id,
  title,
  summary,
  labels,
  series,
  format = String,
}: {
  id: string;
  title: string;
  summary: string;
  labels: string[];
  series: ChartSeries[];
  format?: (value: number) => string;
}) {
  const max = Math.max(0, ...series.flatMap((entry) => entry.values));
  const slot = (WIDTH - AXIS) / Math.max(1, labels.length);
  const barWidth = Math.max(1, (slot * 0.8) / series.length);
  const heightOf = (value: number) => (max === 0 ? 0 : (value / max) * (HEIGHT - 20));
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>
        <strong>{title}</strong>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT + 18}`}
        role="img"
        aria-label={`${title}: ${summary}`}
        width="100%"
        preserveAspectRatio="xMinYMin meet"
      >
        <text x={0} y={12} fontSize={11} fill="#3c4043">
          {format(max)}
        </text>
        <text x={0} y={HEIGHT} fontSize={11} fill="#3c4043">
          0
        </text>
        <line x1={AXIS} y1={HEIGHT} x2={WIDTH} y2={HEIGHT} stroke="#5f6368" />
        {labels.map((label, index) =>
          series.map((entry, which) => {
            const height = heightOf(entry.values[index] ?? 0);
            return (
              <rect
                key={`${label}-${entry.name}`}
                x={AXIS + index * slot + slot * 0.1 + which * barWidth}
                y={HEIGHT - height}
                width={barWidth}
                height={height}
                fill={entry.colour}
              />
            );
          }),
        )}
        <text x={AXIS} y={HEIGHT + 14} fontSize={11} fill="#3c4043">
          {labels[0]}
        </text>
        <text x={WIDTH} y={HEIGHT + 14} fontSize={11} fill="#3c4043" textAnchor="end">
          {labels[labels.length - 1]}
        </text>
      </svg>
      {series.length > 1 && (
        <p className="legend">
          {series.map((entry) => (
            <span key={entry.name}>
              <span className="swatch" style={{ background: entry.colour }} aria-hidden="true" />
              {entry.name}
            </span>
          ))}
        </p>
      )}
      <details>
        <summary>{title} as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">{labels.length > 0 && /^\d{4}-/.test(labels[0]) ? 'Day' : 'Identifiers'}</th>
              {series.map((entry) => (
                <th key={entry.name} scope="col">
                  {entry.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, index) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {series.map((entry) => (
                  <td key={entry.name}>{format(entry.values[index] ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
