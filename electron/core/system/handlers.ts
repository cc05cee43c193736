import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { systemCalls } from '../../../shared/contract/system';
import type { Handlers } from '../dispatcher';

export interface SystemDeps {
  version: string;
  dataDir: string;
  transport: 'electron' | 'preview' | 'in-process';
  isUnlocked: () => boolean;
}

export function systemHandlers(deps: SystemDeps): Handlers<typeof systemCalls> {
  return {
    'system.status': (_input, ctx) => ({
      product: 'Residency Scheduler' as const,
      version: deps.version,
      vault: deps.isUnlocked() ? 'unlocked' : existsSync(join(deps.dataDir, 'vault.db')) ? 'locked' : 'absent',
      transport: deps.transport,
      time: ctx.services.clock.now().toISOString(),
    }),
    'system.echo': (input, ctx) => ({ text: input.text, receivedAt: ctx.services.clock.now().toISOString() }),
  };
}
