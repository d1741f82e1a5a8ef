import type { ControlContext } from '../contract.js';
import { CommandError } from '../protocol.js';
import type { StoreQueries } from '../store-queries.js';

/** The store of the running daemon, or a clear error reply when it is not open. */
export function requireStore(ctx: ControlContext): StoreQueries {
  const store = ctx.storeQueries();
  if (!store) throw new CommandError('store_unavailable', 'the lane store is not open (the daemon is starting or stopping); try again');
  return store;
}
