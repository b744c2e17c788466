
export interface LoopbackTls {
  /** The CA certificate (PEM) a client trusts, e.g. through SSL_CERT_FILE. */
  readonly caCert: string;
  /** The server's key and certificate (PEM) for 127.0.0.1, signed by the CA. */
  readonly key: string;
  readonly cert: string;
}

/** A fresh certificate authority and a server certificate for 127.0.0.1 it signed, valid for a day. */
export async function loopbackTls(): Promise<LoopbackTls> {
  const { generate } = await import('selfsigned');
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 86_400_000);
  const ca = await generate([{ name: 'commonName', value: 'platform test CA' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { caCert: ca.cert, key: server.private, cert: server.cert };
}
