/**
 * The browser page's script, bundled by spec/browser/browser.spec.ts with esbuild for the
 * browser: the client with the native WebSocket and Web Crypto, driven by the page's buttons.
 */
import { WebsocketAPIClient, WsApiError, type ConnectionState } from 'kucoin-wsapi-rx';

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
