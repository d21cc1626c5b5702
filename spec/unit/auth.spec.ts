import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { hmacBase64, importHmacKey, toBase64 } from '../../src/hmac';
import { createSigner } from '../../src/transport/auth';
import { privateUrl, redactUrl } from '../../src/transport/url';

const hmac = (key: string, message: string): string =>
  createHmac('sha256', key).update(message).digest('base64');

const credentials = {
  apiKey: '6543a1b2c3d4e5f601234567',
  apiSecret: 'f03a5284-5c39-4aef-9b9a-63e6b8a4f5a1',
  apiPassphrase: 'my passphrase+/=&?',
};

describe('Web Crypto HMAC-SHA256 (matches node:crypto createHmac)', () => {
  it.each([
    ['key', 'The quick brown fox jumps over the lazy dog'],
    ['ümlaut-ß-€', '{"sessionId":"92f2aec4-d87e-47cc-917d-4e7c93911bdc","timestamp":1742175983882}'],
    [credentials.apiSecret, credentials.apiKey + '1742175983882'],
  ])('key %j', async (key, message) => {
    expect(await hmacBase64(await importHmacKey(key), message)).toBe(hmac(key, message));
  });

  it('gives node:crypto’s text for any key and message (the client signs and the simulator verifies with it)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, unit: 'grapheme' }),
        fc.string({ unit: 'grapheme' }),
        async (key, message) => {
          expect(await hmacBase64(await importHmacKey(key), message)).toBe(hmac(key, message));
        },
      ),
      { seed: 4231, numRuns: 200 },
    );
  });

  it('refuses an empty secret (Web Crypto has no zero-length HMAC keys)', async () => {
    await expect(importHmacKey('')).rejects.toBeDefined();
  });

  it('the known RFC 4231-style vector: HMAC-SHA256("key", fox)', async () => {
    const sig = await hmacBase64(await importHmacKey('key'), 'The quick brown fox jumps over the lazy dog');
    expect(Buffer.from(sig, 'base64').toString('hex')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
  });

  it('toBase64 matches Buffer for every byte value', () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    expect(toBase64(bytes.buffer)).toBe(Buffer.from(bytes).toString('base64'));
  });
});

describe('createSigner', () => {
  it('signs the URL as docs/protocol.md §1 says, every value URL-encoded', async () => {
    const signer = createSigner(credentials, () => 1742175983882);
    const url = new URL(await signer.signedUrl('wss://wsapi.kucoin.com'));
    expect(url.origin + url.pathname).toBe('wss://wsapi.kucoin.com/v1/private');
    expect(url.searchParams.get('apikey')).toBe(credentials.apiKey);
    expect(url.searchParams.get('timestamp')).toBe('1742175983882');
    expect(url.searchParams.get('sign')).toBe(
      hmac(credentials.apiSecret, credentials.apiKey + '1742175983882'),
    );
    expect(url.searchParams.get('passphrase')).toBe(hmac(credentials.apiSecret, credentials.apiPassphrase));
    // base64's + / = must be escaped, or the gateway reads a different signature.
    expect(url.search).not.toMatch(/sign=[^&]*[+/=]/);
  });

  it('signs a fresh timestamp every time', async () => {
    let t = 1_000;
    const signer = createSigner(credentials, () => t++);
    const a = new URL(await signer.signedUrl('ws://h'));
    const b = new URL(await signer.signedUrl('ws://h'));
    expect(a.searchParams.get('timestamp')).toBe('1000');
    expect(b.searchParams.get('timestamp')).toBe('1001');
    expect(a.searchParams.get('sign')).not.toBe(b.searchParams.get('sign'));
  });

  it('signs the challenge text byte for byte as received', async () => {
    const signer = createSigner(credentials);
    const challenge = '{"sessionId":"92f2aec4-d87e-47cc-917d-4e7c93911bdc","timestamp":1742175983882}';
    expect(await signer.signChallenge(challenge)).toBe(hmac(credentials.apiSecret, challenge));
    // A re-serialised text (other spacing) would sign differently: the signer must not touch it.
    expect(await signer.signChallenge(challenge.replace(':', ': '))).not.toBe(
      hmac(credentials.apiSecret, challenge),
    );
  });

  it('holds the credentials where JSON.stringify and util.inspect cannot see them', async () => {
    const signer = createSigner(credentials);
    await signer.signedUrl('ws://h');
    const { inspect } = await import('node:util');
    const views = [JSON.stringify(signer), inspect(signer, { showHidden: true, depth: 10 })];
    for (const v of views) {
      expect(v).not.toContain(credentials.apiSecret);
      expect(v).not.toContain(credentials.apiPassphrase);
    }
  });
});

describe('privateUrl / redactUrl', () => {
  const s = { apikey: 'k', sign: 'a+b/c=', passphrase: 'p=', timestamp: 5 };

  it('appends /v1/private once, whatever the base looks like', () => {
    expect(privateUrl('ws://h:1', s)).toBe(
      'ws://h:1/v1/private?apikey=k&sign=a%2Bb%2Fc%3D&passphrase=p%3D&timestamp=5',
    );
    expect(privateUrl('ws://h:1/', s).startsWith('ws://h:1/v1/private?')).toBe(true);
    expect(privateUrl('ws://h:1/v1/private', s).startsWith('ws://h:1/v1/private?')).toBe(true);
  });

  it('redacts signed values from texts that quote the URL', () => {
    const text = `failed: ${privateUrl('ws://h', s)} (x)`;
    const red = redactUrl(text);
    expect(red).not.toContain('a%2Bb');
    expect(red).not.toContain('p%3D');
    expect(red).toContain('timestamp=5');
    expect(red).toContain('sign=[redacted]');
  });
});
