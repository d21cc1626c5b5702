import type { PushMarket } from './order-update';

/** The state keys of the push connections, beside the WS API's wsKeys in `state$`. */
export type PushWsKey = 'pushSpot' | 'pushFutures';

/** Each market's push connection key. */
export const PUSH_WS_KEYS: Readonly<Record<PushMarket, PushWsKey>> = {
  spot: 'pushSpot',
  futures: 'pushFutures',
};

/** Whether `key` names a push connection ('pushSpot' or 'pushFutures'). */
export function isPushWsKey(key: unknown): key is PushWsKey {
  return key === 'pushSpot' || key === 'pushFutures';
}

/** The market of a push connection key. */
export function marketOfKey(key: PushWsKey): PushMarket {
  return key === 'pushSpot' ? 'spot' : 'futures';
}
