import { describe, expect, test } from 'vitest';
import { commands } from './commands';
import { main } from './main';

describe('CLI command list', () => {
  test.each(commands.map((entry) => [entry.name, entry] as const))(
    "'%s' loads a command with the same name and summary as its entry",
    async (_name, entry) => {
      const command = await entry.load();
      expect(command.name).toBe(entry.name);
      expect(command.summary).toBe(entry.summary);
      expect(command.usage.length).toBeGreaterThan(20);
    },
  );

  test('an unknown command is a usage error (exit 2)', async () => {
    expect(await main(['no-such-command'])).toBe(2);
  });
});
