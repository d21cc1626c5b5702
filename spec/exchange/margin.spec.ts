import { Exchange, type OpResult } from '../../src/simulator/exchange';

const acct = (apiKey: string, balances: Record<string, string>) => ({
  apiKey,
  apiSecret: 's',
  apiPassphrase: 'p',
  balances,
});

const T0 = 1_700_000_000_000;

const exchange = () =>
  new Exchange({
    seed: 3,
    seedLiquidity: false,
    accounts: [acct('alice', { USDT: '10000' }), acct('bob', { USDT: '1000000', BTC: '100' })],
  });

const order = (side: 'buy' | 'sell', price: string, size: string, more: Record<string, unknown> = {}) => ({
  symbol: 'BTC-USDT',
  side,
  type: 'limit',
  price,
  size,
  ...more,
});

const data = (r: OpResult): any => {
  if (r.code !== '200000') throw new Error(`expected success, got ${r.code} ${r.msg}`);
  return r.data;
};

const margin = (ex: Exchange, key: string, args: object) => ex.handle(key, 'margin.order', args, T0);
const spot = (ex: Exchange, key: string, args: object) => data(ex.handle(key, 'spot.order', args, T0));

describe('margin.order', () => {
  it('trades from a cross margin wallet separate from spot, answering borrowSize 0 and loanApplyId null', () => {
    const ex = exchange();
    const r = data(margin(ex, 'alice', order('buy', '20000', '0.1', { clientOid: 'm1' })));
    expect(r).toEqual({
      orderId: expect.stringMatching(/^[0-9a-f]{24}$/),
      clientOid: 'm1',
      borrowSize: '0',
      loanApplyId: null,
    });
    expect(ex.marginBalances('alice').USDT).toEqual({ available: '8000', hold: '2000', liability: '0' });
    expect(ex.balances('alice').USDT).toEqual({ available: '10000', hold: '0' });
    expect(ex.ledger('m1')).toMatchObject({ op: 'margin.order', status: 'open' });
  });

  it('requires a clientOid', () => {
    const r = margin(exchange(), 'alice', order('buy', '20000', '0.1'));
    expect(r).toEqual({ code: '400100', msg: 'clientOid is required for margin orders' });
  });

  it('answers 200004 when short without autoBorrow', () => {
    const r = margin(exchange(), 'alice', order('buy', '20000', '1', { clientOid: 'x' }));
    expect(r).toEqual({ code: '200004', msg: 'Balance insufficient!' });
  });

  it('autoBorrow borrows exactly the shortfall and reports it with a fresh loanApplyId', () => {
    const ex = exchange();
    const r = data(margin(ex, 'alice', order('buy', '20000', '1', { clientOid: 'b1', autoBorrow: true })));
    expect(r.borrowSize).toBe('10000');
    expect(r.loanApplyId).toMatch(/^[0-9a-f]{24}$/);
    expect(r.loanApplyId).not.toBe(r.orderId);
    expect(ex.marginBalances('alice').USDT).toEqual({ available: '0', hold: '20000', liability: '10000' });
    // Cancelling releases the hold; the loan stays until repaid.
    data(ex.handle('alice', 'margin.cancel', { symbol: 'BTC-USDT', clientOid: 'b1' }, T0));
    expect(ex.marginBalances('alice').USDT).toEqual({ available: '20000', hold: '0', liability: '10000' });
  });

  it('caps cross borrowing at 4× equity (5× leverage)', () => {
    const ex = exchange();
    const tooMuch = margin(ex, 'alice', order('buy', '20000', '2.6', { clientOid: 'c1', autoBorrow: true }));
    expect(tooMuch.code).toBe('200004');
    expect(tooMuch.msg).toMatch(/5x margin limit/);
    expect(ex.marginBalances('alice').USDT).toEqual({ available: '10000', hold: '0', liability: '0' });
    const atLimit = data(
      margin(ex, 'alice', order('buy', '20000', '2.5', { clientOid: 'c2', autoBorrow: true })),
    );
    expect(atLimit.borrowSize).toBe('40000');
  });

  it('keeps isolated wallets per symbol, with only that pair’s currencies, capped at 9× equity', () => {
    const ex = new Exchange({
      seed: 3,
      seedLiquidity: false,
      accounts: [acct('alice', { USDT: '1000', ETH: '5', XRP: '7' })],
    });
    const r = data(
      margin(
        ex,
        'alice',
        order('buy', '20000', '0.45', { clientOid: 'i1', isIsolated: true, autoBorrow: true }),
      ),
    );
    expect(r.borrowSize).toBe('8000');
    expect(ex.marginBalances('alice', 'BTC-USDT')).toEqual({
      USDT: { available: '0', hold: '9000', liability: '8000' },
    });
    expect(ex.marginBalances('alice').USDT).toEqual({ available: '1000', hold: '0', liability: '0' });
    const over = margin(
      ex,
      'alice',
      order('buy', '20000', '0.1', { clientOid: 'i2', isIsolated: true, autoBorrow: true }),
    );
    expect(over.code).toBe('200004');
    expect(over.msg).toMatch(/10x/);
  });

  it('borrows base to sell short, and autoRepay repays it from the proceeds of a later buy', () => {
    const ex = exchange();
    const short = data(
      margin(ex, 'alice', order('sell', '30000', '1', { clientOid: 's', autoBorrow: true })),
    );
    expect(short.borrowSize).toBe('1');
    expect(ex.marginBalances('alice').BTC).toEqual({ available: '0', hold: '1', liability: '1' });
    spot(ex, 'bob', order('buy', '30000', '1'));
    expect(ex.marginBalances('alice').USDT).toEqual({ available: '40000', hold: '0', liability: '0' });
    data(margin(ex, 'alice', order('buy', '29000', '1', { clientOid: 'r', autoRepay: true })));
    spot(ex, 'bob', order('sell', '29000', '1'));
    expect(ex.ledger('r')).toMatchObject({ status: 'done', dealSize: '1' });
    expect(ex.marginBalances('alice')).toEqual({
      BTC: { available: '0', hold: '0', liability: '0' },
      USDT: { available: '11000', hold: '0', liability: '0' },
    });
  });

  it('without autoRepay the proceeds stay available and the loan stays open', () => {
    const ex = exchange();
    data(margin(ex, 'alice', order('sell', '30000', '1', { clientOid: 's', autoBorrow: true })));
    spot(ex, 'bob', order('buy', '30000', '1'));
    data(margin(ex, 'alice', order('buy', '29000', '1', { clientOid: 'r' })));
    spot(ex, 'bob', order('sell', '29000', '1'));
    expect(ex.marginBalances('alice').BTC).toEqual({ available: '1', hold: '0', liability: '1' });
  });

  it('margin.cancel cancels only margin orders and answers {orderId, clientOid}', () => {
    const ex = exchange();
    const { orderId } = data(margin(ex, 'alice', order('buy', '20000', '0.1', { clientOid: 'mc' })));
    spot(ex, 'alice', order('buy', '20000', '0.1', { clientOid: 'sc' }));
    expect(ex.handle('alice', 'margin.cancel', { symbol: 'BTC-USDT', clientOid: 'sc' }, T0).code).toBe(
      '400100',
    );
    expect(ex.handle('alice', 'margin.cancel', { symbol: 'BTC-USDT', orderId }, T0)).toEqual({
      code: '200000',
      data: { orderId, clientOid: 'mc' },
    });
    expect(ex.handle('alice', 'margin.cancel', { symbol: 'BTC-USDT', orderId }, T0).code).toBe('400100');
  });

  it('de-duplicates clientOids among live margin orders, separately from spot', () => {
    const ex = exchange();
    data(margin(ex, 'alice', order('buy', '20000', '0.1', { clientOid: 'd' })));
    expect(margin(ex, 'alice', order('buy', '20000', '0.1', { clientOid: 'd' })).code).toBe('400100');
    spot(ex, 'alice', order('buy', '20000', '0.1', { clientOid: 'd' }));
    expect(ex.acceptedCount('d')).toBe(2);
  });
});
