import { expect } from 'chai';
import { Command, Help } from 'commander';
import { loadAllCommands, loadRequestedCommands } from './lazy-commands.ts';

/** What `persona --help` lists for each command: its usage term and description. */
function commandList(program: Command): Array<[string, string]> {
  const help = program.createHelp();
  return help.visibleCommands(program).map((command) => [help.subcommandTerm(command), help.subcommandDescription(command)]);
}

describe('lazily loaded CLI commands', () => {
  it('the help list built from placeholders is the one the real commands give (terms and descriptions)', async () => {
    const real = new Command('persona');
    await loadAllCommands(real);
    const placeholders = new Command('persona');
    await loadRequestedCommands(placeholders, ['--help']);
    expect(commandList(placeholders)).to.deep.equal(commandList(real));
    expect(commandList(real).map(([term]) => term)).to.include('ingest [options] <file>');
  });

  it('a named command (or `help <command>`) loads that command with its options and sub-commands', async () => {
    const program = new Command('persona');
    await loadRequestedCommands(program, ['merges', 'list', '--json']);
    expect(program.commands.map((command) => command.name())).to.deep.equal(['merge', 'merges']);
    expect(program.commands[1].commands.map((command) => command.name())).to.include('undo');
    const helped = new Command('persona');
    await loadRequestedCommands(helped, ['help', 'ingest']);
    const ingest = helped.commands.find((command) => command.name() === 'ingest')!;
    expect(new Help().visibleOptions(ingest).map((option) => option.long)).to.include('--batch-size');
  });
});
