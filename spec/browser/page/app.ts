/**
 * The browser page's script, bundled by spec/browser/browser.spec.ts with esbuild for the
 * browser: the client with the native WebSocket and Web Crypto, driven by the page's buttons.
 */
import { filter, firstValueFrom, lastValueFrom, tap, toArray } from 'rxjs';
import { WebsocketAPIClient, WsApiError, type ConnectionState, type OrderUpdate } from 'kucoin-wsapi-rx';

const element = (id: string): HTMLElement => {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`no #${id}`);
  return e;
};
const value = (id: string): string => (element(id) as HTMLInputElement).value.trim();
const show = (id: string, text: string): void => {
  element(id).textContent = text;
};
const failure = (error: unknown): string =>
  error instanceof WsApiError ? `${error.name} ${error.code}: ${error.msg}` : String(error);

const SYMBOL = 'BTC-USDT';
let client: WebsocketAPIClient | undefined;
let orderId: string | undefined;

function showState(s: ConnectionState): void {
  const state = element('state');
  state.textContent = s.status;
  state.dataset.status = s.status;
  const item = document.createElement('li');
  item.textContent = `${s.status}${s.error === undefined ? '' : ` (${s.error.message})`}`;
  element('transitions').append(item);
}

element('connect').addEventListener('click', () => {
  void client?.close();
  element('transitions').replaceChildren();
  client = new WebsocketAPIClient({
    wsBaseUrl: value('ws-base-url'),
    apiKey: value('api-key'),
    apiSecret: value('api-secret'),
    apiPassphrase: value('api-passphrase'),
    attachEventListeners: false,
  });
  client.stateOf$('wsApiSpotV1').subscribe(showState);
  client.connect().catch((error: unknown) => show('error', failure(error)));
});

element('place').addEventListener('click', async () => {
  if (client === undefined) return show('error', 'connect first');
  const call = client.submitNewSpotOrder({
    side: 'buy',
    symbol: SYMBOL,
    type: 'limit',
    price: '20000',
    size: '0.001',
  });
  // The clientOid is known before the answer: the client filled one in.
  show('client-oid', call.clientOid ?? '');
  try {
    const r = await call;
    orderId = r.data.orderId;
    show('order-id', orderId);
    show('order-result', `code ${r.code}, gateway ${r.outTime - r.inTime} ms, via ${r.wsKey}`);
  } catch (error) {
    show('error', failure(error));
  }
});

element('cancel').addEventListener('click', async () => {
  if (client === undefined || orderId === undefined) return show('error', 'place an order first');
  try {
    const r = await client.cancelSyncSpotOrder({ symbol: SYMBOL, orderId });
    show('cancel-result', `status ${r.data.status}, canceledSize ${r.data.canceledSize}`);
  } catch (error) {
    show('error', failure(error));
  }
});

element('close').addEventListener('click', () => void client?.close());

element('testnet').addEventListener('click', async () => {
  const testnet = new WebsocketAPIClient({ testnet: true, attachEventListeners: false });
  try {
    await testnet.submitNewSpotOrder({
      side: 'buy',
      symbol: SYMBOL,
      type: 'limit',
      price: '20000',
      size: '0.001',
    });
    show('testnet-result', 'unexpectedly placed');
  } catch (error) {
    show('testnet-result', failure(error));
  }
});

/** Appends one line to a list. */
const append = (id: string, text: string): void => {
  const item = document.createElement('li');
  item.textContent = text;
  element(id).append(item);
};
const describe = (u: OrderUpdate): string => `${u.type} ${u.status} ${u.source}`;

/**
 * Order updates in the browser: a client with orderUpdates: true (the push channel over the
 * native WebSocket, its token from bullet-private over fetch to the REST host), every event of
 * the account on orderUpdates$, and two orders followed by call.updates$ to their end: a
 * market buy that fills, and a limit buy that rests and is cancelled.
 */
element('follow').addEventListener('click', async () => {
  const follower = new WebsocketAPIClient({
    wsBaseUrl: value('ws-base-url'),
    restBaseUrl: value('rest-base-url'),
    futuresRestBaseUrl: value('rest-base-url'),
    apiKey: value('api-key'),
    apiSecret: value('api-secret'),
    apiPassphrase: value('api-passphrase'),
    orderUpdates: true,
    attachEventListeners: false,
  });
  try {
    follower.orderUpdates$.subscribe((u) => append('feed', `${u.clientOid ?? '?'} ${describe(u)}`));
    await follower.connect();
    await firstValueFrom(follower.stateOf$('pushSpot').pipe(filter((s) => s.status === 'ready')));
    show('push-state', 'ready');

    const taker = follower.submitNewSpotOrder({ side: 'buy', symbol: SYMBOL, type: 'market', size: '0.001' });
    show('taker-oid', taker.clientOid ?? '');
    const takerEvents = await lastValueFrom(
      taker.updates$.pipe(
        tap((u) => append('taker-updates', describe(u))),
        toArray(),
      ),
    );
    show('taker-done', `completed after ${takerEvents.at(-1)?.type ?? 'nothing'}`);

    const resting = follower.submitNewSpotOrder({
      side: 'buy',
      symbol: SYMBOL,
      type: 'limit',
      price: '20000',
      size: '0.001',
    });
    show('resting-oid', resting.clientOid ?? '');
    const restingEnd = lastValueFrom(
      resting.updates$.pipe(tap((u) => append('resting-updates', describe(u)))),
    );
    await firstValueFrom(resting.updates$.pipe(filter((u) => u.type === 'open')));
    await follower.cancelSpotOrder({ symbol: SYMBOL, clientOid: resting.clientOid });
    show('resting-done', `completed after ${(await restingEnd).type}`);
  } catch (error) {
    show('follow-error', failure(error));
  } finally {
    await follower.close();
    show('follow-closed', 'closed');
  }
});
