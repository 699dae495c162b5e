// `persona clients create [--organisation <id> | --new-organisation <name>] [--scopes a,b] [--title t] [--json]`,
// `persona clients list [--json]`, `persona clients revoke <id>`: API clients, through the same services as /v1/clients.
// Without --organisation or --new-organisation, create uses the default organisation.
import { ObjectId } from 'bson';
import { InvalidArgumentError, type Command } from 'commander';
import { SCOPES, type Scope } from '../domain/model.ts';
import { ALL_SCOPES, createClientsService } from '../features/clients/clients.service.ts';
import { createOrganisationsService } from '../features/organisations/organisations.service.ts';
import { ensureDefaultOrganisation } from '../features/tenancy/default-organisation.ts';
import { withStore } from './cli-store.ts';
import { parseId, parseOrganisationId } from './cli-arguments.ts';

function parseScopes(value: string): Scope[] {
  const scopes = value
    .split(',')
    .map((scope) => scope.trim())
    .filter(Boolean);
  const unknown = scopes.find((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (unknown || scopes.length === 0) throw new InvalidArgumentError(`scopes are a comma-separated list of ${SCOPES.join(', ')}`);
  return scopes as Scope[];
}

interface CreateOptions {
  organisation?: ObjectId;
  newOrganisation?: string;
  scopes?: Scope[];
  title?: string;
  json?: boolean;
}

export function registerClientsCommand(program: Command): void {
  const clients = program.command('clients').description('manage API clients (key and secret; secrets are stored hashed)');
  clients
    .command('create')
    .description('create a client; prints its secret once')
    .option('--organisation <id>', 'an existing organisation', parseOrganisationId)
    .option('--new-organisation <name>', 'create an organisation for it')
    .option('--scopes <list>', `comma-separated (default all: ${SCOPES.join(',')})`, parseScopes)
    .option('--title <title>', 'a label for the client')
    .option('--json', 'print {"organisation","key","secret","id"} on one line')
    .action(async (options: CreateOptions) => {
      if (options.organisation && options.newOrganisation)
        throw new InvalidArgumentError('use --organisation or --new-organisation, not both');
      await withStore(async (store) => {
        const organisations = createOrganisationsService({ store });
        const organisation = options.newOrganisation
          ? (await organisations.create(options.newOrganisation))._id
          : (options.organisation ?? (await ensureDefaultOrganisation(store)).organisation._id);
        const { client, secret, token } = await createClientsService({ store }).create({
          organisation,
          title: options.title,
          scopes: options.scopes ?? ALL_SCOPES,
        });
        const summary = { organisation: organisation.toHexString(), key: client.key, secret, id: client._id.toHexString() };
        if (options.json) console.log(JSON.stringify(summary));
        else
          console.log(
            `client ${summary.id} in organisation ${summary.organisation}\n  key:    ${client.key}\n  secret: ${secret} (shown only now)\n  bearer: ${token}\n  scopes: ${client.scopes.join(',')}`,
          );
      });
    });
  clients
    .command('list')
    .description('every client of every organisation (never secrets)')
    .option('--json', 'one JSON line per client')
    .action(async (options: { json?: boolean }) => {
      await withStore(async (store) => {
        for (const client of await createClientsService({ store }).list(null)) {
          const entry = {
            id: client._id.toHexString(),
            organisation: client.organisation.toHexString(),
            title: client.title,
            key: client.key,
            scopes: client.scopes,
            createdAt: client.createdAt.toISOString(),
            revokedAt: client.revokedAt?.toISOString() ?? null,
          };
          if (options.json) console.log(JSON.stringify(entry));
          else
            console.log(
              `${entry.id}  org ${entry.organisation}  ${entry.key}  ${entry.scopes.join(',')}  ${entry.revokedAt ? `revoked ${entry.revokedAt}` : 'active'}  ${entry.title}`,
            );
        }
      });
    });
  clients
    .command('revoke <id>')
    .description('revoke a client (running servers stop accepting it within seconds)')
    .action(async (id: string) => {
      await withStore(async (store) => {
        const client = await createClientsService({ store }).revoke(null, parseId(id, 'client id'));
        console.log(`revoked ${client._id.toHexString()} (${client.key})`);
      });
    });
}
