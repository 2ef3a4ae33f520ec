import { describe, expect, it } from 'vitest';
import { weakness } from './control-plane-weak-tls.js';

describe('control-plane-weak-tls weakness', () => {
  it('static RSA key exchange has no forward secrecy', () => {
    for (const s of [
      'TLS_RSA_WITH_AES_128_GCM_SHA256',
      'TLS_RSA_WITH_AES_256_GCM_SHA384',
      'TLS_RSA_WITH_AES_128_CBC_SHA',
    ])
      expect(weakness(s), s).toContain('no forward secrecy');
  });

  it('names the older weaknesses', () => {
    expect(weakness('TLS_RSA_WITH_RC4_128_SHA')).toContain('RC4');
    expect(weakness('TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA')).toContain('3DES');
    expect(weakness('TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256')).toContain('CBC');
  });

  it('ECDHE with RSA certificates, AEAD suites and TLS 1.3 names are not weak', () => {
    for (const s of [
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
      'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
      'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
      'TLS_AES_128_GCM_SHA256',
      'TLS_CHACHA20_POLY1305_SHA256',
    ])
      expect(weakness(s), s).toBeUndefined();
  });
});
