// Identity health (issue 17): the organisation's figures from GET /v1/stats/identity, with small charts of personas
// and merges over time, the de-duplication rate, and identifiers per persona.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call, type components } from '../api/client.ts';
import { BarChart } from '../components/bar-chart.tsx';
import { ErrorMessage, Loading } from '../components/error-message.tsx';
import { Section } from '../components/section.tsx';

const DAYS = 30;
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const number = (value: number) => value.toLocaleString('en');

export function IdentityHealthPage() {
  const health = useQuery({
    queryKey: ['identity-health', DAYS],
    queryFn: () => call(api.GET('/v1/stats/identity', { params: { query: { days: String(DAYS) } } })),
  });
  return (
    <>
      <h1>Identity health</h1>
      {health.isPending && <Loading what="the identity figures" />}
      {health.isError && <ErrorMessage error={health.error} title="Could not load the identity figures" />}
      {health.data && <HealthFigures figures={health.data} />}
    </>
  );
}

type Figures = components['schemas']['IdentityHealth'];

function HealthFigures({ figures }: { figures: Figures }) {
  const days = figures.series.map((day) => day.date);
  const first = figures.series[0];
  const last = figures.series[figures.series.length - 1];
  const merges = figures.series.reduce((sum, day) => sum + day.merges, 0);
  const undos = figures.series.reduce((sum, day) => sum + day.undos, 0);
  return (
    <>
      <Section id="summary" title="Now">
        <dl className="figures">
          <div>
            <dt>People</dt>
            <dd>{number(figures.personas)}</dd>
          </div>
          <div>
            <dt>Identifiers</dt>
            <dd>{number(figures.identifiers)}</dd>
          </div>
          <div>
            <dt>Merged away</dt>
            <dd>{number(figures.mergedPersonas)}</dd>
          </div>
          <div>
            <dt>De-duplication rate</dt>
            <dd>{percent(figures.deduplicationRate)}</dd>
          </div>
          <div>
            <dt>With several identifier kinds</dt>
            <dd>{percent(figures.multiKindShare)}</dd>
          </div>
          <div>
            <dt>Duplicate suggestions open</dt>
            <dd>
              <Link to="/duplicates">{number(figures.duplicateSuggestionsOpen)}</Link>
            </dd>
          </div>
          <div>
            <dt>Blocked identifiers</dt>
            <dd>{number(figures.blockedIdentifiers)}</dd>
          </div>
        </dl>
      </Section>
      <Section id="over-time" title={`The last ${figures.series.length} days`}>
        <div className="charts">
          <BarChart
            id="personas-chart"
            title="People over time"
            labels={days}
            format={number}
            summary={`${number(first.personas)} on ${first.date}, ${number(last.personas)} on ${last.date}`}
            series={[{ name: 'People', colour: '#0b57d0', values: figures.series.map((day) => day.personas) }]}
          />
          <BarChart
            id="merges-chart"
            title="Merges and undos per day"
            labels={days}
            format={number}
            summary={`${number(merges)} merges and ${number(undos)} undos in ${figures.series.length} days`}
            series={[
              { name: 'Merges', colour: '#0b57d0', values: figures.series.map((day) => day.merges) },
              { name: 'Undos', colour: '#b3261e', values: figures.series.map((day) => day.undos) },
            ]}
          />
          <BarChart
            id="rate-chart"
            title="De-duplication rate"
            labels={days}
            format={percent}
            summary={`${percent(first.deduplicationRate)} on ${first.date}, ${percent(last.deduplicationRate)} on ${last.date}`}
            series={[{ name: 'De-duplication rate', colour: '#137333', values: figures.series.map((day) => day.deduplicationRate) }]}
          />
          <BarChart
            id="distribution-chart"
            title="Identifiers per person"
            format={number}
            labels={figures.identifiersPerPersona.buckets.map((bucket) => bucket.identifiers)}
            summary={
              figures.identifiersPerPersona.buckets
                .filter((bucket) => bucket.personas > 0)
                .map((bucket) => `${number(bucket.personas)} with ${bucket.identifiers}`)
                .join(', ') || 'nobody yet'
            }
            series={[{ name: 'People', colour: '#0b57d0', values: figures.identifiersPerPersona.buckets.map((bucket) => bucket.personas) }]}
          />
        </div>
        <p className="hint">
          Identifiers per person as of {new Date(figures.identifiersPerPersona.computedAt).toLocaleString('en')} (recomputed every few
          minutes).
        </p>
      </Section>
    </>
  );
}
