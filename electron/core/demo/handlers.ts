import { DemoSeedInput, type demoCalls } from '../../../shared/contract/demo';
import { AppError } from '../../../shared/errors';
import type { CallContext, Handlers } from '../dispatcher';
import { seedDemo, type DemoWorkspace } from './seed';

export interface DemoDeps {
  /** The open vault's scheduling store and services (the same the schedule handlers use). */
  workspace(): DemoWorkspace;
}

function actorOf(ctx: CallContext) {
  const s = ctx.session;
  if (!s) throw new AppError('UNAUTHENTICATED');
  return { type: 'user' as const, userId: s.userId, role: s.role, sessionId: s.id };
}

export function demoHandlers(deps: DemoDeps): Handlers<typeof demoCalls> {
  return {
    'demo.seed': (input, ctx) => {
      // The dispatcher parsed the input already; parse again only to get the defaults' types.
      const i = DemoSeedInput.parse(input);
      return seedDemo(deps.workspace(), actorOf(ctx), ctx.services.clock, i);
    },
  };
}
