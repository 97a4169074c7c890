import type { Context, Outbox } from './context.js';
import type { EventBus } from './event-bus.js';
import type { RealtimeClient } from './types.js';

/** The link as an optional feature hears it. */
export interface LinkEvents {
  /** Established, after the client's queued requests were sent. */
  up: undefined;
  /** Left `connected`. */
  down: undefined;
  /** `client.destroy()`: release everything. */
  destroy: undefined;
}

/**
 * What an optional feature (the inbox stores) needs of a client beyond its
 * public surface. The client registers these at creation and never refers
 * to the features, so an app that does not use a feature ships none of it
 * (TanStack Query's `QueryObserver` is made the same way: by whoever needs it). Internal.
 */
export interface ClientInternals {
  context: Context;
  outbox: Outbox;
  onLink: EventBus<LinkEvents>['on'];
}

const registered = new WeakMap<RealtimeClient, ClientInternals>();

/** `createRealtimeClient` registers each client it makes. */
export function registerInternals(client: RealtimeClient, internals: ClientInternals): void {
  registered.set(client, internals);
}

/**
 * The feature of `client` kept in `features`, made by `create` on first use:
 * one per client, however many hooks or components ask.
 *
 * @throws TypeError when `client` was not made by `createRealtimeClient`.
 */
export function featureOf<T>(features: WeakMap<RealtimeClient, T>, client: RealtimeClient, create: (internals: ClientInternals, client: RealtimeClient) => T): T {
  let feature = features.get(client);
  if (feature === undefined) {
    const internals = registered.get(client);
    if (!internals) throw new TypeError('socketkit: expected a client made by createRealtimeClient');
    feature = create(internals, client);
    features.set(client, feature);
  }
  return feature;
}
