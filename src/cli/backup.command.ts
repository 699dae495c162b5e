// `persona backup DIR` and `persona restore DIR [--force]` of the embedded store. A backup is LMDB's own copy of the
// data file, taken from one read transaction while the API and workers keep writing (they are not blocked): a
// consistent snapshot of every collection and index at one commit. A restore puts that file into DATA_DIR; it refuses
// a DATA_DIR that holds anything unless --force, and must run while no process has the store open (LMDB maps the
// file: replacing it under a running process would hand that process another file).
import { chmod, copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { runDoctor } from '../features/doctor/store-doctor.ts';
import { STORE_DIRECTORY_MODE, STORE_FILE_MODE } from '../store/embedded/lmdb-environment.ts';
import { openEmbeddedStore } from '../store/embedded/index.ts';
import type { Store } from '../store/port.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { withStore } from './cli-store.ts';
import { reportError } from './identity-cli.ts';

const DATA_FILE = 'data.mdb';
const LOCK_FILE = 'lock.mdb';

interface BackupCapable {
  backup(directory: string): Promise<void>;
}
const canBackup = (store: Store): store is Store & BackupCapable => typeof (store as Partial<BackupCapable>).backup === 'function';

async function entriesOf(directory: string): Promise<string[] | null> {
  try {
    return await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('copy the embedded store (DATA_DIR) into DIR as one consistent snapshot, while the service keeps serving')
    .argument('<dir>', 'an empty or new directory')
    .option('--json', 'print {directory, bytes, seconds}')
    .action(async (directory: string, options: { json?: boolean }) => {
      if (loadConfig().STORE !== 'embedded')
        return reportError(
          {
            code: 'cli.backup_embedded_only',
            message: 'persona backup copies the embedded store; back up MongoDB with mongodump or its snapshots',
          },
          options.json,
          EXIT_CODES.usage,
        );
      if ((await entriesOf(directory))?.length)
        return reportError({ code: 'cli.target_not_empty', message: `${directory} is not empty` }, options.json, EXIT_CODES.usage);
      const started = performance.now();
      await withStore(async (store) => {
        if (!canBackup(store)) throw new Error('this store cannot be backed up');
        await store.backup(directory);
      });
      const { size } = await stat(join(directory, DATA_FILE));
      const summary = { directory, bytes: size, seconds: Number(((performance.now() - started) / 1000).toFixed(3)) };
      console.log(options.json ? JSON.stringify(summary) : `backed up ${size} bytes to ${directory} in ${summary.seconds} s`);
    });

  program
    .command('restore')
    .description('restore a backup made by `persona backup` into DATA_DIR (stop the API and workers first)')
    .argument('<dir>', 'the backup directory')
    .option('--force', 'replace what DATA_DIR holds')
    .option('--json', 'print {dataDir, bytes, doctor: {problems, repaired, unrepaired}} (the restored store is checked and repaired)')
    .action(async (directory: string, options: { force?: boolean; json?: boolean }) => {
      const config = loadConfig();
      if (config.STORE !== 'embedded')
        return reportError(
          { code: 'cli.backup_embedded_only', message: 'persona restore restores the embedded store; restore MongoDB with mongorestore' },
          options.json,
          EXIT_CODES.usage,
        );
      const source = join(directory, DATA_FILE);
      const { size } = await stat(source).catch(() => ({ size: -1 }));
      if (size < 0)
        return reportError({ code: 'cli.not_a_backup', message: `${directory} holds no ${DATA_FILE}` }, options.json, EXIT_CODES.usage);
      if ((await entriesOf(config.DATA_DIR))?.length && !options.force) {
        return reportError(
          {
            code: 'cli.target_not_empty',
            message: `DATA_DIR ${config.DATA_DIR} is not empty; stop every process using it and run again with --force to replace it`,
          },
          options.json,
          EXIT_CODES.usage,
        );
      }
      await mkdir(config.DATA_DIR, { recursive: true, mode: STORE_DIRECTORY_MODE });
      // Copied beside the target and renamed over it: an interrupted restore never leaves half a data file.
      const partial = join(config.DATA_DIR, `${DATA_FILE}.restoring`);
      await copyFile(source, partial);
      await rename(partial, join(config.DATA_DIR, DATA_FILE));
      await rm(join(config.DATA_DIR, LOCK_FILE), { force: true });
      await chmod(join(config.DATA_DIR, DATA_FILE), STORE_FILE_MODE);
      // The restored store is checked and repaired now rather than at the next start: a snapshot taken while a
      // resolver was between its identifier and persona writes holds identifiers whose persona its next step would
      // have created (the doctor creates it, as the next resolution of that identifier would).
      const store = await openEmbeddedStore({ dataDir: config.DATA_DIR, mapSizeGb: config.EMBEDDED_MAP_SIZE_GB });
      const { problems, repaired, unrepaired } = await runDoctor(store, { repair: true }).finally(() => store.close());
      console.log(
        options.json
          ? JSON.stringify({ dataDir: config.DATA_DIR, bytes: size, doctor: { problems: problems.length, repaired, unrepaired } })
          : `restored ${size} bytes into ${config.DATA_DIR}; persona doctor: ${problems.length} problem(s), ${repaired} repaired, ${unrepaired} left`,
      );
      if (unrepaired > 0) process.exitCode = EXIT_CODES.incomplete;
    });
}
