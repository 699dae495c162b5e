// Sub-commands are loaded lazily: each command file imports the store, the queue or the HTTP stack, and loading all of
// them cost most of `persona --help`'s start-up. A run loads only the module of the command it names; help and
// unknown commands get light placeholders (name, usage term, description) so the command list and commander's
// "unknown command" suggestions stay as they were. Each command file still declares its own options and help.
import { Help, type Command } from 'commander';

interface CommandModule {
  /** Top-level commands the module registers, with the usage term and description the command list shows. */
  commands: Record<string, { term: string; description: string }>;
  register: () => Promise<(program: Command) => void>;
}

/** A module that registers one top-level command. */
const single = (name: string, term: string, description: string, register: CommandModule['register']): CommandModule => ({
  commands: { [name]: { term, description } },
  register,
});

const COMMAND_MODULES: CommandModule[] = [
  single(
    'ingest',
    'ingest [options] <file>',
    'resolve a JSON-lines file of xAPI statements',
    async () => (await import('./ingest.command.ts')).registerIngestCommand,
  ),
  single(
    'migrate',
    'migrate [options]',
    'create every index (idempotent; progress on stderr)',
    async () => (await import('./migrate.command.ts')).registerMigrateCommand,
  ),
  single(
    'worker',
    'worker [options]',
    'resolve queued statement jobs (BullMQ queue QUEUE_NAME on REDIS_URL) until stopped',
    async () => (await import('./worker.command.ts')).registerWorkerCommand,
  ),
  single(
    'jobs',
    'jobs',
    'inspect and re-drive dead-lettered statement jobs',
    async () => (await import('./jobs.command.ts')).registerJobsCommand,
  ),
  single(
    'clients',
    'clients',
    'manage API clients (key and secret; secrets are stored hashed)',
    async () => (await import('./clients.command.ts')).registerClientsCommand,
  ),
  single(
    'import',
    'import [options] <file>',
    'import personas from a CSV file',
    async () => (await import('./import.command.ts')).registerImportCommand,
  ),
  {
    commands: {
      merge: {
        term: 'merge [options] <targetId> <sourceId...>',
        description: 'merge personas into a target: their identifiers, attributes, links and email claims move to it',
      },
      merges: { term: 'merges', description: 'merge history, undo and recovery' },
    },
    register: async () => (await import('./merge.command.ts')).registerMergeCommands,
  },
  single(
    'duplicates',
    'duplicates [options]',
    'suggested duplicate personas, best first, with a score and the reasons',
    async () => (await import('./duplicates.command.ts')).registerDuplicatesCommand,
  ),
  {
    commands: {
      export: {
        term: 'export [options] <personaId>',
        description: 'everything stored about a persona, as one JSON document (GDPR access)',
      },
      erase: {
        term: 'erase [options] <personaId>',
        description: 'erase a persona, the personas merged into it, and everything that identifies them (cannot be undone)',
      },
    },
    register: async () => (await import('./erasure.command.ts')).registerErasureCommands,
  },
  single(
    'export-pseudonymised',
    'export-pseudonymised [options]',
    'every persona of the organisation as pseudonymised JSON lines (identifiers, names and ids replaced by keyed pseudonyms)',
    async () => (await import('./pseudonymised-export.command.ts')).registerPseudonymisedExportCommand,
  ),
  single(
    'doctor',
    'doctor [options]',
    'check the store: index entries, orphan identifiers, identifiers on tombstones, tombstone chains, interrupted merges, duplicate identifiers and attribute keys',
    async () => (await import('./doctor.command.ts')).registerDoctorCommand,
  ),
  {
    commands: {
      backup: {
        term: 'backup [options] <dir>',
        description: 'copy the embedded store (DATA_DIR) into DIR as one consistent snapshot, while the service keeps serving',
      },
      restore: {
        term: 'restore [options] <dir>',
        description: 'restore a backup made by `persona backup` into DATA_DIR (stop the API and workers first)',
      },
    },
    register: async () => (await import('./backup.command.ts')).registerBackupCommands,
  },
  single(
    'rules',
    'rules',
    "the organisation's identity rules: name policy, blocked values, per-kind limits, unique kinds",
    async () => (await import('./rules.command.ts')).registerRulesCommand,
  ),
];

/**
 * Registers the module of the command `args` name (`persona <command> …` or `persona help <command>`); for anything
 * else (no command, --help, an unknown name) registers a placeholder per command, which is all help needs.
 */
export async function loadRequestedCommands(program: Command, args: string[]): Promise<void> {
  const operands = args.filter((arg) => !arg.startsWith('-'));
  const name = operands[0] === 'help' ? operands[1] : operands[0];
  const requested = COMMAND_MODULES.find((module) => name !== undefined && Object.hasOwn(module.commands, name));
  if (requested) {
    (await requested.register())(program);
    return;
  }
  const terms = new Map<string, string>();
  for (const module of COMMAND_MODULES) {
    for (const [commandName, { term, description }] of Object.entries(module.commands)) {
      program.command(commandName).description(description);
      terms.set(commandName, term);
    }
  }
  const standard = new Help();
  program.configureHelp({ subcommandTerm: (command) => terms.get(command.name()) ?? standard.subcommandTerm(command) });
}

/** Every command module, registered for real (the test that keeps the placeholders' table in step uses it). */
export async function loadAllCommands(program: Command): Promise<void> {
  for (const module of COMMAND_MODULES) (await module.register())(program);
}
